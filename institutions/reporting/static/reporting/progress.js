// Polls a report's status until its file is ready, then shows the download link.
(function () {
  "use strict";
  const box = document.getElementById("report");
  if (!box) return;
  const state = box.querySelector("[data-role=state]");
  const bar = box.querySelector("[data-role=bar]");
  const download = box.querySelector("[data-role=download]");

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        state.textContent = status.state_label;
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        if (status.download) {
          download.querySelector("a").href = status.download;
          download.hidden = false;
          return;
        }
        if (status.state === "failed") return;
      }
    } catch (error) {
      // Offline for a moment: try again.
    }
    window.setTimeout(poll, 1500);
  }
  poll();
})();
