import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

// The file manager a browser gets at `/`: one self-contained page (no external assets,
// no framework) over the same JSON API a script uses, plus the calls made for it
// (/mkdir, /move, /zip, /search, /events). The style is page-style.ts, the behaviour
// page-script.ts; this file is the markup. Names are set with textContent, never as HTML,
// since any user can choose a file name.

/** The page, with `nonce` allowing its own inline script and style and nothing else. */
export function managerPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FtpPy</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body data-state="loading">
<header>
<h1>FtpPy file manager</h1>
<nav id="views" aria-label="Views"><span id="who"></span><a href="#/" id="files-tab">Files</a><a href="#status" id="status-tab" hidden>Status</a></nav>
</header>
<section id="files" aria-label="Files">
<div class="toolbar" role="toolbar" aria-label="Actions">
<button type="button" id="new-folder">New folder</button>
<label class="button picker">Upload files<input type="file" id="file" multiple></label>
<label class="button picker">Upload a folder<input type="file" id="folder-input" webkitdirectory multiple></label>
<a class="button" id="zip" href="zip/" download>Download ZIP</a>
<button type="button" id="rename">Rename</button>
<button type="button" id="move">Move</button>
<button type="button" id="delete" class="danger">Delete</button>
<form role="search" id="search-form"><label for="search" class="sr-only">Search in this folder and below</label>
<input type="search" id="search" placeholder="Search here and below (*.txt)"><button type="submit">Search</button><button type="button" id="clear-search" hidden>Clear search</button></form>
</div>
<nav id="crumbs" aria-label="Folder path"></nav>
<main id="drop">
<table>
<caption class="sr-only" id="caption"></caption>
<thead><tr>
<th class="check"><input type="checkbox" id="select-all" aria-label="Select everything listed"></th>
<th class="name" aria-sort="ascending"><button type="button" id="sort-name">Name</button></th>
<th class="size" aria-sort="none"><button type="button" id="sort-size">Size</button></th>
<th class="modified" aria-sort="none"><button type="button" id="sort-modified">Modified</button></th>
<th class="perm">Mode</th><th class="actions"><span class="sr-only">Actions</span></th>
</tr></thead>
<tbody id="entries"></tbody>
</table>
<div id="empty" hidden>This folder is empty.</div>
</main>
<p id="hint">Drop files or folders on the list to upload them. Keys: arrows move, Space selects, Enter opens, F2 renames, Delete deletes, Backspace goes up.</p>
<ul id="uploads" aria-label="Uploads"></ul>
</section>
<section id="status" aria-labelledby="status-title" hidden>
<h2 id="status-title">Server status</h2>
<dl id="figures"></dl>
<h2>Throughput, last minutes</h2>
<div id="chart"></div>
<h2>Transfers under way (web)</h2>
<table><thead><tr><th>User</th><th>Direction</th><th>Path</th><th>Progress</th></tr></thead><tbody id="active"></tbody></table>
</section>
<div id="message" role="status" aria-live="polite"></div>
<dialog id="ask" aria-labelledby="ask-text">
<form method="dialog" id="ask-form">
<p id="ask-text"></p>
<div id="ask-field"><label for="ask-input" id="ask-label"></label><input type="text" id="ask-input" autocomplete="off"></div>
<div class="buttons"><button value="ok" id="ask-ok">OK</button><button value="cancel" id="ask-cancel" formnovalidate>Cancel</button></div>
</form>
</dialog>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
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
