// The two ways the test page talks to the server, behind one interface:
//
//   const c = new SeedConnection(hooks) | new StreamableConnection(hooks);
//   await c.connect(body?)        opens the connection (state "connecting" -> "open")
//   await c.request(method, params) -> the JSON-RPC result; throws RpcError or Error
//   await c.disconnect()          closes it (state "closed", reason "disconnected by you")
//
// hooks: frame(stream, frame) for every SSE frame or JSON answer seen, state(state, reason),
// identity(id) when the connection id becomes known, ping(info) for every keepalive.
import { headers, httpError } from './common.js';
import { frameJson, readSse } from './sse.js';

// How long a request may take before the page gives up on it (send_excel_email can take a while).
const REQUEST_TIMEOUT_MS = 120000;

export class RpcError extends Error {
  constructor(error) {
    super(`${error?.message || 'error'} (JSON-RPC ${error?.code})`);
    this.rpc = error;
  }
}

let nextRequestId = 1;
function jsonRpc(method, params) {
  const msg = { jsonrpc: '2.0', id: `page-${nextRequestId++}`, method };
  if (params !== undefined) msg.params = params;
  return msg;
}

function isAbort(e) {
  return e?.name === 'AbortError';
}

// A JSON-RPC answer from an SSE frame or a JSON body: resolves or rejects the waiting request.
function settle(msg, id, resolve, reject) {
  if (!msg || msg.id !== id) return false;
  if (msg.error) reject(new RpcError(msg.error));
  else resolve(msg.result);
  return true;
}

class Connection {
  constructor(hooks) {
    this.hooks = hooks;
    this.state = 'idle';
    this.userClosed = false;
  }

  setState(state, reason = '') {
    this.state = state;
    this.hooks.state(state, reason);
  }

