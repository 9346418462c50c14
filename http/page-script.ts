// The file manager's behaviour, run in the browser (kept as text: the page has no build
// step and loads nothing). String.raw keeps it as written; it uses no backtick and no
// dollar-brace, so nothing in it is interpolated here.

export const PAGE_SCRIPT = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, children = []) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const svg = (tag, attributes = {}) => {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
};
const encodePath = (path) => path.split('/').map(encodeURIComponent).join('/');
// Requests are built on the origin, not on location: a page opened as
// http://user:pass@host/ would pass the credentials on, and fetch() refuses such URLs.
const base = location.origin + location.pathname;
const url = (relative) => new URL(relative, base).href;
const join = (folder, name) => (folder === '/' ? '' : folder) + '/' + name;
const parentOf = (path) => path.slice(0, path.lastIndexOf('/')) || '/';
const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);
const size = (n) => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB'
  : n < 1073741824 ? (n / 1048576).toFixed(1) + ' MiB' : (n / 1073741824).toFixed(2) + ' GiB';
const rate = (n) => size(Math.round(n)) + '/s';

const state = { path: '/', entries: [], shown: [], sort: { key: 'name', dir: 1 }, selected: new Set(), search: null, lastRow: null, focusNext: null };

// ---- words for failures: every failed action ends here, never in silence
function explain(status, text) {
  const detail = text ? text + ' (' + status + ')' : '(' + status + ')';
  if (status === 0) return 'The server could not be reached: check the connection and try again.';
  if (status === 507) return 'Not enough space: your quota or the disk is full. ' + detail;
  if (status === 401) return 'No right to do that: log in first. ' + detail;
  if (status === 403) return 'No right to do that. ' + detail;
  if (status === 404) return 'Not found (moved or deleted meanwhile?). ' + detail;
  if (status === 413) return 'Too large for this server. ' + detail;
  return detail;
}
const say = (text, error = false) => { $('message').textContent = text; $('message').className = error ? 'error' : ''; };

async function call(method, route, path, query = '') {
  let response;
  try {
    response = await fetch(url(route + encodePath(path) + query), { method, headers: { Accept: 'application/json' } });
  } catch {
    throw new Error(explain(0));
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ error: response.statusText }));
    throw new Error(explain(response.status, problem.error));
  }
  return response.status === 204 ? null : response.json();
}

// ---- the dialog: one for every question (a name, a folder, a yes/no), keyboard first
// A dialog's 'close' event comes a task after it closed, and Chromium drops a pending one
// when the dialog is shown again before it: the question before would then wait for the
// next question's close and take its answer (a cancelled delete became a delete). So a
// new question first settles the last one, with what its close left in returnValue.
let settleLast = null;
function ask(text, field) {
  if (settleLast) settleLast(false);
  return new Promise((resolve) => {
    const dialog = $('ask');
    const input = $('ask-input');
    const settle = (byEvent) => {
      dialog.removeEventListener('close', onClose);
      settleLast = null;
      const answered = !dialog.open && dialog.returnValue === 'ok';
      if (byEvent && back && back.isConnected) back.focus();
      resolve(answered ? (field ? input.value.trim() : true) : null);
    };
    // An earlier close's event, come late, finds the dialog open again: not this answer.
    const onClose = () => { if (!dialog.open) settle(true); };
    $('ask-text').textContent = text;
    $('ask-field').hidden = !field;
    input.required = Boolean(field);
    $('ask-label').textContent = field ? field.label : '';
    input.value = field ? field.value || '' : '';
    $('ask-ok').textContent = field ? 'OK' : 'Delete';
    dialog.returnValue = '';
    const back = document.activeElement;
    settleLast = settle;
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    if (field) input.select(); else $('ask-ok').focus();
  });
}

// ---- listing
function crumbs(path) {
  const nav = $('crumbs');
  nav.replaceChildren(el('a', { href: '#/', textContent: 'root' }));
  let at = '';
  for (const name of path.split('/').filter(Boolean)) {
    at += '/' + name;
    nav.append(el('span', { textContent: '/', ariaHidden: 'true' }), el('a', { href: '#' + encodePath(at), textContent: name }));
  }
  nav.lastElementChild.setAttribute('aria-current', 'page');
}

