import { SCRIPT } from './page-script.js';
import { STYLE } from './page-style.js';

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

/**
 * The inspector page: self-contained (no external resource), filled and updated by the event stream. One row per
 * delivery with its details folded (open on a failure), copies grouped under the delivery they repeat, filters,
 * pause and clear; the connection state is announced in a status region.
 */
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
<p id="status" role="status" aria-live="polite" data-state="connecting">connecting…</p>
</header>
<main>
<form class="toolbar" role="search" aria-label="Filter deliveries">
<label><input type="checkbox" id="failed-only"> Failed only</label>
<label>Channel <select id="channel"><option value="">all channels</option><option value="webhook">webhook</option><option value="ipn">ipn</option><option value="wallet_connect">wallet_connect</option></select></label>
<label>Topic <select id="topic"><option value="">all topics</option></select></label>
<label class="search">Search <input type="search" id="search" placeholder="event, resource id, x-request-id, code"></label>
<button type="button" id="pause" aria-pressed="false">Pause</button>
<button type="button" id="clear">Clear</button>
</form>
<table id="deliveries">
<caption>Deliveries, newest first, copies under the delivery they repeat: <span id="count">none yet</span></caption>
<thead><tr><th scope="col">Time</th><th scope="col">Delivery</th><th scope="col">Resource</th><th scope="col">Verification</th><th scope="col">Dedup</th><th scope="col">Event</th><th scope="col">Listeners</th><th scope="col">Answer</th><th scope="col"><span class="visually-hidden">More</span></th></tr></thead>
</table>
<p id="empty">No delivery yet.</p>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
