// The inspector page's script, run in the browser. It follows the event stream (a snapshot, then each new or
// updated delivery), groups the copies of one change under the delivery that emitted it (the Webhook, then its
// IPN copy and resends, which the router deduplicated), and filters, pauses and clears the view. Every value that
// came with a delivery is set with textContent, never parsed as HTML.

export const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
const table = $('deliveries');
const statusEl = $('status');
const count = $('count');
const empty = $('empty');
const controls = { failed: $('failed-only'), channel: $('channel'), topic: $('topic'), search: $('search') };
const pauseButton = $('pause');
const max = Number(document.body.dataset.max);
const COLUMNS = 9;
const COPY_DEDUP = ['duplicate delivery', 'replayed signature', 'duplicate event', 'joined a copy in progress'];
const CONNECTION_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };
const NOT_RECORDED = 'failed deliveries are not remembered: Mercado Pago retries them and the retry runs again';

const entries = new Map(); // id -> entry
const rootOf = new Map(); // id -> id of the delivery whose group it is in
const groups = new Map(); // root id -> { tbody, copies: [ids], expanded }
const detailsChoice = new Map(); // id -> whether the user opened (true) or closed (false) its details
let clearedUpTo = 0;
let connection = 'connecting';
let paused = false;
let queue = [];

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
const slug = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-');
const pad = (n, width) => String(n).padStart(width, '0');
function timeOf(iso) {
  const d = new Date(iso);
  return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) + '.' + pad(d.getMilliseconds(), 3);
}
const isCopy = (entry) => COPY_DEDUP.includes(entry.dedup);
function isFailed(entry) {
  return entry.verification.status === 'failed' || (entry.answer !== undefined && entry.answer.status >= 400) ||
    (entry.processed !== undefined && entry.processed.error !== undefined) ||
    (entry.listeners !== undefined && entry.listeners.status === 'failed');
}
const answerClass = (status) => (status < 300 ? '2xx' : status < 500 ? '4xx' : '5xx');
/** Why it failed, in one sentence: listener failures first, whose messages the generic answer only points to. */
function reasonOf(entry) {
  if (entry.listeners && entry.listeners.failures.length > 0) return entry.listeners.failures.join('; ');
  if (entry.verification.reason) return entry.verification.reason;
  if (entry.answer && entry.answer.error) return entry.answer.error.message;
  if (entry.processed && entry.processed.error) return entry.processed.error.message;
  return undefined;
}

function cell(row, label, className) {
  const td = el('td', undefined, className);
  td.dataset.label = label;
  row.appendChild(td);
  return td;
}
function sub(td, text, className) {
  const node = el('span', text, 'sub' + (className ? ' ' + className : ''));
  td.appendChild(node);
  return node;
}
function badge(td, text, kind, state, extra) {
  const node = el('span', text, 'badge ' + kind + '-' + state + (extra ? ' ' + extra : ''));
  td.appendChild(node);
  return node;
}

/** An event name that may wrap after its dot (two unbreakable parts: "payment." "approved"), and nowhere else. */
function eventName(name) {
  const node = el('span', undefined, 'event');
  const dot = name.indexOf('.');
  node.append(el('span', name.slice(0, dot + 1)), el('span', name.slice(dot + 1)));
  node.title = name;
  return node;
}

