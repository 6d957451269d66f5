// Roster import progress: while the import is being checked or applied, ask the server how far
// it has got every two seconds, move the bar, and reload the page once it is done. Without
// JavaScript the page says to reload it by hand.
(function () {
  const root = document.querySelector("[data-progress-url]");
  if (!root || !root.dataset.progressUrl) return;
  const url = root.dataset.progressUrl;
  const bar = root.querySelector("[data-role=bar]");
  const count = root.querySelector("[data-role=count]");
  const state = root.querySelector("[data-role=state]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (data.finished) { window.location.reload(); return; }
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        if (count) count.textContent = data.done + " / " + data.total;
        if (state) state.textContent = data.state_label;
        setTimeout(poll, 2000);
      })
      .catch(() => setTimeout(poll, 5000));
  }
  setTimeout(poll, 1000);
})();
