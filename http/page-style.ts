// The file manager's look: one stylesheet, no external asset. Phones (under 40rem) get
// one column of actions and the name and size columns only.

export const PAGE_STYLE = `
:root { font: 15px/1.4 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0 auto; max-width: 72rem; padding: 1.2rem; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: .4rem 1rem; }
h1 { font-size: 1.3rem; margin: 0 0 .6rem; }
h2 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
#who { color: #5b6270; font-size: .9rem; }
#views a { margin-left: .8rem; } #views a[aria-current="page"] { font-weight: 600; color: #1d2330; }
nav#crumbs { margin: .6rem 0; overflow-wrap: anywhere; } nav#crumbs a, nav#crumbs span { margin-right: .3rem; }
a { color: #1a5fb4; text-decoration: none; } a:hover { text-decoration: underline; }
:focus-visible { outline: 3px solid #3584e4; outline-offset: 1px; }
button, .button, input[type=search], input[type=text] { font: inherit; border: 1px solid #c7cbd3; background: #fff; border-radius: 4px; padding: .3rem .7rem; color: inherit; }
button, .button { cursor: pointer; display: inline-block; }
button.danger { color: #b3261e; border-color: #e8b4b0; }
.toolbar { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
.toolbar .picker input { position: absolute; width: 1px; height: 1px; opacity: 0; }
.toolbar .picker:focus-within { outline: 3px solid #3584e4; }
form[role=search] { display: flex; gap: .4rem; margin-left: auto; }
form[role=search] input { width: 14rem; max-width: 100%; }
main { position: relative; margin-top: .7rem; }
main.dropping::after { content: "Drop to upload here"; position: absolute; inset: 0; display: grid; place-items: center;
  background: #1a5fb4cc; color: #fff; font-size: 1.3rem; border-radius: 6px; }
table { width: 100%; border-collapse: collapse; background: #fff; box-shadow: 0 1px 2px #0002; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e6e8ec; }
th { font-size: .8rem; text-transform: uppercase; color: #5b6270; }
th button { border: 0; background: none; padding: 0; font: inherit; text-transform: inherit; color: inherit; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
td.size, th.size { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.perm { font-family: ui-monospace, monospace; color: #5b6270; }
td.name { overflow-wrap: anywhere; }
td.check, th.check { width: 2rem; }
td.actions { white-space: nowrap; text-align: right; } td.actions button { padding: .1rem .5rem; font-size: .85rem; }
tbody tr:focus { outline: 3px solid #3584e4; outline-offset: -3px; }
tr.selected { background: #e8f0fc; }
td.name a::before { content: ""; display: inline-block; width: .8em; height: .95em; margin-right: .5em; vertical-align: -.1em;
  border: 1px solid #8a93a3; border-radius: 1px 5px 1px 1px; background: #fff; }
tr.dir td.name a::before { width: 1em; height: .75em; border-color: #c8901a; border-radius: 2px; background: #f2c14e; }
#empty { color: #5b6270; padding: 1rem .6rem; }
#hint { color: #5b6270; font-size: .85rem; margin: .4rem 0; }
#message { min-height: 1.4em; margin: .6rem 0; } #message.error { color: #b3261e; font-weight: 600; }
#uploads { list-style: none; padding: 0; margin: .6rem 0; display: grid; gap: .3rem; }
#uploads li { display: grid; grid-template-columns: minmax(6rem, 1fr) 10rem auto auto; gap: .6rem; align-items: center; background: #fff; padding: .3rem .6rem; border-radius: 4px; }
#uploads .file { overflow-wrap: anywhere; } #uploads progress { width: 100%; }
#uploads li[data-state=failed] .progress-text { color: #b3261e; }
#uploads li[data-state=done] .cancel, #uploads li[data-state=failed] .cancel, #uploads li[data-state=cancelled] .cancel { visibility: hidden; }
dialog { border: 1px solid #c7cbd3; border-radius: 6px; padding: 1rem 1.2rem; max-width: min(30rem, 92vw); }
dialog::backdrop { background: #0005; }
dialog label { display: block; margin-bottom: .3rem; } dialog input { width: 100%; }
dialog .buttons { display: flex; flex-direction: row-reverse; gap: .5rem; margin-top: 1rem; }
#figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .5rem; margin: 0; }
#figures div { background: #fff; padding: .5rem .7rem; border-radius: 4px; box-shadow: 0 1px 2px #0002; }
#figures dt { font-size: .8rem; color: #5b6270; } #figures dd { margin: 0; font-size: 1.3rem; font-variant-numeric: tabular-nums; }
#chart { background: #fff; padding: .5rem; border-radius: 4px; box-shadow: 0 1px 2px #0002; }
#chart svg { width: 100%; height: 9rem; display: block; }
#chart .in { stroke: #26a269; } #chart .out { stroke: #1a5fb4; }
#chart polyline { fill: none; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.legend { font-size: .85rem; color: #5b6270; } .legend .in { color: #26a269; } .legend .out { color: #1a5fb4; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 40rem) {
  body { padding: .7rem; }
  th.modified, td.modified, th.perm, td.perm { display: none; }
  form[role=search] { margin-left: 0; width: 100%; } form[role=search] input { flex: 1; width: auto; }
  th, td { padding: .4rem .35rem; }
  td.actions button { padding: .1rem .3rem; }
  #uploads li { grid-template-columns: 1fr auto; } #uploads progress { grid-column: 1 / -1; grid-row: 2; }
}
`;
