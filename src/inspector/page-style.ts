// The inspector page's stylesheet. Layout: a table from 1280 px, one card per delivery below, so that nothing
// scrolls sideways from 360 px up. Ids wrap at any character; names, codes and times never break (they are
// shortened with an ellipsis instead, which only an absurdly long unknown topic needs). Colours meet WCAG AA
// (4.5:1 for text) in both themes, on the page and on the tints of failed and selected rows.

/**
 * Every state a badge can show, by kind, and the class it takes: the browser test checks that each one has a rule
 * here, so a new state cannot arrive unstyled.
 */
export const STATE_CLASSES = {
  verification: ['verified', 'failed', 'pending', 'not-reached'],
  dedup: [
    'new',
    'duplicate-delivery',
    'replayed-signature',
    'duplicate-event',
    'joined-a-copy-in-progress',
    'not-recorded',
  ],
  listeners: ['ok', 'failed', 'running', 'none'],
  answer: ['2xx', '4xx', '5xx'],
} as const;

export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1c1f; --muted: #575a61; --line: #d5d8dd; --panel: #f3f4f6;
  --ok: #1a6b2a; --ok-bg: #e3f3e6; --fail: #a3161a; --fail-bg: #fde8e7; --warn: #7a4a00; --warn-bg: #fdf0d9;
  --info: #1f4f9a; --info-bg: #e5eefb; --row-fail: #fdf1f0; --focus: #1f4f9a;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171b; --fg: #e9eaec; --muted: #a9adb5; --line: #3a3e46; --panel: #1f2227;
    --ok: #7fd48f; --ok-bg: #173320; --fail: #ff9c94; --fail-bg: #3d1a1a; --warn: #ffc46b; --warn-bg: #38290f;
    --info: #9cc0ff; --info-bg: #1a2a45; --row-fail: #2a1718; --focus: #9cc0ff;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, sans-serif; }
header { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; padding: .75rem 1rem;
  border-bottom: 1px solid var(--line); }
h1 { font-size: 1.05rem; margin: 0; }
main { padding: .75rem 1rem 2rem; }
#status { margin: 0; font-weight: 600; }
#status[data-state="live"] { color: var(--ok); }
#status[data-state="connecting"], #status[data-state="reconnecting"], #status[data-state="paused"] { color: var(--warn); }
.muted { color: var(--muted); }
.mono, .id, .time, .code, .event { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.time, .code, .name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%;
  display: inline-block; vertical-align: bottom; }
/* Every known topic fits; an unknown one as long as a paragraph is cut, whole in its tooltip. */
.name { max-width: 32ch; }
.event { display: block; }
.event > span { display: inline-block; white-space: nowrap; }
.id { overflow-wrap: anywhere; }
.toolbar { display: flex; flex-wrap: wrap; gap: .5rem .75rem; align-items: center; margin: 0 0 .75rem; }
.toolbar label { display: inline-flex; gap: .35rem; align-items: center; max-width: 100%; min-width: 0; }
.toolbar select { min-width: 0; max-width: 20rem; }
input, select, button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--muted);
  border-radius: 4px; padding: .2rem .45rem; max-width: 100%; }
input[type="checkbox"] { accent-color: var(--info); }
input[type="search"] { width: 16rem; }
button { cursor: pointer; }
button[aria-pressed="true"] { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; padding: 0 0 .4rem; color: var(--muted); }
th { text-align: left; font-weight: 600; padding: .35rem .35rem; border-bottom: 2px solid var(--line); }
td { text-align: left; vertical-align: top; padding: .4rem .35rem; }
tbody.group { border-top: 1px solid var(--line); }
tr.failed > td { background: var(--row-fail); }
tr.copy > td { border-top: 1px dashed var(--line); }
tr.detail > td { padding-top: 0; }
.sub { display: block; font-size: 12.5px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-weight: 600; font-size: 12.5px; }
.verification-verified, .listeners-ok, .answer-2xx, .dedup-new { background: var(--ok-bg); color: var(--ok); }
.verification-failed, .listeners-failed, .answer-4xx, .answer-5xx { background: var(--fail-bg); color: var(--fail); }
.verification-pending, .listeners-running, .dedup-joined-a-copy-in-progress { background: var(--warn-bg); color: var(--warn); }
.verification-not-reached, .dedup-not-recorded, .listeners-none { background: var(--panel); color: var(--muted); }
.dedup-duplicate-delivery, .dedup-replayed-signature, .dedup-duplicate-event { background: var(--info-bg); color: var(--info); }
.reason { color: var(--fail); font-weight: 600; margin: 0 0 .25rem; overflow-wrap: anywhere; }
.facts { margin: 0; display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .1rem .75rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.toggle { font-size: 12.5px; padding: 0 .4rem; white-space: nowrap; }
td.more .toggle { display: block; margin: 0 0 .3rem; }
.dedup .toggle { margin-top: .25rem; }
::placeholder { color: var(--muted); opacity: 1; }
#empty { padding: 1.5rem 0; color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* From 1280 px: a table; ids wrap, but not one character at a time. */
@media (min-width: 1280px) {
  td.resource { min-width: calc(16ch + 1rem); }
}
/* From 1600 px there is room for every event name on one line. */
@media (min-width: 1600px) {
  .event { white-space: nowrap; }
}
/* Below 1280 px: one card per delivery, its cells as labelled blocks that wrap; a name, a code or a time keeps its
   whole width (flex-shrink 0) up to the card's. */
@media (max-width: 1279.98px) {
  table, thead, tbody, tr, td, caption { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  tbody.group { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; overflow: hidden; }
  tr.delivery { display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: .5rem .6rem; }
  tr.delivery > td { padding: 0; min-width: 0; flex: 1 1 8rem; }
  tr.delivery > td.fit { flex: 1 0 auto; max-width: 100%; }
  tr.delivery > td.more { flex: 0 0 auto; margin-left: auto; align-self: end; }
  td.more .toggle { display: inline-block; margin: 0 0 0 .3rem; }
  .name { max-width: 100%; }
  tr.delivery > td::before { content: attr(data-label); display: block; font-size: 12px; color: var(--muted); }
  tr.failed > td, tr.failed { background: var(--row-fail); }
  tr.detail > td { padding: 0 .6rem .6rem; }
  input[type="search"] { width: 100%; }
  .toolbar label.search { flex: 1 1 14rem; }
}
`;