function compare(a, b, key) {
  if (key === 'size') return a.size - b.size;
  if (key === 'modified') return (Date.parse(a.modified) || 0) - (Date.parse(b.modified) || 0);
  return 0;
}
function sorted(entries) {
  const { key, dir } = state.sort;
  return [...entries].sort((a, b) => (b.dir - a.dir) || dir * (compare(a, b, key) || a.name.localeCompare(b.name)));
}

function row(entry) {
  // In search results a name shows where it lies below the current folder.
  const label = state.search === null ? entry.name : entry.path.slice(state.path === '/' ? 1 : state.path.length + 1);
  const tr = el('tr', { className: entry.dir ? 'dir' : 'file', tabIndex: -1 });
  tr.dataset.path = entry.path;
  const box = el('input', { type: 'checkbox', tabIndex: -1, checked: state.selected.has(entry.path) });
  box.setAttribute('aria-label', 'Select ' + label);
  box.addEventListener('change', () => select(entry.path, box.checked));
  const link = entry.dir
    ? el('a', { href: '#' + encodePath(entry.path), textContent: label, tabIndex: -1 })
    : el('a', { href: 'files' + encodePath(entry.path) + '?download=1', textContent: label, download: entry.name, tabIndex: -1 });
  const rename = el('button', { type: 'button', textContent: 'Rename', tabIndex: -1 });
  rename.setAttribute('aria-label', 'Rename ' + entry.name);
  rename.addEventListener('click', () => renameEntry(entry));
  const remove = el('button', { type: 'button', className: 'danger delete', textContent: 'Delete', tabIndex: -1 });
  remove.setAttribute('aria-label', 'Delete ' + entry.name);
  remove.addEventListener('click', () => removeEntries([entry]));
  const modified = entry.modified ? new Date(entry.modified).toLocaleString() : '';
  tr.addEventListener('focus', () => { state.lastRow = entry.path; rove(tr); });
  if (state.selected.has(entry.path)) tr.classList.add('selected');
  tr.append(
    el('td', { className: 'check' }, [box]),
    el('td', { className: 'name' }, [link]),
    el('td', { className: 'size', textContent: entry.dir ? '' : size(entry.size) }),
    el('td', { className: 'modified', textContent: modified }),
    el('td', { className: 'perm', textContent: entry.permissions || '' }),
    el('td', { className: 'actions' }, [rename, ' ', remove]),
  );
  return tr;
}

/** One row takes Tab (the focused one, or the first): the arrows move within the list. */
function rove(current) {
  for (const tr of $('entries').rows) tr.tabIndex = tr === current ? 0 : -1;
}

function render() {
  state.shown = sorted(state.entries);
  $('entries').replaceChildren(...state.shown.map(row));
  $('empty').hidden = state.shown.length > 0;
  $('empty').textContent = state.search === null ? 'This folder is empty.' : 'Nothing found.';
  for (const key of ['name', 'size', 'modified']) {
    $('sort-' + key).closest('th').setAttribute('aria-sort', state.sort.key !== key ? 'none' : state.sort.dir > 0 ? 'ascending' : 'descending');
  }
  const wanted = state.focusNext;
  state.focusNext = null;
  const rows = [...$('entries').rows];
  const target = wanted === 'first' ? rows[0] : rows.find((tr) => tr.dataset.path === wanted);
  rove(target || rows[0]);
  if (wanted && target) target.focus();
  selectionChanged();
}

async function show() {
  const path = current();
  if (path !== state.path) state.selected.clear();
  state.path = path;
  state.search = null;
  $('search').value = '';
  $('clear-search').hidden = true;
  crumbs(path);
  document.title = path + ' - FtpPy';
  $('caption').textContent = 'Contents of ' + path;
  document.body.dataset.path = path;
  document.body.dataset.state = 'loading';
  try {
    state.entries = await call('GET', 'files', path);
    render();
    document.body.dataset.state = 'ready';
  } catch (error) {
    state.entries = [];
    render();
    say(error.message, true);
    document.body.dataset.state = 'error';
  }
}