function renderRow(entry, group) {
  const row = el('tr', undefined, 'delivery' + (isFailed(entry) ? ' failed' : '') + (rootOf.get(entry.id) !== entry.id ? ' copy' : ''));
  row.dataset.id = String(entry.id);
  const time = el('time', timeOf(entry.receivedAt), 'time');
  time.dateTime = entry.receivedAt;
  time.title = new Date(entry.receivedAt).toString();
  cell(row, 'Time', 'fit').appendChild(time);

  const delivery = cell(row, 'Delivery', 'fit');
  const topic = el('span', entry.topic || '-', 'name');
  topic.title = entry.topic || '';
  delivery.appendChild(topic);
  sub(delivery, (entry.channel || 'not a delivery') + (entry.action ? ' · ' + entry.action : ''), 'muted');

  const resource = cell(row, 'Resource', 'resource');
  resource.appendChild(el('span', entry.resourceId || '-', 'id'));
  if (entry.requestId) {
    const short = entry.requestId.length > 12 ? entry.requestId.slice(0, 8) + '…' : entry.requestId;
    sub(resource, 'x-request-id ' + short, 'muted id').title = entry.requestId;
  }
  if (entry.retry !== undefined) sub(resource, 'x-retry ' + entry.retry, 'muted');

  const v = entry.verification;
  const verification = cell(row, 'Verification', 'verification');
  badge(verification, v.status, 'verification', slug(v.status));
  if (v.by) sub(verification, 'by ' + v.by, 'muted');
  if (v.matched) sub(verification, 'secret #' + v.matched.secret + (v.matched.idCasing === 'lowercased' ? ', data.id lowercased' : ''), 'muted');

  const dedup = cell(row, 'Dedup', 'dedup');
  if (entry.dedup) badge(dedup, entry.dedup, 'dedup', slug(entry.dedup));
  else if (isFailed(entry) && entry.verification.status !== 'not reached') badge(dedup, 'not recorded', 'dedup', 'not-recorded').title = NOT_RECORDED;
  else dedup.appendChild(el('span', '—', 'muted'));
  if (group && group.copies.length > 0) {
    const n = group.copies.length;
    const copies = el('button', (group.expanded ? 'hide ' : '+') + n + (n === 1 ? ' copy' : ' copies'), 'toggle sub');
    copies.type = 'button';
    copies.dataset.toggle = 'copies';
    copies.dataset.for = String(entry.id);
    copies.setAttribute('aria-expanded', String(group.expanded));
    copies.setAttribute('aria-label', (group.expanded ? 'Hide ' : 'Show ') + n + (n === 1 ? ' copy' : ' copies') + ' of this change');
    dedup.appendChild(copies);
  }

  const events = cell(row, 'Event', 'fit');
  if (entry.events.length === 0) events.appendChild(el('span', '—', 'muted'));
  for (const name of entry.events) events.appendChild(eventName(name));

  const listeners = cell(row, 'Listeners');
  const l = entry.listeners;
  if (l === undefined) listeners.appendChild(el('span', '—', 'muted'));
  else if (l.count === 0) badge(listeners, 'no listener', 'listeners', 'none');
  else badge(listeners, l.count + ' ran: ' + l.status, 'listeners', l.status);

  const answer = cell(row, 'Answer', 'fit');
  if (entry.answer) {
    badge(answer, entry.answer.status, 'answer', answerClass(entry.answer.status), 'code');
    sub(answer, 'in ' + entry.answer.ms + ' ms', 'muted');
    if (entry.answer.error) sub(answer, entry.answer.error.code, 'code answer-error');
    if (entry.answer.beforeProcessing) sub(answer, 'answered before processing', 'muted');
  }
  if (entry.processed) {
    sub(answer, 'processed in ' + entry.processed.ms + ' ms', 'muted');
    if (entry.processed.error) sub(answer, entry.processed.error.code, 'code answer-error');
  }

  const actions = cell(row, '', 'fit more');
  const open = detailsOpen(entry);
  const details = el('button', open ? 'Hide' : 'Details', 'toggle');
  details.type = 'button';
  details.dataset.toggle = 'details';
  details.dataset.for = String(entry.id);
  details.setAttribute('aria-expanded', String(open));
  details.setAttribute('aria-label', (open ? 'Hide' : 'Show') + ' the details of delivery ' + entry.id);
  details.setAttribute('aria-controls', 'detail-' + entry.id);
  actions.appendChild(details);
  return row;
}

function detailsOpen(entry) {
  return detailsChoice.has(entry.id) ? detailsChoice.get(entry.id) : isFailed(entry);
}

function fact(list, term, value) {
  list.appendChild(el('dt', term));
  list.appendChild(el('dd', value, 'mono'));
}

