// Logging out, perhaps on a shared computer: first drop the attempt pages the service worker
// kept for reloading without a connection (quizzes/templates/quizzes/sw.js), then log out.
(function () {
  "use strict";
  const form = document.getElementById("logout-form");
  if (!form || !("caches" in window)) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("qihang-attempts-")).map((name) => caches.delete(name))))
      .catch(() => { /* nothing kept */ })
      .finally(() => form.submit());
  });
})();
