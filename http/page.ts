// The file manager a browser gets at `/`: one self-contained page (no external assets,
// no framework) over the same JSON API a script uses. It lists a folder (folders first,
// then by name), navigates through `#/path` so the back button works, downloads,
// uploads through a multipart form and deletes. Names are set with textContent, never
// as HTML, since any user can choose a file name.

const STYLE = `
:root { font: 15px/1.4 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
#who { color: #5b6270; font-size: .9rem; }
nav { margin-bottom: .8rem; } nav a, nav span { margin-right: .3rem; }
table { width: 100%; border-collapse: collapse; background: #fff; box-shadow: 0 1px 2px #0002; }
th, td { text-align: left; padding: .45rem .7rem; border-bottom: 1px solid #e6e8ec; }
th { font-size: .8rem; text-transform: uppercase; color: #5b6270; }
td.size, th.size { text-align: right; font-variant-numeric: tabular-nums; }
td.perm { font-family: ui-monospace, monospace; color: #5b6270; }
a { color: #1a5fb4; text-decoration: none; } a:hover { text-decoration: underline; }
td.name a::before { content: ""; display: inline-block; width: .8em; height: .95em; margin-right: .5em; vertical-align: -.1em;
  border: 1px solid #8a93a3; border-radius: 1px 5px 1px 1px; background: #fff; }
tr.dir td.name a::before { width: 1em; height: .75em; border-color: #c8901a; border-radius: 2px; background: #f2c14e; }
button { font: inherit; cursor: pointer; border: 1px solid #c7cbd3; background: #fff; border-radius: 4px; padding: .2rem .6rem; }
button.delete { color: #b3261e; border-color: #e8b4b0; }
form { margin: 1rem 0; display: flex; gap: .6rem; align-items: center; }
#message { min-height: 1.4em; margin: .6rem 0; } #message.error { color: #b3261e; }
#empty { color: #5b6270; padding: 1rem .7rem; }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, children = []) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const encodePath = (path) => path.split('/').map(encodeURIComponent).join('/');
// Requests are built on the origin, not on location: a page opened as
// http://user:pass@host/ would pass the credentials on, and fetch() refuses such URLs.
const base = location.origin + location.pathname;
const url = (relative) => new URL(relative, base).href;
const current = () => {
  const raw = decodeURIComponent(location.hash.slice(1) || '/');
  return raw.startsWith('/') ? raw : '/' + raw;
};
const say = (text, error = false) => { $('message').textContent = text; $('message').className = error ? 'error' : ''; };
const size = (n) => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB'
  : n < 1073741824 ? (n / 1048576).toFixed(1) + ' MiB' : (n / 1073741824).toFixed(2) + ' GiB';

async function api(method, path, body, query = '') {
  const response = await fetch(url('files' + encodePath(path) + query), { method, body, headers: { Accept: 'application/json' } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ error: response.statusText }));
    throw new Error(problem.error + ' (' + response.status + ')');
  }
  return response.status === 204 ? null : response.json();
}

function crumbs(path) {
  const nav = $('crumbs');
  nav.replaceChildren(el('a', { href: '#/', textContent: 'root' }));
  let at = '';
  for (const name of path.split('/').filter(Boolean)) {
    at += '/' + name;
    nav.append(el('span', { textContent: '/' }), el('a', { href: '#' + encodePath(at), textContent: name }));
  }
}

function row(entry) {
  const link = entry.dir
    ? el('a', { href: '#' + encodePath(entry.path), textContent: entry.name })
    : el('a', { href: 'files' + encodePath(entry.path) + '?download=1', textContent: entry.name, download: entry.name });
  const remove = el('button', { className: 'delete', textContent: 'Delete', type: 'button' });
  remove.addEventListener('click', async () => {
    if (!confirm('Delete ' + entry.path + (entry.dir ? ' and everything in it' : '') + '?')) return;
    try {
      await api('DELETE', entry.path, undefined, entry.dir ? '?recursive=1' : '');
      say('Deleted ' + entry.path);
      await show();
    } catch (error) { say(error.message, true); }
  });
  const modified = entry.modified ? new Date(entry.modified).toLocaleString() : '';
  return el('tr', { className: entry.dir ? 'dir' : 'file' }, [
    el('td', { className: 'name' }, [link]),
    el('td', { className: 'size', textContent: entry.dir ? '' : size(entry.size) }),
    el('td', { className: 'modified', textContent: modified }),
    el('td', { className: 'perm', textContent: entry.permissions ?? '' }),
    el('td', {}, [remove]),
  ]);
}

async function show() {
  const path = current();
  crumbs(path);
  document.title = path + ' - FtpPy';
  try {
    const entries = await api('GET', path);
    entries.sort((a, b) => (b.dir - a.dir) || a.name.localeCompare(b.name));
    $('entries').replaceChildren(...entries.map(row));
    $('empty').hidden = entries.length > 0;
    document.body.dataset.state = 'ready';
  } catch (error) {
    $('entries').replaceChildren();
    say(error.message, true);
    document.body.dataset.state = 'error';
  }
}

$('upload').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('file');
  if (input.files.length === 0) return say('Choose a file first', true);
  const form = new FormData();
  for (const file of input.files) form.append('file', file, file.name);
  say('Uploading ' + input.files.length + ' file(s)...');
  try {
    const path = current();
    await api('POST', (path === '/' ? '' : path) + '/', form);
    say('Uploaded ' + [...input.files].map((f) => f.name).join(', '));
    input.value = '';
    await show();
  } catch (error) { say(error.message, true); }
});

fetch(url('./'), { headers: { Accept: 'application/json' } }).then((r) => r.json()).then((status) => {
  $('who').textContent = (status.user.anonymous ? 'anonymous' : status.user.name) + ' · FtpPy ' + status.version;
  if (status.user.anonymous) $('who').append(' · ', el('a', { href: './?login=1', textContent: 'log in' }));
}).catch(() => {});
addEventListener('hashchange', () => { say(''); show(); });
show();
`;

/** The page, with `nonce` allowing its own inline script and style and nothing else. */
export function managerPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FtpPy</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-state="loading">
<header><h1>FtpPy file manager</h1><span id="who"></span></header>
<nav id="crumbs"></nav>
<table>
<thead><tr><th>Name</th><th class="size">Size</th><th>Modified</th><th>Mode</th><th></th></tr></thead>
<tbody id="entries"></tbody>
</table>
<div id="empty" hidden>This folder is empty.</div>
<form id="upload"><input type="file" id="file" multiple><button type="submit">Upload</button></form>
<div id="message" role="status"></div>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

/** The policy that goes with the page: its own nonce, requests to its own origin, nothing else. */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
