// Taking an attempt. Every change of answer is saved at once with a growing sequence number;
// until the server acknowledges it, it stays in this browser's storage and is sent again when
// the connection returns, after a reload, and when time runs out. The server keeps the newest.
(function () {
  "use strict";
  const app = document.getElementById("quiz-app");
  if (!app) return;
  const data = JSON.parse(document.getElementById("attempt-data").textContent);
  const text = JSON.parse(document.getElementById("quiz-messages").textContent);
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const storeKey = "qihang-attempt-" + data.id;
  const questions = data.questions;
  const byPosition = new Map(questions.map((q) => [q.position, q]));
  const el = (id) => document.getElementById(id);
  let current = 0;
  let closed = false;

  // --- local storage of answers -------------------------------------------------------------
  // pending: saves the server has not acknowledged yet. saved: the last acknowledged save of
  // each question, so that a copy of this page kept for reloading offline (which shows the
  // answers of the moment it was kept) is brought up to date too.
  function loadStore() {
    const empty = { seq: 0, pending: {}, saved: {} };
    try { return Object.assign(empty, JSON.parse(localStorage.getItem(storeKey))); }
    catch (e) { return empty; }
  }
  const store = loadStore();
  store.seq = Math.max(store.seq || 0, ...questions.map((q) => q.seq || 0));
  function persist() {
    try { localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* full or private */ }
  }
  // What this browser saved last wins over an older copy from the server.
  for (const items of [store.saved, store.pending]) {
    for (const [position, item] of Object.entries(items)) {
      const q = byPosition.get(Number(position));
      if (q && item.seq > (q.seq || 0)) { q.answer = item.answer; q.flagged = item.flagged; q.seq = item.seq; }
      else delete items[position];
    }
  }
  persist();

  // --- saving -----------------------------------------------------------------------------
  let inFlight = false;
  function setState(state, message) {
    const node = el("save-state");
    node.dataset.state = state;
    node.textContent = message;
  }
  function pendingCount() { return Object.keys(store.pending).length; }

  function record(q) {
    store.seq += 1;
    store.pending[q.position] = { answer: q.answer, flagged: q.flagged, seq: store.seq };
    persist();
    flush();
  }

  async function sendOne(position, item) {
    const response = await fetch(app.dataset.saveUrl + position + "/", {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ answer: item.answer, seq: item.seq, flagged: item.flagged }),
    });
    if (response.status === 409) { closed = true; return null; }
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  async function flush() {
    if (inFlight || closed) return;
    if (!pendingCount()) { setState("saved", text.saved); return; }
    inFlight = true;
    setState("saving", text.saving);
    try {
      for (const [position, item] of Object.entries(store.pending)) {
        const body = await sendOne(position, item);
        if (closed) break;
        const latest = store.pending[position];
        if (latest && latest.seq <= body.seq) delete store.pending[position];
        if (!store.saved[position] || store.saved[position].seq < item.seq) store.saved[position] = item;
        persist();
        const q = byPosition.get(Number(position));
        if (body.review) { q.review = body.review; if (questions[current] === q) render(); }
      }
    } catch (e) {
      // fetch() itself fails without a connection; an error status means the server is there
      // but could not take the answer now (restarting, overloaded). Either way it is kept here
      // and sent again: on "online" and every few seconds.
      if (e instanceof TypeError) setState("offline", text.offline);
      else setState("retrying", text.retrying);
      inFlight = false;
      return;
    }
    inFlight = false;
    if (closed) { setState("closed", text.closed); return; }
    if (pendingCount()) flush(); else setState("saved", text.saved);
  }
  window.addEventListener("online", flush);
  setInterval(() => { if (pendingCount()) flush(); }, 5000);

  // --- rendering ----------------------------------------------------------------------------
  function answered(q) { return Array.isArray(q.answer) && q.answer.some((a) => a !== "" && a !== null); }

  function renderNavigator() {
    const nav = el("navigator");
    nav.replaceChildren();
    questions.forEach((q, index) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = q.position;
      b.className = "nav-item" + (answered(q) ? " answered" : "") + (q.flagged ? " flagged" : "") +
        (index === current ? " current" : "");
      b.setAttribute("aria-label", text.question + " " + q.position + (answered(q) ? "" : " (" + text.unanswered + ")"));
      b.addEventListener("click", () => { current = index; render(); });
      nav.appendChild(b);
      if (index === current) b.scrollIntoView({ block: "nearest", inline: "center" });
    });
  }

  function render() {
    const q = questions[current];
    const box = el("question");
    box.replaceChildren();
    const meta = document.createElement("p");
    meta.className = "meta";
    const kind = q.type === "multiple_choice" ? text.multiple : (q.options.length ? text.single : "");
    meta.textContent = text.question + " " + q.position + " / " + questions.length + " · " + q.points + " " + text.points + (kind ? " · " + kind : "");
    box.appendChild(meta);
    const stem = document.createElement("div");
    stem.className = "stem";
    // The only HTML built from content: stems and explanations, cleaned by the server
    // (lms.html.clean_html). Everything else a trainer or an import wrote goes in as text.
    stem.innerHTML = q.stem;
    box.appendChild(stem);
    const locked = Boolean(q.review) || closed;
    if (q.options.length) {
      const list = document.createElement("div");
      list.className = "options";
      const multiple = q.type === "multiple_choice";
      q.options.forEach((option) => {
        const label = document.createElement("label");
        label.className = "option";
        const input = document.createElement("input");
        input.type = multiple ? "checkbox" : "radio";
        input.name = "q" + q.position;
        input.value = option.id;
        input.checked = Array.isArray(q.answer) && q.answer.includes(option.id);
        input.disabled = locked;
        input.addEventListener("change", () => {
          const chosen = Array.from(list.querySelectorAll("input:checked")).map((i) => Number(i.value));
          q.answer = chosen;
          record(q);
          renderNavigator();
        });
        if (q.review && q.review.key.includes(option.id)) label.classList.add("correct");
        label.appendChild(input);
        const span = document.createElement("span");
        span.textContent = option.label + ". " + option.text;
        label.appendChild(span);
        if (q.review && q.review.option_explanations[option.id]) {
          const why = document.createElement("small");
          why.className = "meta option-why";
          why.textContent = q.review.option_explanations[option.id];
          label.appendChild(why);
        }
        list.appendChild(label);
      });
      box.appendChild(list);
    }
    q.parts.forEach((part, index) => {
      const wrap = document.createElement("div");
      wrap.className = "field";
      const label = document.createElement("label");
      label.textContent = (index + 1) + ". " + part.prompt + " (" + part.points + " " + text.points + ")";
      const area = document.createElement("textarea");
      area.rows = 6;
      area.value = (q.answer && q.answer[index]) || "";
      area.disabled = locked;
      let timer = null;
      area.addEventListener("input", () => {
        const answers = Array.from({ length: q.parts.length }, (_, i) => (q.answer && q.answer[i]) || "");
        answers[index] = area.value;
        q.answer = answers;
        clearTimeout(timer);
        timer = setTimeout(() => { record(q); renderNavigator(); }, 800);
      });
      label.appendChild(area);
      wrap.appendChild(label);
      box.appendChild(wrap);
    });
    if (q.review) {
      const verdict = document.createElement("aside");
      verdict.className = "key-point explanation";
      const head = document.createElement("h3");
      head.textContent = q.review.correct ? "✓ " + text.correct : "✗ " + text.wrong;
      verdict.appendChild(head);
      const body = document.createElement("div");
      body.innerHTML = q.review.explanation;  // cleaned by the server, as the stem
      verdict.appendChild(body);
      if (q.review.knowledge_point && app.dataset.similarUrl) {
        // "Try a similar question": practice on the same knowledge point.
        const form = document.createElement("form");
        form.method = "post";
        form.action = app.dataset.similarUrl.replace("/0/", "/" + q.review.knowledge_point + "/");
        const token = document.createElement("input");
        token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf;
        const button = document.createElement("button");
        button.type = "submit"; button.className = "button"; button.id = "similar";
        button.textContent = text.similar;
        form.append(token, button);
        verdict.appendChild(form);
      }
      box.appendChild(verdict);
    }
    el("flag").setAttribute("aria-pressed", q.flagged ? "true" : "false");
    el("prev").disabled = current === 0;
    el("next").disabled = current === questions.length - 1;
    renderNavigator();
  }

  el("prev").addEventListener("click", () => { if (current > 0) { current -= 1; render(); } });
  el("next").addEventListener("click", () => { if (current < questions.length - 1) { current += 1; render(); } });
  el("flag").addEventListener("click", () => {
    const q = questions[current];
    q.flagged = !q.flagged;
    record(q);
    render();
  });

  // --- submitting and the clock ----------------------------------------------------------------
  let submitting = false;
  async function submit(auto) {
    if (submitting || (!auto && !window.confirm(text.confirm))) return;
    submitting = true;
    for (let i = 0; i < 3 && pendingCount() && !closed; i += 1) { inFlight = false; await flush(); }
    let reached = false;
    try {
      const response = await fetch(app.dataset.submitUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      });
      reached = response.ok || response.status === 409;
    } catch (e) { /* no connection */ }
    submitting = false;
    if (!reached) {
      // Stay on the page, where the answers are kept. The learner submits again once the
      // connection returns; at the deadline the page tries again by itself, and the server
      // submits what it has anyway.
      setState("offline", auto ? text.timeupOffline : text.submitOffline);
      return;
    }
    if (!pendingCount()) localStorage.removeItem(storeKey);
    await forgetOfflineCopy();
    window.location.assign(app.dataset.resultUrl);
  }
  el("submit").addEventListener("click", () => submit(false));

  if (data.deadline) {
    const offset = Date.parse(data.server_time) - Date.now();
    const deadline = Date.parse(data.deadline);
    const timer = el("timer");
    timer.hidden = false;
    let finishing = false;
    const tick = () => {
      const left = Math.max(0, deadline - (Date.now() + offset));
      const minutes = Math.floor(left / 60000);
      const seconds = Math.floor((left % 60000) / 1000);
      timer.textContent = text.timeleft + " " + String(minutes).padStart(2, "0") + ":" + String(seconds).padStart(2, "0");
      timer.classList.toggle("urgent", left < 5 * 60000);
      if (left <= 0 && !finishing) {
        finishing = true;
        setState("saving", text.timeup);
        submit(true);
      }
    };
    tick();
    setInterval(tick, 1000);
    window.addEventListener("online", () => { if (finishing) submit(true); });
  }

  // --- reloading without a connection ------------------------------------------------------
  // The service worker keeps a copy of this page and its files, so that a reload while offline
  // shows the attempt again (with the unsent answers above laid over it).
  async function keepOfflineCopy() {
    if (!("serviceWorker" in navigator) || !app.dataset.serviceWorker) return;
    const controlled = Boolean(navigator.serviceWorker.controller);
    try {
      await navigator.serviceWorker.register(app.dataset.serviceWorker);
      const registration = await navigator.serviceWorker.ready;
      if (controlled || !registration.active) return;  // the worker saw this page load
      const files = Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]"),
        (node) => node.src || node.href);
      registration.active.postMessage({ keep: [window.location.pathname, ...files] });
    } catch (e) { /* no worker: reloading offline is not possible, saving still is */ }
  }
  async function forgetOfflineCopy() {
    if (!("serviceWorker" in navigator)) return;
    try {
      const registration = await navigator.serviceWorker.getRegistration();
      if (registration && registration.active) {
        registration.active.postMessage({ forget: window.location.pathname });
      }
    } catch (e) { /* nothing kept */ }
  }
  keepOfflineCopy();

  render();
  flush();
})();
