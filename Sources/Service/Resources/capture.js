"use strict";
// The Likeness capture page: reads the session's challenge with its capture token, records the
// person following it with MediaRecorder, and uploads the recording (and optionally an ID
// document photo) once. Plain DOM and fetch; nothing loaded from elsewhere.
(function () {
  // The link carries the session and its token in the fragment (`/capture#session=…&token=…`),
  // which the browser never sends to a server nor puts in a Referer; read it, then take it out of
  // the address bar and the history, so it is not copied, bookmarked or shown on screen.
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const sessionId = params.get("session") || "";
  const token = params.get("token") || "";
  if (location.hash) history.replaceState(null, "", location.pathname);
  const $ = (id) => document.getElementById(id);
  const status = (text, isError) => {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  };
  // Seconds: a still start for the neutral pose, then each action, then a short tail.
  const LEAD = 1.2, PER_ACTION = 2.6, TAIL = 0.6;
  let session = null, stream = null, recording = null;

  function headers() { return { "X-Capture-Token": token }; }

  async function problemText(response) {
    try { const p = await response.json(); return p.detail || p.code || response.statusText; }
    catch (e) { return response.statusText; }
  }

  async function load() {
    if (!/^ls_[0-9a-f]+$/.test(sessionId) || !token) {
      status("This page needs a session link from the service that sent you here.", true);
      return;
    }
    const response = await fetch("/v1/liveness/sessions/" + sessionId, { headers: headers() });
    if (!response.ok) { status("The session cannot be used: " + await problemText(response), true); return; }
    session = await response.json();
    status("Session ready. " + session.challenge.length + " short instructions will follow.");
    $("consent-step").hidden = false;
    $("consent").focus();
  }

  $("consent").addEventListener("change", () => { $("start-camera").disabled = !$("consent").checked; });

  $("start-camera").addEventListener("click", async () => {
    if (stream) return;
    $("start-camera").disabled = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false });
    } catch (e) {
      stream = null;
      $("start-camera").disabled = !$("consent").checked;
      status("The camera could not be opened: " + e.message, true);
      return;
    }
    $("preview").srcObject = stream;
    $("capture-step").hidden = false;
    $("record").disabled = false;
    $("record").focus();
    status("Camera on. Press Record when your face is inside the oval.");
  });

  function mimeType() {
    const types = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm", "video/mp4"];
    return types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";
  }

  function sleep(seconds) { return new Promise((resolve) => setTimeout(resolve, seconds * 1000)); }

  $("record").addEventListener("click", async () => {
    $("record").disabled = true;
    const chunks = [];
    const type = mimeType();
    let recorder;
    try {
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      recorder.ondataavailable = (event) => { if (event.data && event.data.size) chunks.push(event.data); };
      recorder.start(250);
    } catch (e) {
      status("This browser cannot record the camera: " + e.message, true);
      $("record").disabled = false;
      return;
    }
    const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
    status("Recording.");
    $("prompt").textContent = "Look at the camera";
    await sleep(LEAD);
    for (let i = 0; i < session.instructions.length; i++) {
      $("prompt").textContent = (i + 1) + " of " + session.instructions.length + ": " + session.instructions[i];
      await sleep(PER_ACTION);
    }
    $("prompt").textContent = "Done, hold still";
    await sleep(TAIL);
    recorder.stop();
    await stopped;
    stream.getTracks().forEach((track) => track.stop());
    recording = new Blob(chunks, { type: recorder.mimeType || type || "video/webm" });
    $("prompt").textContent = "";
    status("Recorded " + Math.round(recording.size / 1024) + " KB. Add your ID document if you were asked to, then send.");
    $("document-step").hidden = false;
    $("send").focus();
  });

  $("send").addEventListener("click", async () => {
    $("send").disabled = true;
    status("Sending and checking…");
    const form = new FormData();
    const extension = (recording.type || "").includes("mp4") ? "mp4" : "webm";
    form.append("video", recording, "recording." + extension);
    const file = $("document").files[0];
    if (file) form.append("document", file, file.name);
    let response;
    try {
      response = await fetch("/v1/liveness/sessions/" + sessionId + "/video", { method: "POST", headers: headers(), body: form });
    } catch (e) {
      // Nothing was answered, so the person may try again.
      status("The recording could not be sent: " + e.message, true);
      $("send").disabled = false;
      return;
    }
    if (!response.ok) {
      status("The check could not be completed: " + await problemText(response), true);
      showResult(null);
      return;
    }
    const answer = await response.json();
    const passed = answer.status === "passed";
    status(passed ? "Check complete: confirmed." : "Check complete: not confirmed.");
    showResult(answer);
  });

  // The page hears pass or fail and what to do differently, never the measurements: those go to
  // the service's backend, which reads the decision with its key.
  function showResult(answer) {
    const box = $("result");
    box.textContent = "";
    const headline = document.createElement("p");
    headline.id = "verdict";
    if (!answer) {
      headline.textContent = "No result.";
    } else {
      const passed = answer.status === "passed";
      headline.textContent = passed ? "Passed" : "Not passed";
      headline.className = passed ? "pass" : "fail";
      headline.dataset.status = answer.status;
    }
    box.appendChild(headline);
    if (answer && answer.reasons && answer.reasons.length) {
      const intro = document.createElement("p");
      intro.textContent = "What to do next time:";
      box.appendChild(intro);
      const list = document.createElement("ul");
      list.id = "reasons";
      for (const reason of answer.reasons) {
        const item = document.createElement("li");
        item.textContent = reason.message;
        item.dataset.code = reason.code;
        list.appendChild(item);
      }
      box.appendChild(list);
    }
    $("result-step").hidden = false;
    box.focus();
  }

  load().catch((e) => status("Something went wrong: " + e.message, true));
})();
