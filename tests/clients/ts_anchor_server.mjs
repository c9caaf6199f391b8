// The anchor of tests/bench/compare.sh: a minimal MCP server on the official TypeScript SDK pinned
// in tests/clients, written as the SDK's own Streamable HTTP example is (one transport and one
// McpServer per session, JSON answers to POST, a GET stream per session), with the trivial tool of
// our conformance server (test_simple_text). GET /stats prints "streams_open N", the number of GET
// streams whose response has not closed, so the benchmark can time hang-up -> stream finished the
// same way it does on shop-mcp (shopmcp_streams_open on /mcp/metrics).
//
//   node tests/clients/ts_anchor_server.mjs PORT   (here, so that it finds the pinned SDK)
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const port = Number(process.argv[2] || 0);
const transports = new Map();
let streamsOpen = 0;

function newServer() {
  const server = new McpServer({ name: 'ts-anchor', version: '1.0.0' });
  server.registerTool('test_simple_text', { description: 'Returns a simple text answer' }, async () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://anchor');
  if (url.pathname === '/stats') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`streams_open ${streamsOpen}\n`);
    return;
  }
  if (url.pathname !== '/mcp') return reply(res, 404, { error: 'not found' });
  const sid = req.headers['mcp-session-id'];
  if (req.method === 'POST') {
    const body = JSON.parse(await readBody(req));
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport && !sid && isInitializeRequest(body)) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
      await newServer().connect(transport);
    }
    if (!transport) {
      return reply(res, sid ? 404 : 400, {
        jsonrpc: '2.0',
        error: { code: -32000, message: sid ? 'Session not found' : 'No session' },
        id: null,
      });
    }
    return transport.handleRequest(req, res, body);
  }
  const transport = sid && transports.get(sid);
  if (!transport) return reply(res, 404, { error: 'Session not found' });
  if (req.method === 'GET') {
    streamsOpen++;
    res.on('close', () => streamsOpen--);
  }
  return transport.handleRequest(req, res);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) reply(res, 500, { error: String(e) });
    else res.destroy();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  console.log(`ts-anchor listening on 127.0.0.1:${server.address().port} pid ${process.pid}`);
});
process.on('SIGTERM', () => process.exit(0));