async function search(pattern) {
  state.search = pattern;
  $('clear-search').hidden = false;
  document.body.dataset.state = 'loading';
  say('Searching ' + state.path + ' and below for ' + pattern + '...');
  try {
    state.entries = await call('GET', 'search', state.path, '?pattern=' + encodeURIComponent(pattern));
    state.selected.clear();
    render();
    say(state.entries.length + ' found' + (state.entries.length >= 1000 ? ' (the first 1000)' : ''));
    document.body.dataset.state = 'search';
  } catch (error) {
    say(error.message, true);
    document.body.dataset.state = 'error';
  }
}

// ---- selection
function select(path, on) {
  if (on) state.selected.add(path); else state.selected.delete(path);
  const tr = [...$('entries').rows].find((r) => r.dataset.path === path);
  if (tr) { tr.classList.toggle('selected', on); tr.querySelector('input').checked = on; }
  selectionChanged();
}
function selectionChanged() {
  const n = state.selected.size;
  const all = $('select-all');
  all.checked = n > 0 && n === state.shown.length;
  all.indeterminate = n > 0 && n < state.shown.length;
  // The ZIP link is a real link: the browser downloads the stream itself, whatever its size.
  const names = state.search === null ? [...state.selected].map((p) => 'name=' + encodeURIComponent(baseName(p))).join('&') : '';
  $('zip').href = 'zip' + encodePath(state.path) + (names ? '?' + names : '');
  $('zip').textContent = names ? 'Download ' + n + ' as ZIP' : 'Download folder as ZIP';
}
$('select-all').addEventListener('change', () => {
  const on = $('select-all').checked;
  for (const entry of state.shown) select(entry.path, on);
});
/** What an action applies to: the selection, or else the row last focused. */
function chosen() {
  const selected = state.shown.filter((e) => state.selected.has(e.path));
  if (selected.length) return selected;
  const last = state.shown.find((e) => e.path === state.lastRow);
  return last ? [last] : [];
}

// ---- actions
async function newFolder() {
  const name = await ask('Make a folder in ' + state.path, { label: 'Folder name' });
  if (!name) return;
  const path = join(state.path, name);
  try {
    await call('POST', 'mkdir', path);
    say('Made ' + path);
    state.focusNext = path;
    await show();
  } catch (error) { say(error.message, true); }
}

async function renameEntry(entry) {
  const name = await ask('Rename ' + entry.path, { label: 'New name', value: entry.name });
  if (!name || name === entry.name) return;
  const to = join(parentOf(entry.path), name);
  try {
    await call('POST', 'move', entry.path, '?to=' + encodeURIComponent(to));
    say('Renamed ' + entry.path + ' to ' + to);
    state.selected.delete(entry.path);
    state.focusNext = to;
    await refresh();
  } catch (error) { say(error.message, true); }
}

async function moveEntries(entries) {
  if (!entries.length) return say('Select what to move first (Space selects a row).', true);
  const what = entries.length === 1 ? entries[0].name : entries.length + ' items';
  const folder = await ask('Move ' + what + ' into the folder', { label: 'Folder path', value: state.path });
  if (!folder) return;
  const into = folder.startsWith('/') ? folder.replace(/\/+$/, '') || '/' : join(state.path, folder);
  let moved = 0;
  for (const entry of entries) {
    try {
      await call('POST', 'move', entry.path, '?to=' + encodeURIComponent(join(into, entry.name)));
      state.selected.delete(entry.path);
      moved++;
    } catch (error) {
      say(error.message, true);
      await refresh();
      return;
    }
  }
  say('Moved ' + moved + ' to ' + into);
  await refresh();
}

async function removeEntries(entries) {
  if (!entries.length) return say('Select what to delete first (Space selects a row).', true);
  const folders = entries.some((e) => e.dir);
  const question = entries.length === 1
    ? 'Delete ' + entries[0].name + (folders ? ' and everything in it' : '') + '?'
    : 'Delete ' + entries.length + ' items' + (folders ? ' (folders with everything in them)' : '') + '?';
  if (!(await ask(question, null))) return;
  let done = 0;
  for (const entry of entries) {
    try {
      await call('DELETE', 'files', entry.path, entry.dir ? '?recursive=1' : '');
      state.selected.delete(entry.path);
      done++;
    } catch (error) {
      say(error.message, true);
      await refresh();
      return;
    }
  }
  say('Deleted ' + (done === 1 ? entries[0].path : done + ' items'));
  await refresh();
}

