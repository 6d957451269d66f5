// Study-time heartbeat: while the lesson tab is visible and the learner was active in the last
// minute, tell the server every HEARTBEAT seconds. An idle or hidden tab sends nothing, so it
// accrues nothing (the server also caps each credit).
(function () {
  const root = document.querySelector("[data-heartbeat-url]");
  if (!root) return;
  const url = root.dataset.heartbeatUrl;
  const interval = Number(root.dataset.heartbeatInterval || 30) * 1000;
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  let lastActivity = Date.now();
  for (const name of ["mousemove", "keydown", "scroll", "touchstart", "click"]) {
    window.addEventListener(name, () => { lastActivity = Date.now(); }, { passive: true });
  }
  function beat() {
    if (document.visibilityState !== "visible") return;
    if (Date.now() - lastActivity > 60000) return;
    fetch(url, { method: "POST", credentials: "same-origin",
                 headers: { "X-CSRFToken": csrf, "Accept": "application/json" } }).catch(() => {});
  }
  beat();
  setInterval(beat, interval);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") { lastActivity = Date.now(); beat(); } });
})();