function renderDetail(entry) {
  const row = el('tr', undefined, 'detail' + (isFailed(entry) ? ' failed' : ''));
  row.id = 'detail-' + entry.id;
  row.dataset.detailOf = String(entry.id);
  const td = el('td');
  td.colSpan = COLUMNS;
  const reason = reasonOf(entry);
  if (reason !== undefined) td.appendChild(el('p', reason, 'reason'));
  const facts = el('dl', undefined, 'facts');
  const s = entry.signature;
  if (s) {
    fact(facts, 'x-signature', 'ts ' + s.ts + ' (' + s.ageSeconds + ' s old on arrival), v1 ' + s.v1Prefix + '…' + (s.hashes > 1 ? ' (+' + (s.hashes - 1) + ' more)' : ''));
    fact(facts, 'signed text', s.manifest);
  } else {
    fact(facts, 'x-signature', entry.channel === 'ipn' ? 'none (IPN is never signed)' : 'none that parses');
  }
  if (entry.requestId) fact(facts, 'x-request-id', entry.requestId);
  if (entry.retry !== undefined) fact(facts, 'x-retry', String(entry.retry));
  if (entry.listeners) for (const failure of entry.listeners.failures) fact(facts, 'listener error', failure);
  td.appendChild(facts);
  row.appendChild(td);
  return row;
}

function renderGroup(rootId) {
  const group = groups.get(rootId);
  const root = entries.get(rootId);
  if (!group || !root) return;
  const parts = [renderRow(root, group), renderDetail(root)];
  for (const id of group.copies) {
    const copy = entries.get(id);
    if (copy) parts.push(renderRow(copy), renderDetail(copy));
  }
  group.tbody.replaceChildren(...parts);
}

function insertGroup(id) {
  const tbody = el('tbody', undefined, 'group');
  tbody.dataset.root = String(id);
  groups.set(id, { tbody, copies: [], expanded: false });
  const newer = [...table.tBodies].find((other) => Number(other.dataset.root) < id);
  table.insertBefore(tbody, newer || null);
}

/** A copy joins the latest earlier delivery of its resource that is not a copy itself. */
function assignGroup(entry) {
  let root;
  if (isCopy(entry) && entry.resourceId !== undefined) {
    for (const [id, group] of groups) {
      const candidate = entries.get(id);
      if (id < entry.id && candidate && candidate.resourceId === entry.resourceId && (root === undefined || id > root)) root = id;
    }
  }
  if (root === undefined) {
    rootOf.set(entry.id, entry.id);
    insertGroup(entry.id);
  } else {
    rootOf.set(entry.id, root);
    groups.get(root).copies.push(entry.id);
  }
}

function dropOldest() {
  while (entries.size > max && groups.size > 0) {
    const oldest = Math.min(...groups.keys());
    const group = groups.get(oldest);
    for (const id of [oldest, ...group.copies]) {
      entries.delete(id);
      rootOf.delete(id);
    }
    group.tbody.remove();
    groups.delete(oldest);
  }
}

function apply(entry) {
  if (entry.id <= clearedUpTo) return;
  const known = entries.has(entry.id);
  entries.set(entry.id, entry);
  if (!known) assignGroup(entry);
  renderGroup(rootOf.get(entry.id));
  dropOldest();
}

function matches(entry) {
  if (controls.failed.checked && !isFailed(entry)) return false;
  if (controls.channel.value && entry.channel !== controls.channel.value) return false;
  if (controls.topic.value && entry.topic !== controls.topic.value) return false;
  const text = controls.search.value.trim().toLowerCase();
  if (!text) return true;
  const haystack = [entry.topic, entry.action, entry.channel, entry.resourceId, entry.requestId, entry.dedup,
    entry.verification.status, reasonOf(entry), entry.answer && entry.answer.error && entry.answer.error.code,
    ...entry.events].filter(Boolean).join(' ').toLowerCase();
  return haystack.includes(text);
}
const filtering = () => controls.failed.checked || controls.channel.value !== '' || controls.topic.value !== '' || controls.search.value.trim() !== '';