  // Reads an SSE response, logging every frame as `stream`; resolves with the result of request
  // `id` (then stops reading), or rejects on an error answer, a stream that ends first, or the
  // timeout.
  async awaitAnswer(res, id, stream, ctl) {
    let settled = false;
    const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await new Promise((resolve, reject) => {
        const done = (f) => (v) => {
          settled = true;
          f(v);
          ctl.abort(); // the answer is in: stop reading this request's stream
        };
        readSse(res, (frame) => {
          this.note(stream, frame);
          settle(frameJson(frame), id, done(resolve), done(reject));
        }).then(
          () => settled || reject(new Error('the stream ended before the answer came')),
          (e) => settled || reject(isAbort(e) ? new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`) : e),
        );
      });
    } finally {
      clearTimeout(timer);
    }
  }

  // Logs a frame and counts keepalives: `event: ping` on the SSE route, `: keepalive` comments on
  // Streamable HTTP.
  note(stream, frame) {
    this.hooks.frame(stream, frame);
    if (frame.kind === 'comment' || frame.event === 'ping') this.hooks.ping({ stream, frame, data: frameJson(frame) });
  }
}

// The SSE route: POST /mcp/sse answers with a stream that starts with `welcome` (empty body) or the
// answer to the request in the body, then carries pings until a close frame. Each request from the
// buttons is one more POST /mcp/sse whose stream the page reads until the answer and then closes.
export class SeedConnection extends Connection {
  async connect(body) {
    this.userClosed = false;
    this.closeReason = '';
    this.ctl = new AbortController();
    this.setState('connecting');
    let res;
    try {
      res = await fetch('/mcp/sse', {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
        body: body || undefined,
        signal: this.ctl.signal,
        cache: 'no-store',
      });
      if (!res.ok) throw await httpError(res);
    } catch (e) {
      this.setState('error', isAbort(e) ? 'disconnected by you' : e.message);
      throw e;
    }
    this.setState('open');
    readSse(res, (frame) => this.onFrame(frame)).then(
      () => this.ended(this.closeReason || 'the server ended the stream'),
      (e) => this.ended(this.userClosed ? 'disconnected by you' : `connection lost (${e.message})`),
    );
  }

  onFrame(frame) {
    this.note('stream', frame);
    const j = frameJson(frame);
    if (frame.event === 'welcome' && j?.result?.connection_id) this.hooks.identity(j.result.connection_id);
    // With a request in the body there is no welcome: the id comes with the first ping.
    if (frame.event === 'ping' && j?.data?.connection_id) this.hooks.identity(j.data.connection_id);
    if (frame.event === 'close' && j?.reason) this.closeReason = j.reason;
  }

  ended(reason) {
    if (this.state !== 'closed') this.setState('closed', reason);
  }

  async request(method, params) {
    const msg = jsonRpc(method, params);
    const stream = `${method} ${msg.id}`;
    const ctl = new AbortController();
    const res = await fetch('/mcp/sse', {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
      body: JSON.stringify(msg),
      signal: ctl.signal,
      cache: 'no-store',
    });
    if (!res.ok) throw await httpError(res);
    return this.awaitAnswer(res, msg.id, stream, ctl);
  }

  async disconnect() {
    this.userClosed = true;
    this.ctl?.abort();
    this.ended('disconnected by you');
  }
}

// MCP Streamable HTTP at /mcp: initialize creates a session (Mcp-Session-Id), every request is a
// POST answered as JSON or as a short SSE stream, and GET /mcp is the session's standalone stream
// (keepalives and notifications). DELETE /mcp ends the session.
export class StreamableConnection extends Connection {
  static PROTOCOL = '2025-11-25';

  sessionHeaders(extra = {}) {
    const h = { ...extra };
    if (this.session) h['Mcp-Session-Id'] = this.session;
    if (this.protocol) h['MCP-Protocol-Version'] = this.protocol;
    return headers(h);
  }

  // POST one message; resolves with the result for a request, undefined for a notification.
  async post(msg, stream) {
    const ctl = new AbortController();
    const res = await fetch('/mcp', {
      method: 'POST',
      headers: this.sessionHeaders({
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      }),
      body: JSON.stringify(msg),
      signal: ctl.signal,
      cache: 'no-store',
    });
    if (res.status === 404 && this.session) {
      this.ended('the session expired or is unknown (HTTP 404): connect again');
    }
    if (!res.ok) throw await httpError(res);
    if (!this.session) this.session = res.headers.get('Mcp-Session-Id') || '';
    if (msg.id === undefined) return undefined; // a notification: 202, no body
    const type = res.headers.get('Content-Type') || '';
    if (type.startsWith('text/event-stream')) return this.awaitAnswer(res, msg.id, stream, ctl);
    const body = await res.json();
    this.hooks.frame(stream, { kind: 'json', event: 'json', data: JSON.stringify(body), hasData: true, id: null });
    return new Promise((resolve, reject) => {
      if (!settle(body, msg.id, resolve, reject)) reject(new Error('the answer did not carry the request\'s id'));
    });
  }

  async connect() {
    this.userClosed = false;
    this.session = '';
    this.protocol = '';
    this.setState('connecting');
    try {
      const init = jsonRpc('initialize', {
        protocolVersion: StreamableConnection.PROTOCOL,
        capabilities: {},
        clientInfo: { name: 'shop-mcp sse-test.html', version: '1' },
      });
      const result = await this.post(init, `initialize ${init.id}`);
      this.protocol = result?.protocolVersion || StreamableConnection.PROTOCOL;
      if (!this.session) throw new Error('initialize answered without an Mcp-Session-Id');
      this.hooks.identity(this.session);
      await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, 'initialized');
    } catch (e) {
      this.setState('error', e.message);
      throw e;
    }
    this.setState('open');
    this.openStandalone();
  }

  // GET /mcp: the session's own stream. Not every server offers one (405); the session works
  // without it, only keepalives and notifications are then not shown.
  async openStandalone() {
    this.ctl = new AbortController();
    try {
      const res = await fetch('/mcp', {
        headers: this.sessionHeaders({ Accept: 'text/event-stream' }),
        signal: this.ctl.signal,
        cache: 'no-store',
      });
      if (!res.ok) {
        const e = await httpError(res);
        this.hooks.frame('GET /mcp', { kind: 'json', event: 'not opened', data: e.message, hasData: true, id: null });
        return;
      }
      await readSse(res, (frame) => this.note('GET /mcp', frame));
      if (!this.userClosed) this.ended('the server ended the session\'s stream');
    } catch (e) {
      if (!this.userClosed) this.ended(`connection lost (${e.message})`);
    }
  }

  ended(reason) {
    if (this.state !== 'closed') this.setState('closed', reason);
  }

  request(method, params) {
    const msg = jsonRpc(method, params);
    return this.post(msg, `${method} ${msg.id}`);
  }

  async disconnect() {
    this.userClosed = true;
    let reason = 'disconnected by you';
    if (this.session) {
      try {
        const res = await fetch('/mcp', { method: 'DELETE', headers: this.sessionHeaders(), cache: 'no-store' });
        reason = res.status === 204 ? 'session deleted (disconnected by you)' : `disconnected by you (DELETE: HTTP ${res.status})`;
      } catch (e) {
        reason = `disconnected by you (DELETE failed: ${e.message})`;
      }
    }
    this.ctl?.abort();
    this.ended(reason);
  }
}
