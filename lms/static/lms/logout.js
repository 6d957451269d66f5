// Logging out, perhaps on a shared computer: first drop what this browser kept of attempts for
// working without a connection, then log out. Kept attempt pages go (the service worker's cache,
// quizzes/templates/quizzes/sw.js), and so do copies of answers the server already has
// (quizzes/static/quizzes/attempt.js); answers not yet sent stay, to be sent at the next visit.
(function () {
  "use strict";
  const form = document.getElementById("logout-form");
  if (!form) return;

  function dropSavedAnswers() {
    try {
      for (const key of Object.keys(localStorage)) {
        if (!key.startsWith("qihang-attempt-")) continue;
        const store = JSON.parse(localStorage.getItem(key)) || {};
        if (!store.pending || !Object.keys(store.pending).length) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify({ seq: store.seq, pending: store.pending }));
      }
    } catch (e) { /* storage unavailable */ }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    dropSavedAnswers();
    const kept = "caches" in window ? caches.keys() : Promise.resolve([]);
    kept
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("qihang-attempts-")).map((name) => caches.delete(name))))
      .catch(() => { /* nothing kept */ })
      .finally(() => form.submit());
  });
})();
