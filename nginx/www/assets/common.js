// Shared by the browser pages (sse-test.html, status.html, index.html): the bearer-token field,
// requests to this origin with that token, GET /mcp/stats, and small DOM and formatting helpers.
// Everything goes to the page's own origin; nothing is loaded from anywhere else.

const TOKEN_KEY = 'shop-mcp.token';

// The token typed into a page, kept for this browser tab only (sessionStorage), so the other page
// opened in the same tab uses it too. Empty when none.
export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

// Binds an <input> to the stored token: shows it, saves every change.
export function bindTokenField(input) {
  input.value = token();
  input.addEventListener('input', () => {
    const v = input.value.trim();
    try {
      if (v) sessionStorage.setItem(TOKEN_KEY, v);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage refused (private mode): the field still works for this page.
    }
  });
}

// Headers for a request to the server: `extra`, plus Authorization when a token is set.
export function headers(extra = {}) {
  const h = { ...extra };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

// An HTTP error with the server's own message when its body is one of our JSON error shapes
// ({"error":{"code","message"}} or a JSON-RPC error).
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function httpError(res) {
  let detail = '';
  try {
    const body = await res.text();
    try {
      const j = JSON.parse(body);
      detail = j?.error?.message || '';
    } catch {
      detail = body.trim().slice(0, 200);
    }
  } catch {
    // The body could not be read; the status alone says enough.
  }
  let hint = '';
  if (res.status === 401) hint = ' (set the bearer token the server was started with)';
  if (res.status === 403) hint = ' (the server does not accept this page\'s Host or Origin)';
  return new HttpError(res.status, `HTTP ${res.status}${detail ? `: ${detail}` : ''}${hint}`);
}

// GET /mcp/stats: the server's metrics as one JSON object. Throws HttpError or a network error.
// With several shop-mcp instances behind nginx, `instance` (a name /mcp/stats answered with)
// keeps asking the same one: nginx routes a session id that starts with "NAME." to instance NAME.
export async function fetchStats(signal, instance = '') {
  const extra = instance ? { 'Mcp-Session-Id': `${instance}.status` } : {};
  const res = await fetch('/mcp/stats', { headers: headers(extra), cache: 'no-store', signal });
  if (!res.ok) throw await httpError(res);
  return res.json();
}

// el('div', {class: 'x', onclick: f}, 'text', child...): a DOM element.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// 3725 -> "1h 2m 5s"; 65 -> "1m 5s"; 4.2 -> "4s".
export function fmtDuration(seconds) {
  let s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) return `${h}h ${m}m ${s}s`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

// 12:34:56.789 in the browser's local time.
export function fmtTime(date = new Date()) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.` +
    `${p(date.getMilliseconds(), 3)}`;
}

// 1234567 -> "1,234,567"; 3.14159 -> "3.14".
export function fmtNumber(n, digits = 2) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(n) ? 0 : digits });
}