const refresh = () => (state.search === null ? show() : search(state.search));

function open(entry) {
  if (entry.dir) {
    state.focusNext = 'first';
    location.hash = '#' + encodePath(entry.path);
  } else if (state.search !== null) {
    // A file found below: show it in its folder.
    state.focusNext = entry.path;
    location.hash = '#' + encodePath(parentOf(entry.path));
  } else {
    [...$('entries').rows].find((tr) => tr.dataset.path === entry.path).querySelector('td.name a').click();
  }
}

$('new-folder').addEventListener('click', newFolder);
$('rename').addEventListener('click', () => {
  const entries = chosen();
  if (entries.length !== 1) return say('Select one item to rename.', true);
  renameEntry(entries[0]);
});
$('move').addEventListener('click', () => moveEntries(chosen()));
$('delete').addEventListener('click', () => removeEntries(chosen()));
for (const key of ['name', 'size', 'modified']) {
  $('sort-' + key).addEventListener('click', () => {
    state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
    render();
  });
}
$('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const pattern = $('search').value.trim();
  if (!pattern) return say('Type a name or a pattern such as *.txt to search for.', true);
  search(pattern);
});
$('search').addEventListener('keydown', (event) => { if (event.key === 'Escape' && state.search !== null) show(); });
$('clear-search').addEventListener('click', () => { show().then(() => $('search').focus()); });

// The list's keys: the focused row is the "cursor".
$('entries').addEventListener('keydown', (event) => {
  const tr = event.target.closest('tr');
  if (!tr || event.target !== tr) return;
  const rows = [...$('entries').rows];
  const at = rows.indexOf(tr);
  const entry = state.shown.find((e) => e.path === tr.dataset.path);
  const move = (to) => { const next = rows[Math.max(0, Math.min(rows.length - 1, to))]; if (next) next.focus(); };
  const keys = {
    ArrowDown: () => move(at + 1), ArrowUp: () => move(at - 1), Home: () => move(0), End: () => move(rows.length - 1),
    Enter: () => open(entry),
    ' ': () => select(entry.path, !state.selected.has(entry.path)),
    Delete: () => removeEntries(chosen()),
    F2: () => renameEntry(entry),
  };
  const action = keys[event.key];
  if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  action();
});
// Backspace (outside a text field) or Alt+ArrowUp: the parent folder.
addEventListener('keydown', (event) => {
  const typing = event.target.matches && event.target.matches('input, textarea, select, dialog *');
  if (typing || location.hash === '#status') return;
  if ((event.key === 'Backspace' && !event.altKey) || (event.key === 'ArrowUp' && event.altKey)) {
    if (state.path === '/') return;
    event.preventDefault();
    state.focusNext = state.path;
    location.hash = '#' + encodePath(parentOf(state.path));
  }
});

// ---- uploads: one XMLHttpRequest per file (its upload progress is what fetch lacks),
// three at a time, each with its own bar and cancel.
const queue = [];
let running = 0;
const PARALLEL = 3;

function enqueue(items) {
  const folder = state.path;
  for (const { file, rel } of items) queue.push(uploadItem(file, rel, folder));
  pump();
}

function uploadItem(file, rel, folder) {
  const bar = el('progress', { max: Math.max(file.size, 1), value: 0 });
  bar.setAttribute('aria-label', 'Upload of ' + rel);
  const text = el('span', { className: 'progress-text', textContent: 'waiting' });
  const cancel = el('button', { type: 'button', className: 'cancel', textContent: 'Cancel' });
  cancel.setAttribute('aria-label', 'Cancel the upload of ' + rel);
  const li = el('li', {}, [el('span', { className: 'file', textContent: rel }), bar, text, cancel]);
  li.dataset.state = 'queued';
  $('uploads').append(li);
  const item = { file, rel, folder, li, bar, text, cancel, xhr: null };
  cancel.addEventListener('click', () => {
    if (li.dataset.state === 'queued') {
      queue.splice(queue.indexOf(item), 1);
      finish(item, 'cancelled', 'cancelled');
    } else if (item.xhr) item.xhr.abort();
  });
  return item;
}

