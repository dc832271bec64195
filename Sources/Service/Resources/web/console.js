// The operator's console (GET /console): a single page over the Likeness HTTP API.
//
// Privacy rules this file keeps: the API key is the only thing stored in the browser (in
// sessionStorage, so it goes with the tab); it is sent as `Authorization: Bearer`, never in a
// URL. Photos are read from file inputs or drops into memory (File objects and ImageBitmaps
// drawn on canvases), dropped and closed when the view changes; object URLs, if any, are revoked
// then too. Nothing goes to localStorage, IndexedDB or cookies. Server text (subject ids,
// metadata, audit details, problem details) only ever reaches the page through textContent.
'use strict';

(() => {
  const KEY = 'likeness.console.key';
  const $ = (sel, root = document) => root.querySelector(sel);

  // --- DOM helpers --------------------------------------------------------------------------

  /** An element: attrs are attributes, except class, text, on* (listeners) and the DOM
   *  properties value/checked/disabled/hidden/multiple/selected; children are nodes or strings. */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (['value', 'checked', 'disabled', 'hidden', 'multiple', 'selected', 'required'].includes(k)) el[k] = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(el, kids);
    return el;
  }

  const add = (el, ...kids) => append(el, kids);

  /** Replaces el's children with kids (nested arrays flattened, null/false skipped). */
  function put(el, ...kids) {
    el.replaceChildren();
    return append(el, kids);
  }

  function append(el, kids) {
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }

  const code = (text) => h('code', { text: String(text) });
  const subjectLink = (id) => h('a', { href: '#subject/' + encodeURIComponent(id), class: 'subject-link', text: id });

  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (isNaN(d)) return String(iso);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC');
  }
  const timeEl = (iso) => h('time', { datetime: iso || '', text: fmtTime(iso) });
  const fmt = (x, digits = 4) => (typeof x === 'number' && isFinite(x) ? x.toFixed(digits) : '—');
  function fmtRate(x) {
    if (typeof x !== 'number' || !isFinite(x)) return '—';
    return x === 0 ? '0' : x < 0.01 ? x.toExponential(1) : x.toFixed(2);
  }
  function fmtFmr(x) {
    if (typeof x !== 'number') return 'not calibrated';
    const e = Math.round(Math.log10(x));
    return Math.abs(x - 10 ** e) < 1e-12 ? `1e${e}` : String(x);
  }
  const plural = (n, one, many) => `${n} ${n === 1 ? one : (many || one + 's')}`;

  function heading(title, intro) {
    return [h('h1', { id: 'view-title', tabindex: '-1', text: title }), intro ? h('p', { class: 'intro', text: intro }) : null];
  }

  function field(label, input, hint) {
    const id = input.id || ('f' + Math.random().toString(36).slice(2, 9));
    input.id = id;
    const hintEl = hint ? h('span', { class: 'hint', id: id + '-hint', text: hint }) : null;
    if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
    return h('div', { class: 'field' }, h('label', { for: id, text: label }), input, hintEl);
  }

  function badge(ok, yes, no) {
    return h('span', { class: 'badge ' + (ok ? 'ok' : 'bad'), text: ok ? yes : no });
  }

  /** A table; columns: [{label, cell: row => node|string, class}]. Each cell carries its column
   *  label (data-label) for the stacked layout on narrow screens. */
  function table(columns, rows, { caption, empty = 'Nothing to show.', cls } = {}) {
    if (!rows.length) return h('p', { class: 'empty', text: empty });
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'data ' + (cls || '') },
        caption ? h('caption', { text: caption }) : null,
        h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class, text: c.label })))),
        h('tbody', null, rows.map((r) => h('tr', null, columns.map((c) => {
          const v = c.cell(r);
          return h('td', { 'data-label': c.label, class: c.class }, h('div', { class: 'cell' }, v === undefined || v === null || v === '' ? '—' : v));
        }))))));
  }

  function dl(pairs) {
    return h('dl', { class: 'pairs' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', { text: k }), h('dd', null, v === undefined || v === null || v === '' ? '—' : v)]));
  }

  // --- status region ------------------------------------------------------------------------

  let statusTimer = null;
  function announce(text, kind = 'info') {
    const el = $('#status');
    clearTimeout(statusTimer);
    el.textContent = '';
    el.className = 'status ' + kind;
    // A fresh text node after a tick, so screen readers announce a repeat too.
    statusTimer = setTimeout(() => {
      el.textContent = text;
      statusTimer = setTimeout(() => { el.textContent = ''; el.className = 'status'; }, kind === 'error' ? 12000 : 6000);
    }, 30);
  }

  // --- API ----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, problem) {
      super(`${problem.code || 'error'}: ${problem.detail || ''}`);
      this.status = status;
      this.problem = problem;
    }
  }

  const getKey = () => sessionStorage.getItem(KEY);

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
      else q.append(k, String(v));
    }
    const s = q.toString();
    return s ? '?' + s : '';
  }

  /** One API call. Throws ApiError with the problem+json fields on a non-2xx answer; a 401
   *  signs out (the view is torn down and the sign-in form says why). */
  async function api(method, path, { params, json, form, auth = true, signal, text = false } = {}) {
    const headers = { Accept: text ? 'text/plain, */*' : 'application/json, application/problem+json' };
    if (auth) {
      const key = getKey();
      if (!key) {
        signOut('Sign in to continue.');
        throw new ApiError(401, { code: 'unauthorized', detail: 'not signed in' });
      }
      headers.Authorization = 'Bearer ' + key;
    }
    let body;
    if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
    else if (form) body = form;
    let res;
    try {
      res = await fetch(path + query(params), { method, headers, body, signal, credentials: 'omit', cache: 'no-store', redirect: 'error' });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, { code: 'network_error', title: 'No answer', detail: `The server did not answer (${e.message}).` });
    }
    const type = res.headers.get('Content-Type') || '';
    let data = null;
    if (type.includes('json')) {
      try { data = await res.json(); } catch (e) { data = null; }
    } else {
      data = await res.text();
    }
    if (!res.ok) {
      const problem = data && typeof data === 'object' ? data
        : { code: 'http_' + res.status, title: res.statusText, detail: typeof data === 'string' && data ? data.slice(0, 300) : `HTTP ${res.status}` };
      if (res.status === 401 && auth) {
        signOut(`The server refused the key (${problem.code || 'unauthorized'}${problem.detail ? ': ' + problem.detail : ''}). Sign in again.`);
      }
      throw new ApiError(res.status, problem);
    }
    return { status: res.status, data, headers: res.headers };
  }

  const subjectPath = (id) => '/v1/subjects/' + encodeURIComponent(id);

  /** The problem readably: status, code, detail, and the extra members some problems carry
   *  (`rejected`/`reasons` of low_quality, `duplicates` of possible_duplicate). `names` maps an
   *  enrolment's image field names (`image`, `image[i]`) to the photos' file names. */
  function problemNode(err, names) {
    const p = err.problem || { code: 'error', detail: String(err.message || err) };
    const box = h('div', { class: 'problem', role: 'alert' },
      h('p', { class: 'problem-head' },
        h('strong', { text: p.title || (err.status ? `HTTP ${err.status}` : 'Error') }),
        err.status ? ` (${err.status}) ` : ' ', p.code ? code(p.code) : null),
      p.detail ? h('p', { text: p.detail }) : null);
    if (Array.isArray(p.rejected) && p.rejected.length) {
      add(box, h('p', { text: 'Photos below the quality profile:' }),
        h('ul', null, p.rejected.map((r) => h('li', null, h('strong', { text: names ? names(r.image) : r.image }), ': ',
          (r.reasons || []).map(reasonText).join(', ')))));
    } else if (Array.isArray(p.reasons) && p.reasons.length) {
      add(box, h('p', { text: 'Reasons: ' + p.reasons.map(reasonText).join(', ') }));
    }
    if (Array.isArray(p.duplicates) && p.duplicates.length) {
      add(box, h('p', { text: 'The face matches these subjects of the tenant:' }), duplicatesList(p.duplicates));
    }
    return box;
  }

  function duplicatesList(dups) {
    return h('ul', { class: 'dups' }, dups.map((d) => h('li', null, subjectLink(d.subject), ` — similarity ${fmt(d.similarity)}`)));
  }

  /** Shows an error in `where` (replacing its content) and in the status region; nothing for
   *  an aborted request or a 401 (which has already signed out). */
  function showError(where, err, names) {
    if (!err || err.name === 'AbortError') return;
    if (err.status === 401) return;
    if (!(err instanceof ApiError)) console.error(err);
    if (where) put(where, problemNode(err, names));
    announce(err instanceof ApiError ? `Error: ${err.message}` : `Error: ${err.message || err}`, 'error');
  }

  // --- quality ------------------------------------------------------------------------------

  // Readable names of the quality components; the pass/fail of each comes from the server
  // (each component's `reasons`), so the profile's limits live in one place.
  const COMPONENTS = {
    face_size: 'Face size (eye distance, px)',
    sharpness: 'Sharpness',
    under_exposure: 'Brightness',
    over_exposure: 'Over-exposed area',
    contrast: 'Contrast',
    head_pose: 'Head pose (worst angle, °)',
    eyes_open: 'Eyes open',
    inside_frame: 'Inside the frame',
    detection_confidence: 'Detector confidence',
    other_faces: 'Other faces',
  };
  const REASONS = {
    face_too_small: 'face too small', blurred: 'blurred', too_dark: 'too dark', too_bright: 'too bright',
    low_contrast: 'low contrast', extreme_pose: 'head turned too far', eyes_closed: 'eyes closed',
    face_cropped: 'face cut off by the frame', low_confidence: 'uncertain detection', multiple_faces: 'other faces in the photo',
    no_face: 'no face found', image_unreadable: 'unreadable image', image_too_small: 'image too small',
  };
  const reasonText = (r) => (REASONS[r] ? `${REASONS[r]} (${r})` : r);

  function qualityNode(q) {
    if (!q) return h('p', { class: 'muted', text: 'No quality assessment for this face.' });
    const reasons = new Set(q.reasons || []);
    return h('div', { class: 'quality' },
      h('p', null, badge(q.passed, 'Passes', 'Fails'), ` the ${q.profile} profile · score ${fmt(q.score, 1)}`),
      reasons.size ? h('p', { class: 'reasons', text: 'Why: ' + [...reasons].map(reasonText).join(', ') }) : null,
      table([
        { label: 'Check', cell: (c) => COMPONENTS[c.name] || c.name },
        { label: 'Measure', cell: (c) => fmt(c.value, c.value >= 10 ? 1 : 3), class: 'num' },
        { label: 'Score', cell: (c) => fmt(c.score, 0), class: 'num' },
        { label: 'Result', cell: (c) => ((c.reasons || []).length ? badge(false, '', 'fail') : badge(true, 'pass', '')) },
      ], q.components || [], { cls: 'compact' }));
  }

  // --- images: in memory only, drawn on canvases --------------------------------------------

  async function loadBitmap(ctx, file) {
    const bmp = await createImageBitmap(file);
    if (ctx.dead) { bmp.close(); throw new DOMException('view left', 'AbortError'); }
    ctx.bitmaps.push(bmp);
    return bmp;
  }

  /** The photo on a canvas at most max px wide/high, boxes around `faces` (in the decoded
   *  image's pixels; `source` its width/height when the server gave them), the first emphasised. */
  function photoCanvas(bmp, faces, { max = 320, source, label = 'Photo', primary = 0, color } = {}) {
    const scale = Math.min(1, max / Math.max(bmp.width, bmp.height));
    const w = Math.max(1, Math.round(bmp.width * scale)), hgt = Math.max(1, Math.round(bmp.height * scale));
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const c = h('canvas', { class: 'photo', role: 'img', 'aria-label': label });
    c.width = Math.round(w * dpr); c.height = Math.round(hgt * dpr);
    c.style.width = w + 'px';
    c.style.aspectRatio = `${w} / ${hgt}`;
    const g = c.getContext('2d');
    g.scale(dpr, dpr);
    g.drawImage(bmp, 0, 0, w, hgt);
    const sx = w / ((source && source.width) || bmp.width), sy = hgt / ((source && source.height) || bmp.height);
    (faces || []).forEach((f, i) => {
      if (!f || !f.box) return;
      const [x0, y0, x1, y1] = f.box;
      g.lineWidth = i === primary ? 3 : 1.5;
      g.strokeStyle = i === primary ? (color || '#16c60c') : '#f5d90a';
      g.strokeRect(x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy);
      if (i === primary && f.keypoints) {
        g.fillStyle = color || '#16c60c';
        for (const [kx, ky] of f.keypoints) { g.beginPath(); g.arc(kx * sx, ky * sy, 2, 0, 2 * Math.PI); g.fill(); }
      }
    });
    return c;
  }

  /** A square crop around a face box (with a margin), for the cluster groups. */
  function faceCrop(bmp, box, size = 88, label = 'Face') {
    const [x0, y0, x1, y1] = box;
    const side = Math.max(x1 - x0, y1 - y0) * 1.35;
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const c = h('canvas', { class: 'crop', role: 'img', 'aria-label': label });
    c.width = c.height = Math.round(size * dpr);
    c.style.width = size + 'px';
    const g = c.getContext('2d');
    g.fillStyle = '#ddd';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(bmp, cx - side / 2, cy - side / 2, side, side, 0, 0, c.width, c.height);
    return c;
  }

  const largestFace = (faces) => {
    let best = -1, area = -1;
    (faces || []).forEach((f, i) => { const a = (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]); if (a > area) { area = a; best = i; } });
    return best;
  };

  const isImage = (f) => !f.type || f.type.startsWith('image/');

  /** A labelled file input that also takes drops; calls onFiles with the image files. */
  function dropZone({ id, label, multiple = false, onFiles, hint }) {
    const input = h('input', { type: 'file', id, accept: 'image/*', multiple, class: 'file' });
    const zone = h('div', { class: 'drop' },
      h('label', { for: id, class: 'drop-label', text: label }), input,
      h('p', { class: 'hint', text: hint || (multiple ? 'Choose photos, or drop them here.' : 'Choose a photo, or drop it here.') }));
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation();
      zone.classList.remove('over');
      const files = [...(e.dataTransfer ? e.dataTransfer.files : [])].filter(isImage);
      if (files.length) onFiles(multiple ? files : files.slice(0, 1), files);
    });
    input.addEventListener('change', () => {
      const files = [...input.files].filter(isImage);
      input.value = ''; // the File objects live on in the view's memory only
      if (files.length) onFiles(files, files);
    });
    return zone;
  }

  // --- confirmation dialog ------------------------------------------------------------------

  let closeDialog = null;
  function confirmDialog(title, bodyNodes, okText) {
    return new Promise((resolve) => {
      const dlg = $('#confirm'), ok = $('#confirm-ok'), cancel = $('#confirm-cancel');
      $('#confirm-title').textContent = title;
      put($('#confirm-body'), ...bodyNodes);
      ok.textContent = okText;
      const back = document.activeElement;
      const done = (value) => {
        ok.onclick = cancel.onclick = dlg.oncancel = null;
        closeDialog = null;
        if (dlg.open) dlg.close();
        if (back && back.isConnected && back.focus) back.focus();
        resolve(value);
      };
      ok.onclick = () => done(true);
      cancel.onclick = () => done(false);
      dlg.oncancel = (e) => { e.preventDefault(); done(false); };
      closeDialog = () => done(false);
      dlg.showModal();
      cancel.focus();
    });
  }

  // --- views and routing --------------------------------------------------------------------

  let ctx = null;          // the current view's resources
  let signinMessage = '';  // why the sign-in form is shown (after a 401 or sign-out)

  function newContext() {
    const c = {
      dead: false, controller: new AbortController(), timers: new Set(), bitmaps: [], urls: [], cleanups: [],
      get signal() { return c.controller.signal; },
      timeout(fn, ms) { const t = setTimeout(() => { c.timers.delete(t); if (!c.dead) fn(); }, ms); c.timers.add(t); return t; },
      interval(fn, ms) { const t = setInterval(() => { if (!c.dead) fn(); }, ms); c.timers.add(t); return t; },
      objectURL(blob) { const u = URL.createObjectURL(blob); c.urls.push(u); return u; },
    };
    return c;
  }

  /** Leaves the current view: stops its requests and timers, closes its images, revokes its
   *  object URLs, empties its file inputs. */
  function teardown() {
    if (closeDialog) closeDialog();
    if (!ctx) return;
    ctx.dead = true;
    ctx.controller.abort();
    ctx.timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
    ctx.bitmaps.forEach((b) => b.close());
    ctx.urls.forEach((u) => URL.revokeObjectURL(u));
    ctx.cleanups.forEach((f) => { try { f(); } catch (e) { /* ignore */ } });
    document.querySelectorAll('input[type=file]').forEach((i) => { i.value = ''; });
    ctx = null;
  }

  const VIEWS = {
    subjects: ['Subjects', viewSubjects], subject: ['Subject', viewSubject], enrol: ['Enrol', viewEnrol],
    verify: ['Verify', viewVerify], liveness: ['Liveness', viewLiveness], review: ['Review', viewReview],
    audit: ['Audit', viewAudit], service: ['Service', viewService],
  };

  function parseHash() {
    const raw = location.hash.replace(/^#/, '');
    const slash = raw.indexOf('/');
    const name = slash < 0 ? raw : raw.slice(0, slash);
    let arg = null;
    if (slash >= 0) { try { arg = decodeURIComponent(raw.slice(slash + 1)); } catch (e) { arg = raw.slice(slash + 1); } }
    return { name: name || 'subjects', arg };
  }

  function render() {
    teardown();
    ctx = newContext();
    const main = $('#view');
    const signedIn = !!getKey();
    $('#nav').hidden = !signedIn;
    $('#session').hidden = !signedIn;
    const root = h('section', { class: 'view', 'aria-labelledby': 'view-title' });
    put(main, root);
    if (!signedIn) {
      document.title = 'Sign in — Likeness console';
      viewSignin(root, ctx);
    } else {
      let { name, arg } = parseHash();
      if (name === 'signin') { history.replaceState(null, '', '#subjects'); name = 'subjects'; }
      const entry = VIEWS[name] || ['Not found', viewNotFound];
      document.querySelectorAll('#nav a').forEach((a) => {
        const current = a.dataset.route === name || (name === 'subject' && a.dataset.route === 'subjects');
        if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
      });
      document.title = `${entry[0]}${arg && name === 'subject' ? ' ' + arg : ''} — Likeness console`;
      entry[1](root, ctx, arg);
    }
    const title = $('#view-title');
    if (title) title.focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    sessionStorage.clear();
    signinMessage = message || '';
    $('#who').textContent = '';
    render();
  }

  function showWho() {
    const key = getKey() || '';
    // The key's public id only (`lk_<id>_<secret>`: the audit trail's actor `key:k_<id>`), never its secret.
    const m = /^lk_([0-9a-f]+)_/.exec(key);
    $('#who').textContent = m ? `Signed in · key k_${m[1]}` : 'Signed in';
  }

  // --- sign in ------------------------------------------------------------------------------

  function viewSignin(root, ctx) {
    const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', required: true });
    const show = h('input', { type: 'checkbox', id: 'show-key' });
    show.addEventListener('change', () => { input.type = show.checked ? 'text' : 'password'; });
    const out = h('div', { id: 'signin-result' });
    const button = h('button', { type: 'submit', id: 'sign-in', text: 'Sign in' });
    const form = h('form', { class: 'card narrow', id: 'signin-form', novalidate: true },
      field('API key', input, 'The secret that “likeness keys create --tenant NAME” prints on the server. Everything you see is scoped to that key\'s tenant.'),
      h('div', { class: 'check' }, show, h('label', { for: 'show-key', text: 'Show the key' })),
      h('div', { class: 'actions' }, button), out);
    add(root, ...heading('Sign in', 'The console talks to this server\'s API with one API key.'),
      signinMessage ? h('p', { class: 'notice', role: 'alert', id: 'signin-message', text: signinMessage }) : null,
      form,
      h('p', { class: 'muted', text: 'The key is kept in this tab\'s sessionStorage only and sent as an Authorization: Bearer header; closing the tab or signing out forgets it.' }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) { put(out, h('p', { class: 'problem', role: 'alert', text: 'Enter an API key.' })); input.focus(); return; }
      button.disabled = true;
      put(out, h('p', { class: 'muted', text: 'Checking the key…' }));
      try {
        const res = await fetch('/v1/subjects?limit=1', { headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' }, credentials: 'omit', cache: 'no-store', signal: ctx.signal });
        if (res.ok) {
          sessionStorage.setItem(KEY, key);
          input.value = '';
          signinMessage = '';
          showWho();
          announce('Signed in.');
          if (!location.hash || parseHash().name === 'signin') location.hash = '#subjects'; else render();
          return;
        }
        let problem = null;
        try { problem = await res.json(); } catch (x) { problem = { code: 'http_' + res.status, detail: res.statusText } }
        put(out, problemNode(new ApiError(res.status, problem)));
        if (res.status === 401) out.prepend(h('p', { class: 'notice', text: 'This key is unknown or revoked.' }));
      } catch (err) {
        if (err.name !== 'AbortError') put(out, problemNode(new ApiError(0, { code: 'network_error', detail: String(err.message) })));
      }
      button.disabled = false;
      input.focus();
    });
  }

  function viewNotFound(root) {
    add(root, ...heading('Not found', 'No such view.'), h('p', null, h('a', { href: '#subjects', text: 'Go to the subjects' })));
  }

  // --- subjects -----------------------------------------------------------------------------

  const memory = { prefix: '' }; // the subject search, for coming back to the list

  function viewSubjects(root, ctx) {
    const prefix = h('input', { type: 'search', id: 'subject-prefix', value: memory.prefix, autocomplete: 'off', spellcheck: 'false', maxlength: '128' });
    const form = h('form', { class: 'toolbar', role: 'search', id: 'subject-search' },
      field('Subject id starts with', prefix),
      h('button', { type: 'submit', text: 'Search' }),
      h('a', { href: '#enrol', class: 'button secondary', text: 'Enrol a subject' }));
    const total = h('p', { class: 'muted', id: 'subjects-total', 'aria-live': 'polite' });
    const list = h('div', { id: 'subjects-list' });
    const prev = h('button', { type: 'button', class: 'secondary', text: '← Previous', disabled: true, id: 'subjects-prev' });
    const next = h('button', { type: 'button', class: 'secondary', text: 'Next →', disabled: true, id: 'subjects-next' });
    const pageNo = h('span', { class: 'muted', id: 'subjects-page' });
    const pager = h('div', { class: 'pager', hidden: true }, prev, pageNo, next);
    add(root, ...heading('Subjects', 'The people enrolled in this tenant, by id. Erased subjects are not listed.'),
      form, total, list, pager);
    const LIMIT = 25;
    let cursors = [null], page = 0;
    async function load() {
      put(list, h('p', { class: 'muted', text: 'Loading…' }));
      prev.disabled = next.disabled = true;
      try {
        const { data } = await api('GET', '/v1/subjects', { params: { prefix: memory.prefix, after: cursors[page], limit: LIMIT }, signal: ctx.signal });
        total.textContent = memory.prefix
          ? `${plural(data.total, 'subject')} whose id starts with “${memory.prefix}”.`
          : `${plural(data.total, 'subject')} in this tenant.`;
        put(list, table([
          { label: 'Subject', cell: (s) => subjectLink(s.id) },
          { label: 'Faces', cell: (s) => String(s.faces), class: 'num' },
          { label: 'Active consents', cell: (s) => (s.consents.length ? s.consents.join(', ') : h('span', { class: 'warn', text: 'none' })) },
          { label: 'Created', cell: (s) => timeEl(s.created_at) },
          { label: 'Metadata', cell: (s) => (s.metadata ? h('code', { class: 'clip', text: JSON.stringify(s.metadata) }) : '—') },
        ], data.subjects, { empty: memory.prefix ? 'No subject id starts with that.' : 'No subjects yet. Enrol one.', cls: 'subjects' }));
        cursors[page + 1] = data.next;
        next.disabled = !data.next;
        prev.disabled = page === 0;
        const pages = Math.max(1, Math.ceil(data.total / LIMIT));
        pageNo.textContent = `page ${page + 1} of ${pages}`;
        pager.hidden = pages <= 1 && page === 0;
      } catch (err) { showError(list, err); }
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); memory.prefix = prefix.value.trim(); cursors = [null]; page = 0; load(); });
    next.addEventListener('click', () => { page += 1; load(); });
    prev.addEventListener('click', () => { page = Math.max(0, page - 1); load(); });
    load();
  }

  // --- one subject --------------------------------------------------------------------------

  function viewSubject(root, ctx, id) {
    if (!id) { viewNotFound(root); return; }
    const body = h('div', { id: 'subject-body' }, h('p', { class: 'muted', text: 'Loading…' }));
    add(root, h('p', { class: 'crumbs' }, h('a', { href: '#subjects', text: '← Subjects' })),
      h('h1', { id: 'view-title', tabindex: '-1' }, 'Subject ', h('span', { class: 'id', text: id })), body);

    async function load() {
      try {
        const [subject, faces, audit] = await Promise.all([
          api('GET', subjectPath(id), { signal: ctx.signal }),
          api('GET', subjectPath(id) + '/faces', { signal: ctx.signal }),
          api('GET', '/v1/audit', { params: { subject: id, limit: 100 }, signal: ctx.signal }),
        ]);
        draw(subject.data, faces.data.faces, audit.data);
      } catch (err) {
        if (err.status === 404) {
          put(body, h('p', { class: 'notice', role: 'alert', text: `No subject “${id}” in this tenant (or it was erased).` }),
            h('p', null, h('a', { href: '#subjects', text: 'Back to the subjects' })));
          announce(`No subject ${id}.`, 'error');
        } else showError(body, err);
      }
    }

    function draw(s, faces, audit) {
      const active = s.consents.filter((c) => c.active);
      const facesOut = h('div', { 'aria-live': 'polite' });
      const consentOut = h('div', { 'aria-live': 'polite' });
      const eraseBtn = h('button', { type: 'button', class: 'danger', id: 'erase-subject', text: 'Erase this subject…' });
      eraseBtn.addEventListener('click', () => eraseSubject(s, faces));

      const facesTable = table([
        { label: 'Face', cell: (f) => '#' + f.id },
        { label: 'Quality', cell: (f) => fmt(f.quality, 1), class: 'num' },
        { label: 'Model pack', cell: (f) => f.pack },
        { label: 'Enrolled', cell: (f) => timeEl(f.created_at) },
        { label: 'Flags', cell: (f) => (f.flags.length ? h('ul', { class: 'flags' }, f.flags.map((fl) => h('li', null,
          h('span', { class: 'badge ' + (fl.resolution ? 'info' : 'warn'), text: fl.code.replace(/_/g, ' ') }), ' ',
          fl.subjects.map((d, i) => [i ? ', ' : '', subjectLink(d.subject), ` (${fmt(d.similarity, 3)})`]),
          fl.resolution ? ` — reviewed ${fmtTime(fl.reviewed_at)}: ${fl.resolution.replace('_', ' ')}` : ' — open'))) : 'none') },
        { label: 'Actions', cell: (f) => h('button', { type: 'button', class: 'danger small', text: 'Erase face…', 'aria-label': `Erase face ${f.id}`, onclick: () => eraseFace(s, faces, f) }) },
      ], faces, { empty: 'No faces stored.', cls: 'faces' });

      const consentTable = table([
        { label: 'Purpose', cell: (c) => c.purpose },
        { label: 'Text version', cell: (c) => c.text_version },
        { label: 'Text SHA-256', cell: (c) => h('code', { title: c.text_sha256, text: c.text_sha256.slice(0, 12) + '…' }) },
        { label: 'Granted', cell: (c) => timeEl(c.granted_at) },
        { label: 'State', cell: (c) => (c.active ? badge(true, 'active', '') : [badge(false, '', 'revoked'), ' ', timeEl(c.revoked_at)]) },
        { label: 'Actions', cell: (c) => (c.active ? h('button', { type: 'button', class: 'secondary small', text: 'Revoke…', 'aria-label': `Revoke the ${c.purpose} consent`, onclick: () => revoke(s, faces, c) }) : '') },
      ], s.consents, { empty: 'No consent recorded.', cls: 'consents' });

      const purpose = h('input', { type: 'text', value: 'identity_verification', required: true, maxlength: '128' });
      const version = h('input', { type: 'text', value: 'v1', required: true, maxlength: '128' });
      const text = h('textarea', { rows: '3', required: true }, DEFAULT_CONSENT);
      const evidence = h('input', { type: 'text', maxlength: '4096' });
      const consentForm = h('form', { id: 'consent-form' },
        h('div', { class: 'grid2' }, field('Purpose', purpose), field('Text version', version)),
        field('Consent text shown to the person', text, 'Only its SHA-256 is stored.'),
        field('Evidence (optional)', evidence, 'A reference to the proof of consent, e.g. a signed form\'s number.'),
        h('div', { class: 'actions' }, h('button', { type: 'submit', text: 'Record consent' })), consentOut);
      consentForm.addEventListener('submit', async (e) => {
        e.preventDefault();
        try {
          const { status } = await api('POST', subjectPath(s.id) + '/consents', { json: { purpose: purpose.value.trim(), text_version: version.value.trim(), text: text.value, evidence: evidence.value.trim() || null }, signal: ctx.signal });
          announce(status === 201 ? 'Consent recorded.' : 'That consent was already active; nothing recorded.');
          load();
        } catch (err) { showError(consentOut, err); }
      });

      const events = audit.events;
      const eventsWrap = h('div', { id: 'subject-audit' });
      const more = h('button', { type: 'button', class: 'secondary', text: 'More events', hidden: !audit.next });
      let after = audit.next;
      const drawEvents = () => put(eventsWrap, auditTable(events, { subjectColumn: false }));
      more.addEventListener('click', async () => {
        try {
          const { data } = await api('GET', '/v1/audit', { params: { subject: s.id, after, limit: 100 }, signal: ctx.signal });
          events.push(...data.events); after = data.next; more.hidden = !data.next || !data.events.length; drawEvents();
        } catch (err) { showError(eventsWrap, err); }
      });
      drawEvents();

      put(body, 
        h('section', { class: 'card', 'aria-labelledby': 'sum-h' }, h('h2', { id: 'sum-h', text: 'Summary' }),
          dl([['Id', h('span', { class: 'id', text: s.id })], ['Created', timeEl(s.created_at)],
            ['Faces', String(faces.length)], ['Active consents', active.length ? active.map((c) => c.purpose).join(', ') : 'none'],
            ['Consent required', s.consent_required ? 'yes: revoking the last active consent erases the subject' : 'no'],
            ['Metadata', s.metadata ? h('pre', { class: 'json', text: JSON.stringify(s.metadata, null, 2) }) : 'none']]),
          h('div', { class: 'actions' }, h('a', { href: '#enrol/' + encodeURIComponent(s.id), class: 'button secondary', text: 'Enrol more photos' }), eraseBtn)),
        h('section', { 'aria-labelledby': 'faces-h' }, h('h2', { id: 'faces-h', text: `Faces (${faces.length})` }),
          h('p', { class: 'muted', text: 'Templates only: the server keeps no photo. Quality is the unified score at enrolment (0–100).' }), facesTable, facesOut),
        h('section', { 'aria-labelledby': 'consents-h' }, h('h2', { id: 'consents-h', text: `Consents (${s.consents.length})` }), consentTable,
          h('details', { class: 'card disclosure', open: !active.length }, h('summary', { text: 'Record a consent' }), consentForm)),
        h('section', { 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h', text: 'Audit events' }),
          eventsWrap, h('div', { class: 'pager' }, more, h('a', { href: '#audit/' + encodeURIComponent(s.id), text: 'Open in the audit view' }))));
    }

    function whatAuditKeeps() {
      return h('p', { class: 'muted', text: 'The audit trail keeps its events about this subject (who did what and when, with the subject id; never biometric data) and records this erasure too.' });
    }

    async function eraseSubject(s, faces) {
      const active = s.consents.filter((c) => c.active);
      const ok = await confirmDialog(`Erase subject “${s.id}”?`, [
        h('p', { text: 'This permanently deletes:' }),
        h('ul', null,
          h('li', { text: `${plural(faces.length, 'face')} (${plural(faces.length, 'template')}) — from the store and every index, then purged from the store's files` }),
          h('li', { text: `its ${plural(active.length, 'active consent')} (revoked; ${plural(s.consents.length, 'consent record')} in all)` }),
          h('li', { text: s.metadata ? 'its metadata' : 'its metadata (it has none)' })),
        h('p', { class: 'strong', text: 'This cannot be undone. The id can be created again later, but only as a new subject with nothing of the old one.' }),
        whatAuditKeeps()], `Erase ${s.id}`);
      if (!ok) return;
      try {
        const { data } = await api('DELETE', subjectPath(s.id), { signal: ctx.signal });
        put(body, receipt('Erasure receipt', [
          ['Subject', h('span', { class: 'id', text: data.subject })], ['Templates deleted', String(data.templates_deleted)],
          ['Purged from the store\'s files', data.purged ? 'yes' : 'not yet: a background purge finishes it'],
          ['Consents', 'revoked'], ['Metadata', 'cleared']]),
        h('p', null, h('a', { href: '#subjects', text: 'Back to the subjects' }), ' · ', h('a', { href: '#audit/' + encodeURIComponent(s.id), text: 'See the audit events' })));
        announce(`Subject ${data.subject} erased: ${plural(data.templates_deleted, 'template')} deleted.`);
        $('#receipt-h').focus();
      } catch (err) { showError(null, err); if (err.problem) body.prepend(problemNode(err)); }
    }

    async function eraseFace(s, faces, f) {
      const ok = await confirmDialog(`Erase face #${f.id} of “${s.id}”?`, [
        h('p', { text: `This permanently deletes 1 face (1 template: enrolled ${fmtTime(f.created_at)}, quality ${fmt(f.quality, 1)}) from the store and every index, then purges it from the store's files.` }),
        h('p', { text: `The subject stays, with ${plural(faces.length - 1, 'face')} left; its consents and metadata are untouched.` }),
        h('p', { class: 'strong', text: 'This cannot be undone.' }), whatAuditKeeps()], `Erase face #${f.id}`);
      if (!ok) return;
      try {
        const { data } = await api('DELETE', `${subjectPath(s.id)}/faces/${f.id}`, { signal: ctx.signal });
        announce(`Face #${data.face} erased (${plural(data.templates_deleted, 'template')} deleted${data.purged ? ', purged' : ''}).`);
        await load();
        const out = $('#faces-h');
        if (out) {
          add(out.parentElement, receipt('Face erasure receipt', [['Subject', data.subject], ['Face', '#' + data.face],
            ['Templates deleted', String(data.templates_deleted)], ['Purged from the store\'s files', data.purged ? 'yes' : 'not yet: a background purge finishes it']]));
          $('#receipt-h').focus();
        }
      } catch (err) { showError(null, err); }
    }

    async function revoke(s, faces, c) {
      const active = s.consents.filter((x) => x.active);
      const erases = s.consent_required && active.length === 1;
      const nodes = [h('p', { text: `Revoke the consent for “${c.purpose}” (text version ${c.text_version}, granted ${fmtTime(c.granted_at)})?` })];
      if (erases) {
        nodes.push(h('p', { class: 'strong', text: `This is the subject's last active consent, and its consent is required: the server then erases the subject, deleting ${plural(faces.length, 'face')} (${plural(faces.length, 'template')}) and its metadata. This cannot be undone.` }), whatAuditKeeps());
      } else {
        nodes.push(h('p', { class: 'muted', text: 'Enrolment for this purpose needs a new consent afterwards. The audit trail records the revocation.' }));
      }
      const ok = await confirmDialog(erases ? `Revoke and erase “${s.id}”?` : 'Revoke this consent?', nodes, erases ? 'Revoke and erase' : 'Revoke consent');
      if (!ok) return;
      try {
        const { data } = await api('DELETE', subjectPath(s.id) + '/consents', { params: { purpose: c.purpose }, signal: ctx.signal });
        if (data.erasure) {
          put(body, receipt('Revocation and erasure receipt', [['Consents revoked', String(data.revoked)],
            ['Subject erased', data.erasure.subject], ['Templates deleted', String(data.erasure.templates_deleted)],
            ['Purged from the store\'s files', data.erasure.purged ? 'yes' : 'not yet: a background purge finishes it']]),
          h('p', null, h('a', { href: '#subjects', text: 'Back to the subjects' })));
          announce(`Consent revoked; subject ${data.erasure.subject} erased.`);
          $('#receipt-h').focus();
        } else {
          announce(`${plural(data.revoked, 'consent')} revoked.`);
          load();
        }
      } catch (err) { showError(null, err); }
    }

    load();
  }

  function receipt(title, pairs) {
    return h('section', { class: 'card receipt', 'aria-labelledby': 'receipt-h', id: 'receipt' },
      h('h2', { id: 'receipt-h', tabindex: '-1', text: title }), dl(pairs));
  }

  const DEFAULT_CONSENT = 'I agree that my face is used to verify my identity with this service. ' +
    'A template of my face is kept until I withdraw this consent; no photo is kept.';

  // --- enrol --------------------------------------------------------------------------------

  function viewEnrol(root, ctx, preset) {
    const photos = []; // {file, card, detect, state}
    const id = h('input', { type: 'text', id: 'enrol-id', value: preset || '', required: true, maxlength: '128', autocomplete: 'off', spellcheck: 'false' });
    const metadata = h('textarea', { id: 'enrol-metadata', rows: '2', spellcheck: 'false', placeholder: '{"employee": "E-1234"}' });
    const purpose = h('input', { type: 'text', id: 'enrol-purpose', value: 'identity_verification', required: true, maxlength: '128' });
    const version = h('input', { type: 'text', id: 'enrol-text-version', value: 'v1', required: true, maxlength: '128' });
    const text = h('textarea', { id: 'enrol-text', rows: '3', required: true }, DEFAULT_CONSENT);
    const agreed = h('input', { type: 'checkbox', id: 'enrol-agreed' });
    const policy = h('select', { id: 'enrol-policy' },
      h('option', { value: 'reject', text: 'Refuse if the face matches another subject (reject)' }),
      h('option', { value: 'enroll_and_flag', text: 'Enrol and flag it for review (enroll_and_flag)' }));
    const cards = h('div', { class: 'photo-grid', id: 'enrol-photos' });
    const summary = h('p', { class: 'muted', id: 'enrol-summary', 'aria-live': 'polite', text: 'No photo yet.' });
    const result = h('div', { id: 'enrol-result', tabindex: '-1' });
    const submit = h('button', { type: 'submit', id: 'enrol-submit', text: 'Enrol' });
    const zone = dropZone({ id: 'enrol-files', label: 'Photos of the person', multiple: true, onFiles: addPhotos,
      hint: 'Choose photos or drop them here. Each is checked against the enrolment quality profile first; nothing is stored until you press Enrol.' });

    const form = h('form', { id: 'enrol-form', novalidate: true },
      h('fieldset', { class: 'card' }, h('legend', { text: '1. Subject' }),
        field('Subject id', id, 'Your id for the person (1 to 128 characters). A new id is created; an existing one gets more faces.'),
        field('Metadata (optional JSON object, for a new subject)', metadata, 'Never biometric data. Ignored when the subject exists.')),
      h('fieldset', { class: 'card' }, h('legend', { text: '2. Consent' }),
        h('div', { class: 'grid2' }, field('Purpose', purpose), field('Text version', version)),
        field('Consent text shown to the person', text, 'Only its SHA-256 is stored.'),
        h('div', { class: 'check' }, agreed, h('label', { for: 'enrol-agreed', text: 'The person has read this text and agreed to it.' }))),
      h('fieldset', { class: 'card' }, h('legend', { text: '3. Photos' }), zone, summary, cards),
      h('fieldset', { class: 'card' }, h('legend', { text: '4. Enrol' }), field('If the face matches another subject', policy),
        h('div', { class: 'actions' }, submit)),
      result);
    add(root, ...heading('Enrol', 'Create a subject, record its consent and enrol its photos. Photos stay in this page\'s memory until enrolled and are dropped when you leave.'), form);

    function updateSummary() {
      const checked = photos.filter((p) => p.state !== 'checking');
      const passing = photos.filter((p) => p.state === 'pass').length;
      summary.textContent = !photos.length ? 'No photo yet.'
        : `${plural(photos.length, 'photo')}: ${passing} pass${passing === 1 ? 'es' : ''} the enrolment profile, ${checked.length - passing} ${checked.length - passing === 1 ? 'does' : 'do'} not${checked.length < photos.length ? `, ${photos.length - checked.length} being checked` : ''}.`;
    }

    async function addPhotos(files) {
      for (const file of files) {
        const p = { file, state: 'checking' };
        p.card = h('article', { class: 'photo-card', 'aria-label': file.name },
          h('h3', { class: 'file-name', text: file.name }), h('p', { class: 'muted', text: 'Checking quality…' }));
        photos.push(p);
        add(cards, p.card);
        updateSummary();
        check(p);
      }
    }

    // At most 3 quality checks at once, so a large batch does not fill the server's inference queue.
    let running = 0;
    const waiting = [];
    const slot = () => (running < 3 ? (running++, Promise.resolve()) : new Promise((r) => waiting.push(r)));
    const release = () => { const next = waiting.shift(); if (next) next(); else running--; };

    async function check(p) {
      await slot();
      try { await checkOne(p); } finally { release(); }
    }

    async function checkOne(p) {
      if (!photos.includes(p)) return; // removed while waiting
      const remove = h('button', { type: 'button', class: 'secondary small', text: 'Remove', 'aria-label': `Remove ${p.file.name}` });
      remove.addEventListener('click', () => { photos.splice(photos.indexOf(p), 1); p.card.remove(); updateSummary(); announce(`${p.file.name} removed.`); });
      try {
        const [bmp, det] = await Promise.all([loadBitmap(ctx, p.file), detect(ctx, p.file)]);
        const i = largestFace(det.data.faces);
        const face = i >= 0 ? det.data.faces[i] : null;
        p.state = face && face.quality && face.quality.passed ? 'pass' : 'fail';
        p.card.classList.add(p.state);
        put(p.card, h('h3', { class: 'file-name', text: p.file.name }),
          photoCanvas(bmp, det.data.faces, { source: det.data, primary: i, max: 280, color: p.state === 'pass' ? '#16c60c' : '#e0301e',
            label: `${p.file.name}${face ? `, the face enrolled boxed in ${p.state === 'pass' ? 'green' : 'red'}` : ', no face found'}` }),
          face ? h('p', { class: 'muted', text: `${plural(det.data.faces.length, 'face')} found${det.data.faces.length > 1 ? '; the largest (thick box) is enrolled' : ''}. Detector ${fmt(face.score, 2)}.` })
            : h('p', { class: 'problem', text: 'No face found: this photo cannot be enrolled.' }),
          face && face.quality ? h('p', { class: 'muted quality-profile' }, 'Judged under the ', h('strong', { class: 'profile-name', text: face.quality.profile || '?' }),
            ' profile: the one this tenant enrols with.') : null,
          face ? qualityNode(face.quality) : null,
          h('div', { class: 'actions' }, remove));
      } catch (err) {
        if (err.name === 'AbortError') return;
        p.state = 'fail';
        p.card.classList.add('fail');
        put(p.card, h('h3', { class: 'file-name', text: p.file.name }), err instanceof ApiError ? problemNode(err) : h('p', { class: 'problem', text: `This file cannot be read as an image (${err.message}).` }), h('div', { class: 'actions' }, remove));
        if (err.status === 401) return;
      }
      updateSummary();
      if (photos.every((x) => x.state !== 'checking')) announce('Quality checked: ' + summary.textContent);
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const sid = id.value.trim();
      const problems = [];
      if (!sid) problems.push('Enter the subject id.');
      if (!agreed.checked) problems.push('Confirm that the person agreed to the consent text.');
      if (!photos.length) problems.push('Add at least one photo.');
      if (photos.some((p) => p.state === 'checking')) problems.push('Wait for the quality checks to finish.');
      let meta;
      if (metadata.value.trim()) {
        try { meta = JSON.parse(metadata.value); if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new Error('not an object'); }
        catch (x) { problems.push('Metadata must be a JSON object.'); }
      }
      if (problems.length) {
        put(result, h('div', { class: 'problem', role: 'alert' }, h('ul', null, problems.map((t) => h('li', { text: t })))));
        announce(problems.join(' '), 'error');
        return;
      }
      submit.disabled = true;
      const steps = h('ol', { class: 'steps' });
      put(result, h('h2', { text: 'Enrolment' }), steps);
      const step = (t) => { const li = h('li', { text: t }); add(steps, li); return li; };
      const names = (field) => {
        if (field === 'image') return photos[0] ? photos[0].file.name : field;
        const m = /^image\[(\d+)\]$/.exec(field || '');
        return m && photos[+m[1]] ? `${photos[+m[1]].file.name} (${field})` : field;
      };
      try {
        // Whether it exists, by listing (a GET of a missing subject would be a 404 in the browser's console).
        const found = await api('GET', '/v1/subjects', { params: { prefix: sid, limit: 1 }, signal: ctx.signal });
        if (found.data.subjects.some((x) => x.id === sid)) {
          step(`Subject “${sid}” exists: adding faces to it${meta ? ' (its metadata is left as it is)' : ''}.`);
        } else {
          await api('POST', '/v1/subjects', { json: meta ? { id: sid, metadata: meta } : { id: sid }, signal: ctx.signal });
          step(`Subject “${sid}” created.`);
        }
        const c = await api('POST', subjectPath(sid) + '/consents', { json: { purpose: purpose.value.trim(), text_version: version.value.trim(), text: text.value }, signal: ctx.signal });
        step(c.status === 201 ? `Consent for “${c.data.purpose}” recorded (text version ${c.data.text_version}).` : `Consent for “${c.data.purpose}” was already active.`);
        const fd = new FormData();
        photos.forEach((p) => fd.append('image', p.file, p.file.name));
        fd.append('purpose', purpose.value.trim());
        fd.append('policy', policy.value);
        const { data } = await api('POST', subjectPath(sid) + '/faces', { form: fd, signal: ctx.signal });
        step(`${plural(data.templates.length, 'face')} enrolled.`);
        add(result, h('div', { class: 'card ' + (data.status === 'flagged' ? 'warn-card' : 'ok-card'), id: 'enrol-done' },
          h('p', { class: 'big' }, badge(data.status === 'enrolled', 'Enrolled', 'Enrolled and flagged'), ' ', subjectLink(data.subject)),
          dl([['Templates', data.templates.map((t) => '#' + t).join(', ')], ['Quality profile', data.profile || 'the tenant\'s'],
            data.quality_failures && data.quality_failures.length ? ['Enrolled below the profile', data.quality_failures.map((q) => `${names(q.image)}: ${q.reasons.join(', ')}`).join('; ')] : null,
            ['Possible duplicates', data.duplicates.length ? duplicatesList(data.duplicates) : 'none']]),
          data.status === 'flagged' ? h('p', null, 'The face matches other subjects; it waits in ', h('a', { href: '#review', text: 'Review' }), '.') : null));
        announce(`Enrolled ${plural(data.templates.length, 'face')} for ${data.subject}.`);
        photos.length = 0;
        put(cards);
        updateSummary();
      } catch (err) {
        if (err.name === 'AbortError') return;
        const box = h('div');
        add(result, box);
        showError(box, err, names);
        if (err.problem && err.problem.code === 'possible_duplicate') add(box, h('p', { class: 'muted', text: 'Nothing was enrolled. To keep the face anyway and review it later, choose “Enrol and flag it for review”.' }));
        if (err.problem && err.problem.code === 'low_quality') add(box, h('p', { class: 'muted', text: 'Nothing was enrolled. Remove or replace the photos named above.' }));
      } finally {
        submit.disabled = false;
        result.focus();
      }
    });
  }

  /** POST /v1/detect with `for_enrollment`: the quality is judged under the profile this key's
   *  tenant enrols with (each face's `quality.profile` names it). The page and the API come
   *  from the same binary, so the field is always known. */
  async function detect(ctx, file) {
    const fd = new FormData();
    fd.append('image', file, file.name);
    fd.append('for_enrollment', 'true');
    return api('POST', '/v1/detect', { form: fd, signal: ctx.signal });
  }

  // --- verify -------------------------------------------------------------------------------

  function viewVerify(root, ctx) {
    const slots = { first: null, second: null };
    const previews = { first: h('div', { class: 'preview', id: 'verify-first-preview' }), second: h('div', { class: 'preview', id: 'verify-second-preview' }) };
    const fmr = h('select', { id: 'verify-fmr' }, ['1e-2', '1e-3', '1e-4', '1e-5', '1e-6'].map((v) => h('option', { value: v, text: v, selected: v === '1e-4' })));
    const docBox = h('input', { type: 'checkbox', id: 'verify-document' });
    const go = h('button', { type: 'submit', id: 'verify-submit', text: 'Compare', disabled: true });
    const result = h('div', { id: 'verify-result', tabindex: '-1', 'aria-live': 'polite' });
    const slot = (name, label) => h('div', { class: 'card slot' },
      dropZone({ id: 'verify-' + name, label, onFiles: (files, all) => {
        if (name === 'first' && all.length >= 2) { setSlot('first', all[0]); setSlot('second', all[1]); } else setSlot(name, files[0]);
      } }), previews[name]);
    const form = h('form', { id: 'verify-form' },
      h('div', { class: 'pair' }, slot('first', 'First photo'), slot('second', 'Second photo')),
      h('div', { class: 'toolbar' }, field('False-match rate', fmr, 'The operating point the decision is taken at.'),
        h('div', { class: 'check' }, docBox, h('label', { for: 'verify-document', text: 'The first photo is an ID document' })), go),
      result);
    add(root, ...heading('Verify', 'Are two photos of the same person? Choose or drop two photos (dropping two at once on the first fills both). Nothing is stored.'), form);

    async function setSlot(name, file) {
      const bmp = await loadBitmap(ctx, file).catch((err) => { if (err.name !== 'AbortError') put(previews[name], h('p', { class: 'problem', text: `${file.name} cannot be read as an image.` })); return null; });
      if (!bmp) return;
      slots[name] = { file, bmp };
      put(previews[name], photoCanvas(bmp, [], { label: `${name} photo: ${file.name}` }), h('p', { class: 'file-name', text: file.name }));
      go.disabled = !(slots.first && slots.second);
      put(result);
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!(slots.first && slots.second)) return;
      go.disabled = true;
      put(result, h('p', { class: 'muted', text: 'Comparing…' }));
      const fd = new FormData();
      fd.append('first', slots.first.file, slots.first.file.name);
      fd.append('second', slots.second.file, slots.second.file.name);
      fd.append('fmr', fmr.value);
      if (docBox.checked) fd.append('document', 'true');
      try {
        const { data } = await api('POST', '/v1/verify', { form: fd, signal: ctx.signal });
        for (const [i, name] of [[0, 'first'], [1, 'second']]) {
          put(previews[name], photoCanvas(slots[name].bmp, [data.faces[i]], { label: `${name} photo: ${slots[name].file.name}, the compared face boxed` }),
            h('p', { class: 'file-name', text: `${slots[name].file.name} · ${plural(data.face_counts[i], 'face')}${data.face_counts[i] > 1 ? ' (largest used)' : ''}` }),
            data.faces[i].quality ? h('details', { class: 'disclosure' }, h('summary', null, 'Quality: ', badge(data.faces[i].quality.passed, 'passes', 'fails'),
              ` the ${data.faces[i].quality.profile} profile`, data.faces[i].quality.reasons.length ? ` (${data.faces[i].quality.reasons.map(reasonText).join(', ')})` : ''),
            qualityNode(data.faces[i].quality)) : null);
        }
        const match = data.decision === 'match';
        put(result, h('div', { class: 'card verdict ' + (match ? 'ok-card' : 'bad-card'), id: 'verify-verdict' },
          h('p', { class: 'big' }, badge(match, 'Match', 'No match'), ` ${match ? 'the same person, at this false-match rate' : 'not shown to be the same person'}`),
          dl([['Similarity', h('span', { id: 'verify-similarity', text: fmt(data.similarity) })], ['Threshold', fmt(data.threshold)],
            ['False-match rate', fmtFmr(data.fmr)], ['Faces found', data.face_counts.join(' and ')],
            ['Quality notes', data.reasons.length ? data.reasons.join(', ') : 'none (they do not change the decision)']])));
        announce(`${match ? 'Match' : 'No match'}: similarity ${fmt(data.similarity)}, threshold ${fmt(data.threshold)}.`);
        result.focus();
      } catch (err) { showError(result, err); }
      go.disabled = false;
    });
  }

  // --- liveness -----------------------------------------------------------------------------

  const ACTIONS = { turn_left: 'Turn left', turn_right: 'Turn right', look_up: 'Look up', blink: 'Blink', open_mouth: 'Open the mouth' };
  const DEFAULT_ACTIONS = ['turn_left', 'turn_right', 'blink', 'open_mouth'];

  function viewLiveness(root, ctx) {
    const subject = h('input', { type: 'text', id: 'liveness-subject', autocomplete: 'off', spellcheck: 'false' });
    const count = h('select', { id: 'liveness-actions' }, h('option', { value: '2', text: '2 actions', selected: true }), h('option', { value: '3', text: '3 actions' }));
    const boxes = Object.entries(ACTIONS).map(([k, label]) => {
      const b = h('input', { type: 'checkbox', id: 'act-' + k, value: k, checked: DEFAULT_ACTIONS.includes(k) });
      return h('div', { class: 'check' }, b, h('label', { for: 'act-' + k, text: label }));
    });
    const go = h('button', { type: 'submit', id: 'liveness-open', text: 'Open a session' });
    const out = h('div', { id: 'liveness-session', tabindex: '-1' });
    const form = h('form', { class: 'card', id: 'liveness-form' },
      h('div', { class: 'grid2' }, field('Compare with subject (optional)', subject, 'An enrolled subject id: the live face is then compared with it.'), field('Challenge length', count)),
      h('fieldset', { class: 'plain' }, h('legend', { text: 'Actions the challenge may draw from' }), h('div', { class: 'checks' }, boxes),
        h('p', { class: 'hint', text: '“Look up” is left out by default: it rejects genuine people more often.' })),
      h('div', { class: 'actions' }, go));
    add(root, ...heading('Liveness', 'Open a liveness session and hand its capture link to the person\'s phone: they record a short video following the challenge there.'), form, out);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const allowed = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
      const body = { actions: +count.value };
      if (subject.value.trim()) body.subject = subject.value.trim();
      if (allowed.join() !== DEFAULT_ACTIONS.join()) body.allowed_actions = allowed;
      go.disabled = true;
      try {
        const { data } = await api('POST', '/v1/liveness/sessions', { json: body, signal: ctx.signal });
        showSession(data);
      } catch (err) { showError(out, err); }
      go.disabled = false;
    });

    let poll = null;
    function showSession(s) {
      if (poll) poll.stop();
      // The link must be a path on this origin (`/capture#session=…&token=…`): anything else (`//host`,
      // `https://…`, `@host`) could send the phone, and its capture token, elsewhere.
      if (typeof s.capture_url !== 'string' || !/^\/(?![\/\\])/.test(s.capture_url) || new URL(s.capture_url, location.origin).origin !== location.origin) {
        put(out, h('div', { class: 'problem', role: 'alert', id: 'capture-url-bad' },
          h('p', { text: 'The server answered a capture link that is not a path on this server; it is not shown (nor its QR code).' }),
          h('p', null, 'capture_url: ', code(String(s.capture_url)))));
        announce('The session\'s capture link is not on this server: not shown.', 'error');
        out.focus();
        return;
      }
      const url = location.origin + s.capture_url;
      const link = h('input', { type: 'text', id: 'capture-link', readonly: true, value: url, class: 'link-field', 'aria-label': 'Capture link' });
      const copy = h('button', { type: 'button', id: 'copy-link', class: 'secondary', text: 'Copy link' });
      copy.addEventListener('click', async () => {
        try { await navigator.clipboard.writeText(url); announce('Capture link copied.'); }
        catch (x) { link.focus(); link.select(); announce('Press Ctrl+C (or ⌘C) to copy the selected link.'); }
      });
      const qr = h('div', { class: 'qr', id: 'capture-qr' });
      if (window.LikenessQR && typeof window.LikenessQR.svg === 'function') {
        try { add(qr, window.LikenessQR.svg(url, { label: 'QR code of the capture link', scale: 5, border: 4 })); }
        catch (x) { add(qr, h('p', { class: 'notice', text: `No QR code: ${x.message}` })); }
      } else {
        add(qr, h('p', { class: 'muted', id: 'qr-missing', text: 'No QR code: this server has no /assets/qr.js. Share the link instead.' }));
      }
      const state = h('span', { id: 'liveness-state', class: 'badge info', text: s.state });
      const left = h('span', { id: 'liveness-expiry' });
      const verdict = h('div', { id: 'liveness-result', 'aria-live': 'polite' });
      put(out, h('section', { class: 'card', 'aria-labelledby': 'session-h' },
        h('h2', { id: 'session-h', text: 'Session ' }, code(s.id)),
        h('div', { class: 'session-grid' },
          h('div', null,
            h('p', { text: 'Open this link on the phone that records (it holds a capture token for this session only):' }),
            h('div', { class: 'copy-row' }, link, copy),
            h('p', null, h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: 'Open it in a new tab here' })),
            h('h3', { text: 'Challenge' }), h('ol', { id: 'liveness-challenge' }, (s.instructions || s.challenge).map((t) => h('li', { text: t }))),
            dl([['State', state], ['Expires', [timeEl(s.expires_at), ' ', left]], s.subject ? ['Compared with', subjectLink(s.subject)] : null])),
          qr),
        verdict));
      out.focus();
      announce(`Session ${s.id} opened: ${(s.instructions || []).join(', ')}.`);
      const expires = Date.parse(s.expires_at);
      const tick = () => {
        const sec = Math.round((expires - Date.now()) / 1000);
        left.textContent = sec > 0 ? `(in ${sec} s)` : '(expired for new recordings)';
      };
      tick();
      const ticker = ctx.interval(tick, 1000);
      // Poll the state every 2 s until judged, failed or gone; at most 10 minutes.
      let polls = 0, stopped = false;
      const stop = () => { stopped = true; clearInterval(ticker); };
      poll = { stop };
      const step = async () => {
        if (stopped || ctx.dead) return;
        polls += 1;
        try {
          const { data } = await api('GET', '/v1/liveness/sessions/' + encodeURIComponent(s.id), { signal: ctx.signal });
          if (data.state !== state.textContent) { state.textContent = data.state; announce(`Session ${s.id}: ${data.state}.`); }
          state.className = 'badge ' + (data.state === 'completed' ? 'ok' : data.state === 'failed' ? 'bad' : 'info');
          if (data.state === 'completed' && data.result) { put(verdict, livenessResult(data.result)); stop(); left.textContent = '(used)'; return; }
          if (data.state === 'failed') {
            left.textContent = '(used)'; put(verdict, h('p', { class: 'problem', text: `The recording could not be judged: ${data.error || 'unknown error'}.` })); stop(); return; }
        } catch (err) {
          if (err.status === 410) { state.textContent = 'expired'; state.className = 'badge bad'; put(verdict, h('p', { class: 'notice', text: 'The session expired before a recording arrived. Open a new one.' })); stop(); return; }
          if (err.name === 'AbortError' || err.status === 401) return;
          put(verdict, problemNode(err));
        }
        if (polls < 300) ctx.timeout(step, 2000); else { stop(); add(verdict, h('p', { class: 'muted', text: 'Stopped watching the session after 10 minutes.' })); }
      };
      ctx.timeout(step, 2000);
    }
  }

  function livenessResult(r) {
    return h('div', { class: 'card ' + (r.live ? 'ok-card' : 'bad-card'), id: 'liveness-verdict' },
      h('p', { class: 'big' }, badge(r.live, 'Live', 'Not live'), ` score ${fmt(r.score, 2)}`,
        r.verification ? [' · ', badge(r.verification.decision === 'match', `matches the ${r.verification.against}`, `does not match the ${r.verification.against}`)] : null),
      r.reasons.length ? h('p', { text: 'Reasons: ' + r.reasons.join(', ') }) : null,
      table([{ label: 'Check', cell: (c) => c.name.replace(/_/g, ' ') }, { label: 'Value', cell: (c) => fmt(c.value, 3), class: 'num' },
        { label: 'Threshold', cell: (c) => fmt(c.threshold, 3), class: 'num' }, { label: 'Result', cell: (c) => badge(c.passed, 'pass', 'fail') }], r.checks, { cls: 'compact' }),
      r.verification ? dl([['Compared with', r.verification.against], ['Similarity', fmt(r.verification.similarity)],
        ['Threshold', fmt(r.verification.threshold)], ['Decision', badge(r.verification.decision === 'match', 'match', 'no match')]]) : null,
      h('p', { class: 'muted', text: `${r.frames_analysed} frames analysed over ${(r.duration_ms / 1000).toFixed(1)} s.` }));
  }

  // --- review -------------------------------------------------------------------------------

  function viewReview(root, ctx) {
    const list = h('div', { id: 'review-list' });
    const more = h('button', { type: 'button', class: 'secondary', text: 'More flags', hidden: true });
    const clusterOut = h('div', { id: 'cluster-result', tabindex: '-1' });
    const clusterFiles = [];
    const thumbs = h('div', { class: 'thumbs', id: 'cluster-thumbs' });
    const threshold = h('input', { type: 'number', id: 'cluster-threshold', min: '0.2', max: '0.95', step: '0.05', value: '0.45' });
    const run = h('button', { type: 'submit', id: 'cluster-run', text: 'Group the photos', disabled: true });
    const clear = h('button', { type: 'button', class: 'secondary', text: 'Clear the photos', disabled: true });
    const clusterForm = h('form', { class: 'card', id: 'cluster-form' },
      dropZone({ id: 'cluster-files', label: 'Photos to group', multiple: true, onFiles: addFiles, hint: 'Choose or drop up to 100 photos; every face in them is grouped by person. Nothing is stored.' }),
      thumbs,
      h('div', { class: 'toolbar' }, field('Link faces at similarity', threshold, '0.20 to 0.95 (default 0.45).'), run, clear),
      clusterOut);
    add(root, ...heading('Review', 'Enrolments flagged as possible duplicates, and grouping a set of photos by person.'),
      h('section', { 'aria-labelledby': 'dup-h' }, h('h2', { id: 'dup-h', text: 'Possible duplicates' }),
        h('p', { class: 'muted', text: 'Faces enrolled under the enroll_and_flag policy that matched other subjects. The server keeps no photos, so the subjects are compared by their records; resolving changes no data (nothing is merged or erased).' }),
        list, h('div', { class: 'pager' }, more)),
      h('section', { 'aria-labelledby': 'cluster-h' }, h('h2', { id: 'cluster-h', text: 'Group photos by person' }), clusterForm));

    let after = null;
    const subjects = new Map();
    const subjectInfo = (id) => {
      if (!subjects.has(id)) subjects.set(id, api('GET', subjectPath(id), { signal: ctx.signal }).then((r) => r.data, () => null));
      return subjects.get(id);
    };

    async function loadFlags(append) {
      if (!append) put(list, h('p', { class: 'muted', text: 'Loading…' }));
      try {
        const { data } = await api('GET', '/v1/review/duplicates', { params: { after, limit: 20 }, signal: ctx.signal });
        if (!append) put(list);
        if (!data.flags.length && !append) put(list, h('p', { class: 'empty', id: 'review-empty', text: 'No open flags: nothing to review.' }));
        for (const f of data.flags) add(list, await flagCard(f));
        after = data.next;
        more.hidden = !data.next;
      } catch (err) { showError(list, err); }
    }
    more.addEventListener('click', () => loadFlags(true));

    async function side(title, id, extra) {
      const s = await subjectInfo(id);
      return h('div', { class: 'side' }, h('h4', { text: title }), h('p', { class: 'big' }, subjectLink(id)), extra,
        s ? dl([['Faces', String(s.templates.length)], ['Created', timeEl(s.created_at)],
          ['Active consents', s.consents.filter((c) => c.active).map((c) => c.purpose).join(', ') || 'none'],
          ['Metadata', s.metadata ? h('code', { class: 'clip', text: JSON.stringify(s.metadata) }) : 'none']])
          : h('p', { class: 'muted', text: 'Not found (erased?).' }));
    }

    async function flagCard(f) {
      const out = h('div', { 'aria-live': 'polite' });
      const card = h('article', { class: 'card flag', 'aria-label': `Flag on face ${f.face} of ${f.subject}` });
      const resolve = async (resolution) => {
        try {
          await api('POST', `/v1/review/duplicates/${f.face}/resolve`, { json: { resolution }, signal: ctx.signal });
          put(card, h('p', null, `Face #${f.face} of `, subjectLink(f.subject), ` resolved: ${resolution === 'distinct' ? 'different people' : 'the same person'}.`));
          card.classList.add('done');
          announce(`Flag on face ${f.face} resolved as ${resolution}.`);
        } catch (err) { showError(out, err); }
      };
      const sides = [await side('Flagged enrolment', f.subject, h('p', { class: 'muted', text: `Face #${f.face}, enrolled ${fmtTime(f.created_at)}` }))];
      for (const d of f.duplicates) sides.push(await side('Matches', d.subject, h('p', { class: 'sim' }, 'similarity ', h('strong', { text: fmt(d.similarity) }))));
      add(card, h('div', { class: 'sides' }, sides),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', text: 'Different people', 'aria-label': `Face ${f.face}: different people`, onclick: () => resolve('distinct') }),
          h('button', { type: 'button', class: 'secondary', text: 'Same person', 'aria-label': `Face ${f.face}: the same person`, onclick: () => resolve('same_person') })), out);
      return card;
    }

    async function addFiles(files) {
      for (const file of files) {
        if (clusterFiles.length >= 100) { announce('At most 100 photos.', 'error'); break; }
        try {
          const bmp = await loadBitmap(ctx, file);
          const item = { file, bmp };
          clusterFiles.push(item);
          add(thumbs, h('figure', { class: 'thumb' }, photoCanvas(bmp, [], { max: 96, label: file.name }), h('figcaption', { text: file.name })));
        } catch (err) { if (err.name !== 'AbortError') announce(`${file.name} cannot be read as an image.`, 'error'); }
      }
      run.disabled = clear.disabled = !clusterFiles.length;
      announce(`${plural(clusterFiles.length, 'photo')} ready to group.`);
    }
    clear.addEventListener('click', () => {
      clusterFiles.forEach((c) => c.bmp.close());
      clusterFiles.length = 0;
      put(thumbs);
      put(clusterOut);
      run.disabled = clear.disabled = true;
    });

    clusterForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!clusterFiles.length) return;
      const t = parseFloat(threshold.value);
      if (!(t >= 0.2 && t <= 0.95)) { put(clusterOut, h('p', { class: 'problem', role: 'alert', text: 'The threshold must be between 0.2 and 0.95.' })); return; }
      const fd = new FormData();
      clusterFiles.forEach((c) => fd.append('image', c.file, c.file.name));
      fd.append('threshold', t.toFixed(2));
      run.disabled = true;
      put(clusterOut, h('p', { class: 'muted', text: `Grouping the faces of ${plural(clusterFiles.length, 'photo')}…` }));
      try {
        const { data } = await api('POST', '/v1/cluster', { form: fd, signal: ctx.signal });
        const photo = (i) => clusterFiles[i] || null;
        const faces = (list) => h('div', { class: 'crops' }, list.map((f) => {
          const p = photo(f.image);
          return h('figure', { class: 'crop-fig' }, p ? faceCrop(p.bmp, f.box, 88, `Face from ${p.file.name}`) : null, h('figcaption', { text: p ? p.file.name : `photo ${f.image}` }));
        }));
        put(clusterOut, 
          h('p', { id: 'cluster-summary' }, `${plural(data.groups.length, 'group')}, ${plural(data.unsorted.length, 'face')} matching nobody else, ${plural(data.skipped.length, 'photo')} skipped, ${plural(data.faces_ignored, 'face')} too small or uncertain (threshold ${fmt(data.threshold, 2)}).`),
          data.groups.map((g) => h('section', { class: 'group' }, h('h3', { text: `Group ${g.id}: ${plural(g.faces.length, 'face')} from ${plural(g.photos, 'photo')}` }), faces(g.faces))),
          data.unsorted.length ? h('section', { class: 'group' }, h('h3', { text: 'Matching nobody else' }), faces(data.unsorted)) : null,
          data.skipped.length ? h('section', { class: 'group' }, h('h3', { text: 'Skipped photos' }), h('ul', null, data.skipped.map((s) => h('li', null, (photo(s.image) ? photo(s.image).file.name : `photo ${s.image}`) + ': ', code(s.code))))) : null);
        announce(`${plural(data.groups.length, 'group')} found.`);
        clusterOut.focus();
      } catch (err) { showError(clusterOut, err); }
      run.disabled = false;
    });

    loadFlags(false);
  }

  // --- audit --------------------------------------------------------------------------------

  const AUDIT_ACTIONS = ['subject.create', 'subject.update', 'consent.grant', 'consent.revoke', 'enroll', 'enroll.rejected',
    'erase', 'face.erase', 'review.resolve', 'verify', 'search', 'api_key.create', 'api_key.revoke', 'keys.rotate_tenant', 'keys.rotate_master'];

  function auditTable(events, { subjectColumn = true } = {}) {
    return table([
      { label: '#', cell: (e) => String(e.sequence), class: 'num' },
      { label: 'Time', cell: (e) => timeEl(e.time) },
      { label: 'Action', cell: (e) => h('span', { class: 'action ' + (/erase|revoke/.test(e.action) ? 'destructive' : ''), text: e.action }) },
      subjectColumn ? { label: 'Subject', cell: (e) => (e.subject ? subjectLink(e.subject) : '—') } : null,
      { label: 'Actor', cell: (e) => h('code', { text: e.actor }) },
      { label: 'Details', cell: (e) => detailsNode(e.details) },
    ].filter(Boolean), events, { empty: 'No audit events.', cls: 'audit' });
  }

  /** An event's details as `key: value` lines (values as JSON when not plain text). */
  function detailsNode(details) {
    if (!details || typeof details !== 'object' || !Object.keys(details).length) return '—';
    return h('ul', { class: 'details' }, Object.entries(details).map(([k, v]) => h('li', null,
      h('span', { class: 'k', text: k + ': ' }), h('code', { text: typeof v === 'string' ? v : JSON.stringify(v) }))));
  }

  function localToISO(v) { if (!v) return undefined; const d = new Date(v); return isNaN(d) ? undefined : d.toISOString(); }

  function viewAudit(root, ctx, presetSubject) {
    const subject = h('input', { type: 'text', id: 'audit-subject', value: presetSubject || '', autocomplete: 'off', spellcheck: 'false' });
    const action = h('input', { type: 'text', id: 'audit-action', list: 'audit-actions', autocomplete: 'off', spellcheck: 'false', placeholder: 'erase,face.erase' });
    const since = h('input', { type: 'datetime-local', id: 'audit-since', step: '1' });
    const until = h('input', { type: 'datetime-local', id: 'audit-until', step: '1' });
    const limit = h('select', { id: 'audit-limit' }, ['25', '50', '100', '500'].map((v) => h('option', { value: v, text: v, selected: v === '50' })));
    const chain = h('div', { id: 'chain', 'aria-live': 'polite' });
    const recheck = h('button', { type: 'button', class: 'secondary', id: 'chain-verify', text: 'Verify the chain again' });
    const list = h('div', { id: 'audit-list' });
    const prev = h('button', { type: 'button', class: 'secondary', text: '← Earlier', disabled: true, id: 'audit-prev' });
    const next = h('button', { type: 'button', class: 'secondary', text: 'Later →', disabled: true, id: 'audit-next' });
    const form = h('form', { class: 'card filters', id: 'audit-form' },
      h('div', { class: 'grid4' }, field('Subject id', subject), field('Actions (comma-separated)', action),
        field('Since (your local time)', since), field('Until', until)),
      h('datalist', { id: 'audit-actions' }, AUDIT_ACTIONS.map((a) => h('option', { value: a }))),
      h('div', { class: 'toolbar' }, field('Per page', limit), h('button', { type: 'submit', text: 'Filter' }),
        h('button', { type: 'reset', class: 'secondary', text: 'Clear' })));
    add(root, ...heading('Audit', 'What was done in this tenant, oldest first, and whether the tamper-evident chain is intact.'),
      h('section', { class: 'card', 'aria-labelledby': 'chain-h' }, h('h2', { id: 'chain-h', text: 'Chain verification' }), chain, h('div', { class: 'actions' }, recheck)),
      h('section', { 'aria-labelledby': 'trail-h' }, h('h2', { id: 'trail-h', text: 'Trail' }), form, list, h('div', { class: 'pager' }, prev, next)));

    async function verify() {
      put(chain, h('p', { class: 'muted', text: 'Verifying the chain…' }));
      try {
        const { data } = await api('GET', '/v1/audit/verify', { signal: ctx.signal });
        put(chain, 
          h('p', { class: 'big', id: 'chain-status' }, badge(data.intact, 'Intact', 'Broken'),
            ` ${plural(data.events_checked !== undefined ? data.events_checked : data.events, 'event')} checked in the whole chain (all tenants' events: the chain is shared)${data.intact ? ': no event was edited, inserted or deleted.' : '.'}`),
          h('p', { class: 'muted', id: 'chain-scope', text: 'Problems, if any, are listed for this tenant\'s events only; other tenants\' are only counted.' }),
          data.problems && data.problems.length ? table([
            { label: 'Sequence', cell: (p) => String(p.sequence), class: 'num' }, { label: 'Problem', cell: (p) => p.kind }, { label: 'Detail', cell: (p) => p.detail }],
          data.problems, { caption: 'Problems in this tenant\'s events' }) : null,
          data.problems_in_other_tenants ? h('p', { class: 'notice', text: `${plural(data.problems_in_other_tenants, 'problem')} in other tenants' events (the chain is shared; they are not shown to this key).` }) : null);
      } catch (err) {
        if (err.status === 404) { put(chain, h('p', { class: 'notice', text: 'This server cannot verify the chain over the API (no GET /v1/audit/verify); use `likeness audit verify` on the server.' })); return; }
        showError(chain, err);
      }
    }
    recheck.addEventListener('click', verify);

    let cursors = [0], page = 0, filters = {};
    function readFilters() {
      const actions = action.value.split(',').map((s) => s.trim()).filter(Boolean);
      filters = { subject: subject.value.trim() || undefined, action: actions.length ? actions.join(',') : undefined, since: localToISO(since.value), until: localToISO(until.value), limit: limit.value };
    }
    async function load() {
      put(list, h('p', { class: 'muted', text: 'Loading…' }));
      prev.disabled = next.disabled = true;
      try {
        const { data } = await api('GET', '/v1/audit', { params: { ...filters, after: cursors[page] || undefined }, signal: ctx.signal });
        put(list, h('p', { class: 'muted', id: 'audit-count', text: `${plural(data.events.length, 'event')} on this page${page ? ` (page ${page + 1})` : ''}.` }), auditTable(data.events));
        cursors[page + 1] = data.next;
        next.disabled = data.next === undefined || data.next === null || !data.events.length;
        prev.disabled = page === 0;
        next.parentElement.hidden = next.disabled && prev.disabled;
      } catch (err) { showError(list, err); }
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); readFilters(); cursors = [0]; page = 0; load(); });
    form.addEventListener('reset', () => { setTimeout(() => { subject.value = ''; readFilters(); cursors = [0]; page = 0; load(); }, 0); });
    next.addEventListener('click', () => { page += 1; load(); });
    prev.addEventListener('click', () => { page = Math.max(0, page - 1); load(); });
    readFilters();
    verify();
    load();
  }

  // --- service ------------------------------------------------------------------------------

  /** Prometheus text exposition into [{name, labels, value}]. */
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split('\n')) {
      if (!line || line[0] === '#') continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      if (m[2]) {
        const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
        let l;
        while ((l = re.exec(m[2]))) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      }
      const v = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : parseFloat(m[3]);
      out.push({ name: m[1], labels, value: v });
    }
    return out;
  }

  const sum = (samples, name, pred = () => true) => samples.filter((s) => s.name === name && pred(s.labels)).reduce((a, s) => a + s.value, 0);
  const has = (samples, name) => samples.some((s) => s.name === name);
  const delta = (a, b) => (b >= a ? b - a : b); // a counter reset counts from zero

  function viewService(root, ctx) {
    const health = h('div', { class: 'cards3', id: 'health' });
    const rates = h('div', { id: 'rates', 'aria-live': 'off' });
    const every = h('select', { id: 'sample-every' }, ['2', '5', '10', '30'].map((v) => h('option', { value: v, text: v + ' s', selected: v === '5' })));
    const toggle = h('button', { type: 'button', class: 'secondary', id: 'sample-toggle', text: 'Pause' });
    const stamp = h('p', { class: 'muted', id: 'sample-stamp' });
    add(root, ...heading('Service', 'This server\'s health, and its queue, request and error rates from its own metrics.'),
      h('section', { 'aria-labelledby': 'health-h' }, h('h2', { id: 'health-h', text: 'Health' }), health),
      h('section', { 'aria-labelledby': 'rates-h' }, h('h2', { id: 'rates-h', text: 'Load (server-wide: all tenants)' }),
        h('p', { class: 'muted', id: 'rates-scope', text: 'Server-wide figures, not this key\'s: read from GET /metrics (Prometheus text, read with this key; the API port shows no per-tenant series), they count every tenant on this server, this console\'s own polling included. Rates are the change between two samples.' }),
        h('div', { class: 'toolbar' }, field('Sample every', every), toggle), stamp, rates));

    async function loadHealth() {
      const card = (title, ok, body) => h('div', { class: 'card stat ' + (ok ? 'ok-card' : 'bad-card') }, h('h3', { text: title }), h('p', { class: 'big' }, badge(ok, 'OK', 'Down')), body);
      const [hz, rz] = await Promise.all([
        api('GET', '/healthz', { auth: false, signal: ctx.signal }).then((r) => r.data, (e) => e),
        api('GET', '/readyz', { auth: false, signal: ctx.signal }).then((r) => r.data, (e) => e),
      ]);
      if (ctx.dead) return;
      put(health, 
        card('Alive (/healthz)', !(hz instanceof Error), hz instanceof Error ? problemNode(hz) : h('p', { class: 'muted', text: 'The process answers.' })),
        card('Ready (/readyz)', !(rz instanceof Error), rz instanceof Error ? problemNode(rz)
          : dl([['Version', rz.version], ['Model pack', rz.model_pack], ['Store', rz.store]])));
    }

    let last = null, samples = 0, paused = false, timer = null;
    const MAX_SAMPLES = 120;
    async function sample() {
      timer = null;
      if (ctx.dead || paused) return;
      let text;
      try {
        text = (await api('GET', '/metrics', { text: true, signal: ctx.signal })).data;
      } catch (err) { showError(rates, err); schedule(); return; }
      const now = performance.now();
      const cur = { t: now, m: parseMetrics(text) };
      samples += 1;
      drawRates(last, cur);
      last = cur;
      stamp.textContent = `Sampled at ${new Date().toLocaleTimeString()} (${samples} samples).`;
      if (samples >= MAX_SAMPLES) { paused = true; toggle.textContent = 'Resume'; stamp.textContent += ' Paused after ' + MAX_SAMPLES + ' samples.'; return; }
      schedule();
    }
    function schedule() { if (!paused && !ctx.dead) timer = ctx.timeout(sample, (+every.value) * 1000); }
    toggle.addEventListener('click', () => {
      paused = !paused;
      toggle.textContent = paused ? 'Resume' : 'Pause';
      if (timer) { clearTimeout(timer); timer = null; }
      if (!paused) { samples = 0; sample(); }
    });
    every.addEventListener('change', () => { if (timer) { clearTimeout(timer); timer = null; schedule(); } });

    function drawRates(a, b) {
      const m = b.m;
      const gauge = (name) => (has(m, name) ? sum(m, name) : null);
      const inflight = gauge('likeness_inference_in_flight'), queue = gauge('likeness_inference_queue_depth'), cap = gauge('likeness_inference_capacity');
      const req = 'likeness_http_requests_total';
      const dt = a ? (b.t - a.t) / 1000 : null;
      const rate = (name, pred) => (a && dt > 0 ? delta(sum(a.m, name, pred), sum(b.m, name, pred)) / dt : null);
      const is5xx = (l) => /^5/.test(l.status || ''), is4xx = (l) => /^4/.test(l.status || '');
      const stat = (title, value, note, id) => h('div', { class: 'card stat' }, h('h3', { text: title }), h('p', { class: 'big', id, text: value }), note ? h('p', { class: 'muted', text: note }) : null);
      const waiting = a ? null : 'one more sample needed';
      const cards = h('div', { class: 'cards4' },
        stat('Queue', queue === null ? '—' : String(queue), `waiting for an inference worker; ${inflight === null ? '?' : inflight} in flight of ${cap === null ? '?' : cap}`, 'stat-queue'),
        stat('Requests', a ? fmtRate(rate(req)) + ' /s' : '…', waiting || `over the last ${dt.toFixed(1)} s; ${sum(m, req)} since start`, 'stat-requests'),
        stat('Server errors (5xx)', a ? fmtRate(rate(req, is5xx)) + ' /s' : '…', waiting || `${sum(m, req, is5xx)} since start`, 'stat-errors'),
        stat('Client errors (4xx)', a ? fmtRate(rate(req, is4xx)) + ' /s' : '…', waiting || `${sum(m, req, is4xx)} since start`, 'stat-client-errors'),
        stat('Refused', a ? fmtRate(rate('likeness_requests_rejected_total')) + ' /s' : '…', `load shedding and rate limits; ${sum(m, 'likeness_requests_rejected_total')} since start`, 'stat-refused'));
      // Per route: rates and mean latency over the window.
      const routes = new Map();
      for (const s of m) {
        if (s.name !== req) continue;
        const k = `${s.labels.method || ''} ${s.labels.route || ''}`;
        if (!routes.has(k)) routes.set(k, { method: s.labels.method, route: s.labels.route });
      }
      const durSum = 'likeness_http_request_duration_seconds_sum', durCount = 'likeness_http_request_duration_seconds_count';
      const rows = [...routes.values()].map((r) => {
        const same = (l) => l.route === r.route && l.method === r.method;
        const dc = a ? delta(sum(a.m, durCount, same), sum(m, durCount, same)) : sum(m, durCount, same);
        const ds = a ? delta(sum(a.m, durSum, same), sum(m, durSum, same)) : sum(m, durSum, same);
        return { ...r, total: sum(m, req, same), rate: rate(req, same), err: rate(req, (l) => same(l) && is5xx(l)), cerr: rate(req, (l) => same(l) && is4xx(l)), latency: dc > 0 ? (ds / dc) * 1000 : null };
      }).sort((x, y) => y.total - x.total);
      const stages = [...new Set(m.filter((s) => s.name === 'likeness_inference_stage_duration_seconds_count').map((s) => s.labels.stage))].map((stage) => {
        const st = (l) => l.stage === stage;
        const c = sum(m, 'likeness_inference_stage_duration_seconds_count', st), s = sum(m, 'likeness_inference_stage_duration_seconds_sum', st);
        return { stage, count: c, mean: c ? (s / c) * 1000 : null };
      });
      const tenants = m.filter((s) => s.name === 'likeness_gallery_templates');
      put(rates, cards,
        h('h3', { text: 'By route' }),
        table([{ label: 'Route', cell: (r) => h('code', { text: `${r.method} ${r.route}` }) }, { label: 'Since start', cell: (r) => String(r.total), class: 'num' },
          { label: 'Requests /s', cell: (r) => fmtRate(r.rate), class: 'num' }, { label: '4xx /s', cell: (r) => fmtRate(r.cerr), class: 'num' },
          { label: '5xx /s', cell: (r) => fmtRate(r.err), class: 'num' }, { label: a ? 'Mean latency (window)' : 'Mean latency', cell: (r) => (r.latency === null ? '—' : r.latency.toFixed(1) + ' ms'), class: 'num' }],
        rows, { empty: 'No request counted yet.', cls: 'routes compact' }),
        stages.length ? [h('h3', { text: 'Inference stages (mean per image since start)' }), table([{ label: 'Stage', cell: (s) => s.stage },
          { label: 'Images', cell: (s) => String(s.count), class: 'num' }, { label: 'Mean', cell: (s) => (s.mean === null ? '—' : s.mean.toFixed(1) + ' ms'), class: 'num' }], stages, { cls: 'compact' })] : null,
        tenants.length ? [h('h3', { id: 'templates-h', text: 'Stored templates per tenant (server-wide: every tenant on this server)' }), table([{ label: 'Tenant', cell: (s) => s.labels.tenant }, { label: 'Templates', cell: (s) => String(s.value), class: 'num' }], tenants, { cls: 'compact' })] : null);
    }

    loadHealth();
    sample();
  }

  // --- start --------------------------------------------------------------------------------

  function start() {
    // A photo dropped outside a drop zone must not open in the tab (that would leave the console).
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => e.preventDefault());
    $('#status').addEventListener('click', () => { clearTimeout(statusTimer); $('#status').textContent = ''; });
    $('#sign-out').addEventListener('click', () => { signOut('Signed out. The key was removed from this tab.'); announce('Signed out.'); });
    window.addEventListener('hashchange', render);
    // Nothing survives the page: images are in memory; drop the view's resources on the way out.
    // The canvases hold photo pixels: empty the view and the dialog too, so that a page kept in
    // the back/forward cache keeps none; `pageshow` draws the view again.
    window.addEventListener('pagehide', () => { teardown(); put($('#view')); put($('#confirm-body')); });
    window.addEventListener('pageshow', (e) => { if (e.persisted) render(); });
    if (getKey()) showWho();
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
