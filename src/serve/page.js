// claimlint serve: the paste-and-review page.
//
// Safety rule for this file: user text only ever reaches the DOM through `textContent` or
// `createTextNode`, never through the HTML parser, so a pasted <script> or <img onerror> is shown, not run.
// The Content-Security-Policy (no inline script) is the second line of defence.
//
// The API reports byte offsets into the UTF-8 text; JavaScript strings index UTF-16 code units.
// `byteToIndex` converts with TextEncoder, so "café’s" and emoji highlight the right words.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const draft = $('draft');
  const format = $('format');
  const rendered = $('rendered');
  const counts = $('counts');
  const caveats = $('caveats');
  const detail = $('detail');
  const status = $('status');

  const CATEGORIES = ['efficacy', 'safety', 'approval', 'off-label', 'superiority', 'hype', 'missing-caveat'];
  const LABELS = {
    efficacy: 'efficacy', safety: 'safety', approval: 'approval', 'off-label': 'off-label',
    superiority: 'superiority', hype: 'hype', 'missing-caveat': 'missing caveat',
  };
  const SEVERITY_RANK = { error: 3, warning: 2, info: 1 };
  const DEBOUNCE_MS = 300;

  /** Rule id → rule from /api/rules (for the note: why the rule exists). */
  const rules = new Map();
  let seq = 0;        // id of the latest lint request; older answers are dropped
  let timer = 0;
  let current = null; // { text, format, inline, missing }

  const catClass = (c) => 'cat-' + (CATEGORIES.includes(c) ? c : 'other');

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v);
      }
    }
    for (const c of children) if (c != null) e.append(c); // strings become text nodes
    return e;
  }

  function setStatus(msg, isError) {
    status.textContent = msg;
    status.classList.toggle('error', Boolean(isError));
  }

  /** A function from a UTF-8 byte offset in `text` to a UTF-16 index (rounded down to a char). */
  function byteToIndex(text) {
    const bytes = new TextEncoder().encode(text);
    const map = new Int32Array(bytes.length + 1).fill(-1);
    let u = 0;
    for (let b = 0; b < bytes.length; b++) {
      const x = bytes[b];
      if ((x & 0xc0) !== 0x80) { // a lead byte starts a code point
        map[b] = u;
        u += x >= 0xf0 ? 2 : 1; // four-byte sequences are surrogate pairs in UTF-16
      }
    }
    map[bytes.length] = u;
    return (offset) => {
      let o = Math.min(Math.max(offset | 0, 0), bytes.length);
      while (map[o] < 0) o--;
      return map[o];
    };
  }

  // `data-busy` is 1 while a lint is waiting or in flight (tests wait for it to settle).
  function schedule(delay) {
    document.body.dataset.busy = '1';
    clearTimeout(timer);
    timer = setTimeout(() => { timer = 0; lint(); }, delay);
  }

  function settled(id) {
    if (id === seq && timer === 0) document.body.dataset.busy = '0';
  }

  async function lint() {
    const text = draft.value;
    const fmt = format.value;
    const id = ++seq;
    const started = performance.now();
    let res;
    let body = null;
    try {
      res = await fetch('/api/lint', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text, format: fmt }),
      });
      body = await res.json();
    } catch (e) {
      if (id === seq) setStatus('cannot reach claimlint serve: is it still running?', true);
      settled(id);
      return;
    }
    if (id !== seq) return;
    if (!res.ok) {
      setStatus((body && body.error) || 'error ' + res.status, true);
      settled(id);
      return;
    }
    const ms = performance.now() - started;
    // Past the server's cap the answer is {diagnostics, truncated: {shown, total}}.
    const diags = Array.isArray(body) ? body : body.diagnostics;
    render(text, fmt, diags);
    const n = diags.length;
    const cut = Array.isArray(body) ? '' : ` (first ${body.truncated.shown} of ${body.truncated.total})`;
    setStatus(n === 0 ? 'No findings.' : `${n} finding${n === 1 ? '' : 's'}${cut} · ${ms.toFixed(0)} ms`);
    document.body.dataset.lintMs = ms.toFixed(1);
    document.body.dataset.linted = String(id);
    settled(id);
  }

  function render(text, fmt, diags) {
    const toIndex = byteToIndex(text);
    const inline = [];
    const missing = [];
    for (const d of diags) {
      d.from = toIndex(d.start.offset);
      d.to = toIndex(d.end.offset);
      (d.category === 'missing-caveat' ? missing : inline).push(d);
    }
    current = { text, format: fmt, inline, missing };
    renderCounts(diags);
    renderText(text, inline);
    renderCaveats(missing);
    hideDetail();
  }

  function renderCounts(diags) {
    const n = new Map();
    for (const d of diags) n.set(d.category, (n.get(d.category) || 0) + 1);
    const items = [...n.keys()]
      .sort((a, b) => CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b))
      .map((c) => el('li', { class: catClass(c), 'data-category': c }, `${LABELS[c] || c}: ${n.get(c)}`));
    counts.replaceChildren(...items);
  }

  /** The text as text nodes, with each stretch covered by findings wrapped in a <mark>. */
  function renderText(text, inline) {
    if (text.length === 0) {
      rendered.replaceChildren(el('p', { class: 'empty', text: 'Findings appear here, highlighted in the text. Click one to see why and what to write instead.' }));
      return;
    }
    const cuts = new Set([0, text.length]);
    for (const d of inline) { cuts.add(d.from); cuts.add(d.to); }
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    let active = 0; // first finding that may still cover the current piece (sorted by start)
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k];
      const b = points[k + 1];
      const piece = text.slice(a, b);
      while (active < inline.length && inline[active].to <= a) active++;
      const covering = [];
      for (let i = active; i < inline.length && inline[i].from <= a; i++) {
        if (inline[i].to >= b && inline[i].from < inline[i].to) covering.push(i);
      }
      if (covering.length === 0) {
        frag.append(document.createTextNode(piece));
        continue;
      }
      const top = covering
        .map((i) => inline[i])
        .reduce((x, y) => ((SEVERITY_RANK[y.severity] || 0) > (SEVERITY_RANK[x.severity] || 0) ? y : x));
      const mark = el('mark', {
        class: `${catClass(top.category)} sev-${top.severity === 'info' ? 'info' : 'strong'}`,
        tabindex: '0',
        role: 'button',
        title: top.message,
        'data-findings': covering.join(' '),
      });
      mark.textContent = piece;
      frag.append(mark);
    }
    rendered.replaceChildren(frag);
  }

  /** A rule message with its `code spans` as <code> elements (built from text, never parsed). */
  function message(text) {
    const span = el('span');
    text.split('`').forEach((part, i) => span.append(i % 2 ? el('code', { text: part }) : part));
    return span;
  }

  function badge(category) {
    return el('span', { class: 'badge ' + catClass(category) }, LABELS[category] || category);
  }

  function renderCaveats(missing) {
    const seen = new Set();
    const items = [];
    for (const d of missing) {
      if (seen.has(d.rule)) continue;
      seen.add(d.rule);
      items.push(el('li', { 'data-rule': d.rule },
        el('p', null, badge(d.category), message(d.message)),
        el('blockquote', { text: d.help }),
        el('button', { type: 'button', class: 'insert', onclick: () => insertCaveat(d) }, 'Insert caveat')));
    }
    if (items.length === 0) items.push(el('li', { class: 'empty' }, 'None: every caveat the text needs is there.'));
    caveats.replaceChildren(...items);
  }

  function showDetail(mark) {
    if (!current) return;
    for (const m of rendered.querySelectorAll('mark.selected')) m.classList.remove('selected');
    mark.classList.add('selected');
    const found = mark.dataset.findings.split(' ').map((i) => current.inline[Number(i)]);
    const articles = found.map((d) => {
      const rule = rules.get(d.rule);
      const parts = [
        el('h4', null, badge(d.category), message(d.message)),
        el('p', { class: 'rule' }, `${d.rule} · ${d.severity} · “${d.matched}”`),
      ];
      if (rule && rule.note) parts.push(el('p', null, el('span', { class: 'label' }, 'Why: '), rule.note));
      parts.push(el('p', null, el('span', { class: 'label' }, 'Balanced wording:')), el('blockquote', { text: d.help }));
      if (d.suggestion && d.suggestion.replacement != null) {
        parts.push(el('p', { class: 'suggest' },
          el('span', null, 'Replace with “', el('strong', { text: d.suggestion.replacement }), '”'),
          el('button', { type: 'button', class: 'apply', onclick: () => apply(d) }, 'Apply')));
      } else {
        parts.push(el('p', { class: 'hint', text: 'No safe word-for-word replacement: rewrite the sentence along the lines of the balanced wording.' }));
      }
      return el('article', null, ...parts);
    });
    detail.replaceChildren(
      el('button', { type: 'button', class: 'quiet close', 'aria-label': 'Close', onclick: hideDetail }, 'Close'),
      ...articles);
    detail.hidden = false;
    detail.scrollIntoView({ block: 'nearest' });
  }

  function hideDetail() {
    detail.hidden = true;
    detail.replaceChildren();
    for (const m of rendered.querySelectorAll('mark.selected')) m.classList.remove('selected');
  }

  /** Replaces the finding's span with the suggestion, if the draft has not changed under it. */
  function apply(d) {
    const text = draft.value;
    if (!current || current.text !== text || text.slice(d.from, d.to) !== d.matched) {
      setStatus('The draft changed; checking again.');
      schedule(0);
      return;
    }
    edit(d.from, d.to, d.suggestion.replacement);
    hideDetail();
    schedule(0);
  }

  /** Replaces `draft.value[from..to]` as typing would, so Ctrl+Z undoes it. */
  function edit(from, to, text) {
    draft.focus();
    draft.setSelectionRange(from, to);
    // execCommand keeps the browser's undo history; setting .value would wipe it.
    if (!document.execCommand('insertText', false, text)) {
      draft.value = draft.value.slice(0, from) + text + draft.value.slice(to);
    }
    save();
  }

  function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  /** Appends the caveat's wording as a new paragraph in the draft's format. */
  function insertCaveat(d) {
    const para = format.value === 'html' ? `<p>${escapeHtml(d.help)}</p>` : d.help;
    const value = draft.value;
    const end = value.replace(/\s+$/, '').length;
    const sep = format.value === 'docx' ? '\n' : '\n\n';
    edit(end, value.length, (end ? sep : '') + para + '\n');
    schedule(0);
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(draft.value);
    } catch (e) {
      draft.select();
      if (!document.execCommand('copy')) {
        setStatus('Copy failed: select the text and copy it by hand.', true);
        return;
      }
    }
    setStatus('Revised text copied.');
  }

  rendered.addEventListener('click', (e) => {
    const mark = e.target.closest('mark');
    if (mark) showDetail(mark);
  });
  rendered.addEventListener('keydown', (e) => {
    const mark = e.target.closest('mark');
    if (mark && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      showDetail(mark);
    }
  });
  // The draft survives a reload: kept in this browser's local storage only.
  const STORE = 'claimlint.draft';
  function save() {
    try {
      localStorage.setItem(STORE, JSON.stringify({ text: draft.value, format: format.value }));
    } catch (e) { /* storage full or disabled: the page still works */ }
  }
  function restore() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORE) || 'null');
      if (saved && typeof saved.text === 'string') {
        draft.value = saved.text;
        if ([...format.options].some((o) => o.value === saved.format)) format.value = saved.format;
      }
    } catch (e) { /* nothing usable saved */ }
  }
  function clear() {
    localStorage.removeItem(STORE);
    draft.value = '';
    docx = null;
    $('annotated').hidden = true;
    schedule(0);
    setStatus('Cleared: nothing is kept in this browser.');
  }

  /** The Word document opened or dropped last: { name, bytes }. */
  let docx = null;

  async function post(path, body, type) {
    const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': type }, body });
    if (!res.ok) {
      let msg = 'error ' + res.status;
      try { msg = (await res.json()).error || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return res;
  }

  async function openDocx(file) {
    if (!file) return;
    if (!/\.docx$/i.test(file.name)) {
      setStatus(`${file.name}: only Word documents (.docx) can be opened here; paste other text.`, true);
      return;
    }
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const res = await post('/api/document', bytes, 'application/octet-stream');
      const { text } = await res.json();
      docx = { name: file.name, bytes };
      format.value = 'docx';
      draft.value = text;
      save();
      $('annotated').hidden = false;
      setStatus(`Opened ${file.name}.`);
      schedule(0);
    } catch (e) {
      setStatus(`${file.name}: ${e.message}`, true);
    }
  }

  function download(blob, name) {
    const a = el('a', { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async function downloadAnnotated() {
    if (!docx) return;
    try {
      const res = await post('/api/annotate', docx.bytes, 'application/octet-stream');
      download(await res.blob(), docx.name.replace(/\.docx$/i, '') + '.reviewed.docx');
      setStatus('Annotated copy of the opened document downloaded (comments and tracked changes).');
    } catch (e) {
      setStatus(`cannot annotate ${docx.name}: ${e.message}`, true);
    }
  }

  async function exportReport() {
    try {
      const res = await post('/api/report', JSON.stringify({ text: draft.value, format: format.value }),
        'application/json');
      download(await res.blob(), 'claimlint-report.html');
      setStatus('Report saved.');
    } catch (e) {
      setStatus(`cannot build the report: ${e.message}`, true);
    }
  }

  draft.addEventListener('input', () => { save(); schedule(DEBOUNCE_MS); });
  format.addEventListener('change', () => { save(); schedule(0); });
  $('copy').addEventListener('click', copy);
  $('clear').addEventListener('click', clear);
  $('export').addEventListener('click', exportReport);
  $('annotated').addEventListener('click', downloadAnnotated);
  $('open').addEventListener('change', (e) => openDocx(e.target.files[0]));
  draft.addEventListener('dragover', (e) => {
    if ([...e.dataTransfer.types].includes('Files')) {
      e.preventDefault();
      draft.classList.add('dropping');
    }
  });
  draft.addEventListener('dragleave', () => draft.classList.remove('dropping'));
  draft.addEventListener('drop', (e) => {
    draft.classList.remove('dropping');
    if (e.dataTransfer.files.length > 0) {
      e.preventDefault();
      openDocx(e.dataTransfer.files[0]);
    }
  });
  restore();

  fetch('/api/rules')
    .then((r) => r.json())
    .then((list) => { for (const r of list) rules.set(r.id, r); })
    .catch(() => {});

  if (draft.value) schedule(0);
})();