function progress(item, loaded, total) {
  item.bar.max = Math.max(total, 1);
  item.bar.value = total === 0 ? 1 : loaded;
  item.text.textContent = size(loaded) + ' of ' + size(total) + ' (' + (total === 0 ? 100 : Math.floor((loaded / total) * 100)) + '%)';
}

function pump() {
  while (running < PARALLEL && queue.length) send(queue.shift());
  if (running === 0 && queue.length === 0 && $('uploads').querySelector('li[data-state=done]')) refresh();
}

function send(item) {
  running++;
  item.li.dataset.state = 'sending';
  progress(item, 0, item.file.size);
  const xhr = new XMLHttpRequest();
  item.xhr = xhr;
  // A file in a dropped folder brings its folders with it (?dirs=1 makes what is missing).
  xhr.open('PUT', url('files' + encodePath(join(item.folder, item.rel)) + (item.rel.includes('/') ? '?dirs=1' : '')));
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.addEventListener('progress', (event) => progress(item, event.loaded, event.lengthComputable ? event.total : item.file.size));
  xhr.addEventListener('load', () => {
    if (xhr.status < 300) {
      progress(item, item.file.size, item.file.size);
      return finish(item, 'done');
    }
    let problem;
    try { problem = JSON.parse(xhr.responseText); } catch { problem = { error: xhr.statusText }; }
    finish(item, 'failed', explain(xhr.status, problem.error));
  });
  xhr.addEventListener('error', () => finish(item, 'failed', explain(0)));
  xhr.addEventListener('abort', () => finish(item, 'cancelled', 'cancelled at ' + item.text.textContent));
  xhr.send(item.file);
}

function finish(item, outcome, words) {
  if (item.li.dataset.state === 'sending') running--;
  item.li.dataset.state = outcome;
  if (words) item.text.textContent = words;
  if (outcome === 'failed') say(item.rel + ': ' + words, true);
  if (outcome === 'done') say('Uploaded ' + item.rel);
  pump();
}

$('file').addEventListener('change', () => {
  enqueue([...$('file').files].map((file) => ({ file, rel: file.name })));
  $('file').value = '';
});
$('folder-input').addEventListener('change', () => {
  enqueue([...$('folder-input').files].map((file) => ({ file, rel: file.webkitRelativePath || file.name })));
  $('folder-input').value = '';
});