function refresh() {
  const active = filtering();
  let shown = 0;
  for (const [rootId, group] of groups) {
    let any = false;
    for (const row of group.tbody.querySelectorAll('tr.delivery')) {
      const id = Number(row.dataset.id);
      const entry = entries.get(id);
      const visible = matches(entry) && (id === rootId || group.expanded || active);
      row.hidden = !visible;
      const detail = group.tbody.querySelector('[data-detail-of="' + id + '"]');
      if (detail) detail.hidden = !visible || !detailsOpen(entry);
      if (visible) { shown++; any = true; }
    }
    group.tbody.hidden = !any;
  }
  const topics = [...new Set([...entries.values()].map((entry) => entry.topic).filter(Boolean))].sort();
  const selected = controls.topic.value;
  controls.topic.replaceChildren(el('option', 'all topics'), ...topics.map((topic) => el('option', topic)));
  controls.topic.options[0].value = '';
  controls.topic.value = topics.includes(selected) ? selected : '';
  count.textContent = entries.size === 0 ? 'none yet' : shown + ' shown of ' + entries.size + ' (the server keeps the last ' + max + ')';
  empty.hidden = shown > 0;
  empty.textContent = entries.size === 0
    ? 'No delivery yet. Send one (for example with npx mercadopago-notifications trigger payment.approved --url …) and it appears here.'
    : 'No delivery matches the filters.';
}

function showStatus() {
  const text = paused
    ? 'paused, ' + queue.length + ' update(s) waiting' + (connection === 'live' ? '' : ' (' + CONNECTION_TEXT[connection] + ')')
    : CONNECTION_TEXT[connection];
  statusEl.textContent = text;
  statusEl.dataset.state = paused ? 'paused' : connection;
}

function receive(item) {
  if (paused) {
    if (item.snapshot) queue = [item];
    else queue.push(item);
    showStatus();
    return;
  }
  handle(item);
  refresh();
}
function handle(item) {
  if (item.snapshot) {
    entries.clear();
    rootOf.clear();
    for (const group of groups.values()) group.tbody.remove();
    groups.clear();
    for (const entry of item.snapshot) apply(entry);
  } else {
    apply(item.entry);
  }
}

table.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-toggle]');
  if (!button) return;
  const id = Number(button.dataset.for);
  if (button.dataset.toggle === 'details') detailsChoice.set(id, !detailsOpen(entries.get(id)));
  else groups.get(id).expanded = !groups.get(id).expanded;
  renderGroup(rootOf.get(id));
  refresh();
  const again = table.querySelector('button[data-toggle="' + button.dataset.toggle + '"][data-for="' + id + '"]');
  if (again) again.focus();
});
for (const control of Object.values(controls)) control.addEventListener('input', refresh);
// Enter in the search field must not submit (and reload) the page.
document.querySelector('form.toolbar').addEventListener('submit', (event) => event.preventDefault());
pauseButton.addEventListener('click', () => {
  paused = !paused;
  pauseButton.setAttribute('aria-pressed', String(paused));
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  if (!paused) {
    for (const item of queue) handle(item);
    queue = [];
    refresh();
  }
  showStatus();
});
$('clear').addEventListener('click', () => {
  const ids = [...entries.keys(), ...queue.flatMap((item) => (item.snapshot ? item.snapshot : [item.entry]).map((entry) => entry.id))];
  clearedUpTo = Math.max(clearedUpTo, ...ids);
  queue = [];
  handle({ snapshot: [] });
  refresh();
  showStatus();
});

function connect() {
  const source = new EventSource(document.body.dataset.events);
  source.addEventListener('open', () => { connection = 'live'; showStatus(); });
  source.addEventListener('error', () => { connection = 'reconnecting'; showStatus(); });
  source.addEventListener('snapshot', (message) => receive({ snapshot: JSON.parse(message.data) }));
  source.addEventListener('entry', (message) => receive({ entry: JSON.parse(message.data) }));
}
refresh();
connect();
`;
