/** What the page needs to know when it is served. */
export interface InspectorPageOptions {
  /** Absolute path of the server-sent events stream. */
  readonly eventsPath: string;
  /** Nonce that lets the inline style and script run under the page's Content-Security-Policy. */
  readonly nonce: string;
  /** How many deliveries the server keeps. */
  readonly max: number;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const STYLE = `
:root { color-scheme: light dark; --fail: #c62828; --ok: #2e7d32; --warn: #b26a00; --muted: #777; }
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid #8884; }
h1 { font-size: 15px; margin: 0; }
#status { font-weight: 600; }
#status[data-state="live"] { color: var(--ok); }
#status[data-state="reconnecting"] { color: var(--warn); }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35em .6em; vertical-align: top; border-bottom: 1px solid #8882; }
th { position: sticky; top: 0; background: Canvas; font-weight: 600; }
td.mono, .mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
tr.error td { background: #c628281a; }
.badge { display: inline-block; padding: 0 .4em; border-radius: 3px; font-weight: 600; }
.verified { color: var(--ok); } .failed { color: var(--fail); } .pending, .running { color: var(--warn); }
tr.detail td { border-bottom: 1px solid #8884; padding-top: 0; }
.reason { color: var(--fail); font-weight: 600; }
#empty { padding: 2em 1em; }
`;

/**
 * Runs in the browser. Renders every delivery-provided value with textContent (never as HTML), and upserts
 * rows by id as the stream sends new and updated entries.
 */
const SCRIPT = `
'use strict';
const rows = document.getElementById('rows');
const status = document.getElementById('status');
const count = document.getElementById('count');
const empty = document.getElementById('empty');
const max = Number(document.body.dataset.max);
const entries = new Map();

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
function cell(row, text, className) {
  const td = el('td', text, className);
  row.appendChild(td);
  return td;
}
function line(td, text, className) {
  td.appendChild(el('div', text, className));
}
function time(iso) {
  const date = new Date(iso);
  return date.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}
function failed(entry) {
  return entry.verification.status === 'failed' || (entry.answer && entry.answer.status >= 400);
}
function render(entry) {
  const row = el('tr');
  row.dataset.id = String(entry.id);
  if (failed(entry)) row.className = 'error';
  cell(row, time(entry.receivedAt), 'mono');
  cell(row, entry.channel || '-');
  const topic = cell(row, entry.topic || '-');
  if (entry.action) line(topic, entry.action, 'muted');
  const resource = cell(row, entry.resourceId || '-', 'mono');
  if (entry.requestId) line(resource, 'x-request-id ' + entry.requestId, 'muted');
  if (entry.retry !== undefined) line(resource, 'x-retry ' + entry.retry, 'muted');
  const verification = cell(row, '');
  verification.appendChild(el('span', entry.verification.status, 'badge ' + entry.verification.status.replace(' ', '-')));
  if (entry.verification.by) line(verification, 'by ' + entry.verification.by, 'muted');
  const matched = entry.verification.matched;
  if (matched) line(verification, 'secret #' + matched.secret + (matched.idCasing === 'lowercased' ? ', data.id lowercased' : ''), 'muted');
  cell(row, entry.dedup || '-');
  cell(row, entry.events.length > 0 ? entry.events.join(', ') : '-', 'mono');
  const listeners = cell(row, '');
  if (entry.listeners) {
    const l = entry.listeners;
    listeners.appendChild(el('span', l.count + ' ran: ' + l.status, l.status === 'failed' ? 'failed' : l.status));
    for (const failure of l.failures) line(listeners, failure, 'failed');
  } else {
    listeners.textContent = '-';
  }
  const answer = cell(row, '');
  if (entry.answer) {
    answer.appendChild(el('span', entry.answer.status + ' in ' + entry.answer.ms + ' ms', entry.answer.status >= 400 ? 'failed' : ''));
    if (entry.answer.beforeProcessing) line(answer, 'answered before processing', 'muted');
    if (entry.answer.error) line(answer, entry.answer.error.code, 'failed mono');
  }
  if (entry.processed) {
    line(answer, 'processed in ' + entry.processed.ms + ' ms', 'muted');
    if (entry.processed.error) line(answer, entry.processed.error.code, 'failed mono');
  }
  const details = [];
  if (entry.verification.reason) details.push(['reason', entry.verification.reason]);
  else if (entry.answer && entry.answer.error) details.push(['reason', entry.answer.error.message]);
  if (entry.processed && entry.processed.error) details.push(['reason', entry.processed.error.message]);
  if (entry.signature) {
    const s = entry.signature;
    details.push(['signature', 'x-signature: ts ' + s.ts + ' (' + s.ageSeconds + ' s old on arrival), v1 ' + s.v1Prefix + '…' +
      (s.hashes > 1 ? ' (+' + (s.hashes - 1) + ' more)' : '') + ', signed text ' + s.manifest]);
  }
  const group = document.createDocumentFragment();
  group.appendChild(row);
  if (details.length > 0) {
    const detail = el('tr', undefined, 'detail' + (failed(entry) ? ' error' : ''));
    detail.dataset.detailOf = String(entry.id);
    const td = cell(detail, '');
    td.colSpan = 9;
    for (const [kind, text] of details) line(td, text, kind === 'reason' ? 'reason' : 'mono muted');
    group.appendChild(detail);
  }
  return group;
}
function upsert(entry) {
  entries.set(entry.id, entry);
  for (const old of rows.querySelectorAll('[data-id="' + entry.id + '"], [data-detail-of="' + entry.id + '"]')) old.remove();
  const newer = [...rows.querySelectorAll('tr[data-id]')].find((row) => Number(row.dataset.id) < entry.id);
  rows.insertBefore(render(entry), newer || null);
  while (entries.size > max) {
    const oldest = Math.min(...entries.keys());
    entries.delete(oldest);
    for (const old of rows.querySelectorAll('[data-id="' + oldest + '"], [data-detail-of="' + oldest + '"]')) old.remove();
  }
  count.textContent = entries.size + ' of the last ' + max + ' deliveries, newest first';
  empty.hidden = entries.size > 0;
}
function connect() {
  const source = new EventSource(document.body.dataset.events);
  source.addEventListener('open', () => { status.textContent = 'live'; status.dataset.state = 'live'; });
  source.addEventListener('error', () => { status.textContent = 'reconnecting…'; status.dataset.state = 'reconnecting'; });
  source.addEventListener('snapshot', (message) => {
    entries.clear();
    rows.replaceChildren();
    for (const entry of JSON.parse(message.data)) upsert(entry);
    if (entries.size === 0) { count.textContent = ''; empty.hidden = false; }
  });
  source.addEventListener('entry', (message) => upsert(JSON.parse(message.data)));
}
connect();
`;

/** The inspector page: self-contained (no external resource), filled and updated by the event stream. */
export function renderInspectorPage({ eventsPath, nonce, max }: InspectorPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mercado Pago delivery inspector</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-events="${escapeHtml(eventsPath)}" data-max="${max}">
<header>
<h1>Mercado Pago delivery inspector</h1>
<span id="status" data-state="connecting">connecting…</span>
<span id="count" class="muted"></span>
</header>
<table>
<thead><tr><th>Time</th><th>Channel</th><th>Topic</th><th>Resource id</th><th>Verification</th><th>Dedup</th><th>Events</th><th>Listeners</th><th>Answer</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<p id="empty" class="muted">No delivery yet. Send one (for example with <code>npx mercadopago-notifications trigger</code>) and it appears here.</p>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