// Drag and drop: folders are walked through their entries, so their structure is kept.
async function collect(entry, prefix, out) {
  if (entry.isFile) {
    out.push({ file: await new Promise((resolve, reject) => entry.file(resolve, reject)), rel: prefix + entry.name });
  } else if (entry.isDirectory) {
    out.push({ folder: prefix + entry.name });
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await collect(child, prefix + entry.name + '/', out);
    }
  }
}
const drop = $('drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); event.dataTransfer.dropEffect = 'copy'; drop.classList.add('dropping'); });
drop.addEventListener('dragleave', (event) => { if (!drop.contains(event.relatedTarget)) drop.classList.remove('dropping'); });
drop.addEventListener('drop', async (event) => {
  event.preventDefault();
  drop.classList.remove('dropping');
  // Entries must be taken before the first await: the drop's data is gone after it.
  const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  const plain = [...event.dataTransfer.files];
  const found = [];
  try {
    if (entries.length) for (const entry of entries) await collect(entry, '', found);
    else for (const file of plain) found.push({ file, rel: file.name });
  } catch (error) {
    return say('Could not read what was dropped: ' + error.message, true);
  }
  // Folders first, so that empty ones are made too.
  for (const { folder } of found.filter((f) => f.folder)) {
    try { await call('POST', 'mkdir', join(state.path, folder)); } catch (error) { if (!/\(409\)$/.test(error.message)) return say(error.message, true); }
  }
  enqueue(found.filter((f) => f.file));
});

// ---- the status view (accounts with every right): server-sent events from /events
let events = null;
function figure(name, value) {
  return el('div', {}, [el('dt', { textContent: name }), el('dd', { textContent: String(value) })]);
}
function chart(points, stepMs) {
  const width = 300;
  const height = 100;
  const top = Math.max(1, ...points.map((p) => Math.max(p.in, p.out)));
  const x = (i) => points.length < 2 ? 0 : (i / (points.length - 1)) * width;
  const line = (key) => points.map((p, i) => x(i).toFixed(1) + ',' + (height - (p[key] / top) * (height - 4)).toFixed(1)).join(' ');
  const picture = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, preserveAspectRatio: 'none', role: 'img',
    'aria-label': 'Throughput over the last ' + Math.round((points.length * stepMs) / 60000) + ' minutes, peak ' + rate(top) });
  picture.append(svg('polyline', { class: 'in', points: line('in') }), svg('polyline', { class: 'out', points: line('out') }));
  const last = points[points.length - 1] || { in: 0, out: 0 };
  const legend = el('p', { className: 'legend' }, [
    el('span', { className: 'in', textContent: '■ in ' + rate(last.in) }), ' · ',
    el('span', { className: 'out', textContent: '■ out ' + rate(last.out) }), ' · peak ' + rate(top)]);
  $('chart').replaceChildren(picture, legend);
}
function transferRow(t) {
  const bar = el('progress', { max: t.total || 1, value: t.total ? t.bytes : 0 });
  bar.setAttribute('aria-label', t.direction + ' of ' + t.path);
  const words = t.total ? size(t.bytes) + ' of ' + size(t.total) + ' (' + Math.floor((t.bytes / t.total) * 100) + '%)' : size(t.bytes) + ' so far';
  if (!t.total) bar.removeAttribute('value');
  return el('tr', {}, [el('td', { textContent: t.user }), el('td', { textContent: t.direction }), el('td', { textContent: t.path }), el('td', {}, [bar, ' ', words])]);
}
function showFigures(f) {
  $('figures').replaceChildren(
    figure('FTP sessions now', f.sessions), figure('Sessions since start', f.sessionsTotal), figure('Logins', f.logins),
    figure('Failed logins', f.failedLogins), figure('Refused connections', f.refused), figure('Bans', f.bans),
    figure('Transfers done', f.transfers), figure('Transfers failed', f.failedTransfers), figure('Web requests', f.web.requests),
    figure('Received', size(f.bytes.in)), figure('Sent', size(f.bytes.out)));
  chart(f.throughput, f.throughputStepMs);
  $('active').replaceChildren(...(f.active.length ? f.active.map(transferRow) : [el('tr', {}, [el('td', { colSpan: 4, textContent: 'None' })])]));
}
function statusView(on) {
  $('status').hidden = !on;
  $('files').hidden = on;
  $('status-tab').toggleAttribute('aria-current', on);
  if (on) $('status-tab').setAttribute('aria-current', 'page');
  $('files-tab').toggleAttribute('aria-current', !on);
  if (!on) $('files-tab').setAttribute('aria-current', 'page');
  if (on && !events) {
    document.title = 'Status - FtpPy';
    events = new EventSource(url('events'));
    events.addEventListener('message', (event) => { say(''); showFigures(JSON.parse(event.data)); });
    events.addEventListener('error', () => say('The live figures are interrupted: reconnecting...', true));
  } else if (!on && events) {
    events.close();
    events = null;
  }
}

const current = () => {
  const raw = decodeURIComponent(location.hash.slice(1) || '/');
  return raw.startsWith('/') ? raw : '/' + raw;
};
function route() {
  if (location.hash === '#status') return statusView(true);
  statusView(false);
  $('files-tab').href = location.hash || '#/';
  show();
}

fetch(url('./'), { headers: { Accept: 'application/json' } }).then((r) => r.json()).then((status) => {
  $('who').textContent = (status.user.anonymous ? 'anonymous' : status.user.name) + ' · FtpPy ' + status.version;
  if (status.user.anonymous) $('who').append(' · ', el('a', { href: './?login=1', textContent: 'log in' }));
  $('status-tab').hidden = !Object.values(status.user.rights).every(Boolean);
}).catch(() => say('Could not ask the server who you are.', true));
addEventListener('hashchange', () => { say(''); route(); });
route();
`;
