// Likeness landing page: shows /readyz and /healthz. No external requests; text only via textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const TIMEOUT_MS = 5000;

  async function fetchJSON(path) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    try {
      const r = await fetch(path, { cache: "no-store", signal: ctl.signal, headers: { Accept: "application/json" } });
      let body = null;
      try { body = await r.json(); } catch (_) { body = null; }
      return { status: r.status, body };
    } catch (e) {
      return { status: 0, body: null, error: e && e.name === "AbortError" ? "timed out" : "unreachable" };
    } finally {
      clearTimeout(timer);
    }
  }

  function badge(el, state, text) {
    el.dataset.state = state;
    el.textContent = text;
  }

  function text(id, value) {
    $(id).textContent = value == null || value === "" ? "—" : String(value);
  }

  let knownVersion = null;

  async function versionFromDocument() {
    if (knownVersion) return knownVersion;
    const r = await fetchJSON("/openapi.json");
    if (r.status === 200 && r.body && r.body.info && typeof r.body.info.version === "string") {
      knownVersion = r.body.info.version;
    }
    return knownVersion;
  }

  async function refresh() {
    const [ready, health] = await Promise.all([fetchJSON("/readyz"), fetchJSON("/healthz")]);
    const status = $("ready-status");
    const note = $("status-note");
    let isReady = false;
    if (ready.status === 200 && ready.body && ready.body.status === "ready") {
      isReady = true;
      badge(status, "ok", "Ready");
      knownVersion = ready.body.version || knownVersion;
      text("version", ready.body.version);
      text("model-pack", ready.body.model_pack);
      text("store", ready.body.store);
      note.textContent = "";
    } else if (ready.status === 503) {
      badge(status, "wait", "Not ready");
      const v = await versionFromDocument();
      text("version", v);
      text("model-pack", "");
      text("store", "");
      let detail = ready.body && typeof ready.body.detail === "string" ? ready.body.detail.trim() : "";
      if (detail && !/[.!?]$/.test(detail)) detail += ".";
      note.textContent = "The server is starting or shutting down (503" +
        (ready.body && ready.body.code ? " " + ready.body.code : "") + ")" + (detail ? ": " + detail : ".") +
        " Requests that need the models or the store are refused until it is ready.";
    } else {
      badge(status, "bad", ready.status ? "Error " + ready.status : "Unreachable");
      note.textContent = ready.status ? "/readyz answered " + ready.status + "." :
        "The server did not answer /readyz (" + (ready.error || "network error") + ").";
    }
    $("footer-version").textContent = knownVersion || "";
    status.title = "GET /readyz → " + (ready.status || "no answer");

    const hs = $("health-status");
    if (health.status === 200 && health.body && health.body.status === "ok") {
      badge(hs, "ok", "Alive");
    } else {
      badge(hs, "bad", health.status ? "Error " + health.status : "Unreachable");
    }
    hs.title = "GET /healthz → " + (health.status || "no answer");
    document.body.dataset.statusLoaded = "true";
    return isReady;
  }

  async function loop() {
    let ready = false;
    try { ready = await refresh(); } catch (_) { ready = false; }
    setTimeout(loop, ready ? 30000 : 3000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loop);
  else loop();
})();
