#!/usr/bin/env python3
"""The load of tests/bench/soak.sh (python3 standard library only; not run by ctest).

  soak_client.py --base http://127.0.0.1:PORT --status FILE --errors FILE [--clients N]
                 [--duration SECONDS] [--kill-every SECONDS] [--hold-max SECONDS] [--warmup ROUNDS]
  soak_client.py --base URL --burst CONCURRENCY --rounds R      (concurrent REST tool calls)

N client processes run at once, each a loop of one randomly chosen scenario after another:
  seed       POST /mcp/sse (empty, ping or tools/call body), read the welcome, hold, hang up
  session    Streamable HTTP: initialize, notifications/initialized, maybe logging/setLevel, maybe
             the GET stream, tools/call (some with a progress token: SSE answers), then DELETE, or
             abandon the session, or hang up in the middle of a call
  legacy     GET /mcp/sse, POST initialize and tools/call to /mcp/messages, answers on the stream;
             the stream is closed at the end or right after a call is posted
  stateless  POST /mcp with MCP-Protocol-Version 2026-07-28, some answered as SSE and cut short
  rest       /mcp/tools/call, /mcp/tools, /mcp/ping, /mcp/info
Connections are closed with FIN or RST at random. Every --kill-every seconds on average the
driver SIGKILLs a random client process (whatever it is in the middle of) and starts another.

Every answer is checked (status, JSON-RPC result without error, tool result without isError,
expected SSE events); anything else is "unexpected" and the first ones are written to --errors.
Answers that are expected under a cap (503 + Retry-After) are counted apart. The driver rewrites
--status (JSON counters) every second and at exit. With --warmup R each client runs every
scenario R times, nothing is killed and the driver exits when all are done.
"""
import argparse
import ctypes
import http.client  # the --burst mode only
import json
import os
import random
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

ACCEPT_BOTH = "application/json, text/event-stream"
VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"]
TOOLS = ["get_orders", "get_products", "get_customer_stats", "get_order_analytics"]
STATUSES = ["all", "pending", "processing", "completed", "cancelled", "refunded"]
HTTP_TIMEOUT = 30.0


def tool_args(rng, name):
    a = {}
    if name == "get_orders":
        if rng.random() < 0.5:
            a["status"] = rng.choice(STATUSES)
        if rng.random() < 0.3:
            a["customer_name"] = rng.choice(["陳", "李", "Wong", "a"])
        if rng.random() < 0.3:
            a["date_from"], a["date_to"] = "2024-01-01", "2024-12-31"
        a["limit"] = rng.randint(1, 30)
    elif name == "get_products":
        if rng.random() < 0.3:
            a["min_price"] = rng.choice([0, 10, 100])
        a["limit"] = rng.randint(1, 30)
    elif name == "get_customer_stats":
        if rng.random() < 0.3:
            a["customer_name"] = rng.choice(["陳", "李", "a"])
        if rng.random() < 0.5:
            a["limit"] = rng.randint(1, 50)
    elif name == "get_order_analytics":
        a["analytics_type"] = rng.choice(["daily", "monthly", "status", "product"])
        if rng.random() < 0.5:
            a["limit"] = rng.randint(1, 60)
    return a


def emit(**ev):
    """One event line to the driver: a single write() below PIPE_BUF, so never torn by SIGKILL."""
    line = json.dumps(ev, ensure_ascii=True, separators=(",", ":"))
    if len(line) > 3000:
        ev["d"] = str(ev.get("d", ""))[:2000] + "..."
        line = json.dumps(ev, ensure_ascii=True, separators=(",", ":"))
    os.write(1, (line + "\n").encode())


class Unexpected(Exception):
    pass


class Conn:
    """One HTTP/1.1 request on its own connection (Connection: close), on a plain socket so that
    reads can wait with deadlines and a stream can be cut at any point (FIN or RST). Decodes
    chunked and Content-Length bodies incrementally."""

    def __init__(self, host, port, method, path, headers, body):
        self.sock = socket.create_connection((host, port), timeout=HTTP_TIMEOUT)
        head = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(body)}")
        head.append("Connection: close")
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        self.raw = b""  # bytes received, not yet decoded
        self.body = b""  # decoded body bytes, not yet consumed
        self.status = None
        self.headers = {}
        self.chunked = False
        self.left = None  # Content-Length still to come, or the current chunk's (+ its CRLF)
        self.done = False  # the body is complete
        self.closed_by_peer = False

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline")
        self.sock.settimeout(left)
        data = self.sock.recv(65536)
        if not data:
            self.closed_by_peer = True
        self.raw += data
        return bool(data)

    def read_head(self, deadline):
        while b"\r\n\r\n" not in self.raw:
            if not self._recv(deadline):
                raise ConnectionError("connection closed before the response head")
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        if self.status in (204, 304) or 100 <= self.status < 200:
            self.done = True
        elif "chunked" in self.headers.get("transfer-encoding", "").lower():
            self.chunked, self.left = True, 0
        elif "content-length" in self.headers:
            self.left = int(self.headers["content-length"])
            self.done = self.left == 0
        self._decode()

    def getheader(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def _decode(self):
        while self.raw and not self.done:
            if not self.chunked:
                take = self.raw if self.left is None else self.raw[:self.left]
                self.raw = self.raw[len(take):]
                self.body += take
                if self.left is not None:
                    self.left -= len(take)
                    self.done = self.left == 0
                return
            if self.left == 0:  # a chunk-size line
                i = self.raw.find(b"\r\n")
                if i < 0:
                    return
                size = int(self.raw[:i].split(b";")[0], 16)
                self.raw = self.raw[i + 2:]
                if size == 0:
                    self.done = True
                    return
                self.left = size + 2
            take = self.raw[:self.left]
            self.raw = self.raw[len(take):]
            data_left = max(0, self.left - 2)  # the chunk's data still to come, then its CRLF
            self.body += take[:data_left]
            self.left -= len(take)

    def _more(self, deadline):
        """Decodes more of the body; False at its end."""
        if self.done:
            return False
        if self.raw and self._decode_progress():
            return True
        if not self._recv(deadline):
            if self.chunked or self.left:
                raise ConnectionError("connection closed in the middle of the body")
            self.done = True
            return False
        self._decode()
        return True

    def _decode_progress(self):
        before = (len(self.raw), len(self.body), self.done)
        self._decode()
        return before != (len(self.raw), len(self.body), self.done)

    def readline(self, deadline):
        """The next body line (with its newline), b"" at the end; socket.timeout at deadline."""
        while b"\n" not in self.body:
            if not self._more(deadline):
                line, self.body = self.body, b""
                return line
        line, _, self.body = self.body.partition(b"\n")
        return line + b"\n"

    def read(self, limit=None, deadline=None):
        deadline = deadline or time.monotonic() + HTTP_TIMEOUT
        while (limit is None or len(self.body) < limit) and self._more(deadline):
            pass
        data = self.body if limit is None else self.body[:limit]
        self.body = self.body[len(data):]
        return data

    def close(self, rst=False):
        if self.sock is None:
            return
        if rst:
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        self.sock.close()
        self.sock = None


class Client:
    def __init__(self, host, port, rng, hold_max):
        self.host, self.port, self.rng, self.hold_max = host, port, rng, hold_max
        self.rid = 0

    # --- HTTP -----------------------------------------------------------------------------------

    def send(self, method, path, body=None, headers=None):
        """Sends a request on a new connection; the answer is read with answer()."""
        h = {"Host": f"127.0.0.1:{self.port}"}
        if body is not None:
            h["Content-Type"] = "application/json"
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
        h.update(headers or {})
        return Conn(self.host, self.port, method, path, h, body)

    def answer(self, c, label, expect):
        """Reads the head: the Conn, or None after a 503 at a cap; Unexpected otherwise."""
        try:
            c.read_head(time.monotonic() + HTTP_TIMEOUT)
        except (OSError, ValueError, IndexError) as e:
            self.close(c, None)
            emit(e="req", k=label, s="000")
            raise Unexpected(f"{label}: no HTTP answer: {e!r}")
        emit(e="req", k=label, s=str(c.status))
        if c.status == 503 and c.getheader("Retry-After"):
            body = self.read_some(c)
            self.close(c, None)
            emit(e="cap", k=label, d=body[:300].decode("utf-8", "replace"))
            return None
        if c.status not in expect:
            body = self.read_some(c)
            self.close(c, None)
            raise Unexpected(f"{label}: HTTP {c.status} (expected {expect}): {body[:500]!r}")
        return c

    @staticmethod
    def read_some(c):
        try:
            return c.read(2000, time.monotonic() + 2)
        except (OSError, ValueError):
            return b""

    def close(self, c, r=None, rst=None):
        """Closes the connection, with RST (SO_LINGER 0) or FIN; random unless rst is given."""
        if rst is None:
            rst = self.rng.random() < 0.5
        c.close(rst)

    def json_answer(self, c, r, label):
        try:
            data = c.read()
        except (OSError, ValueError) as e:
            self.close(c)
            raise Unexpected(f"{label}: body broke: {e!r}")
        self.close(c, rst=False)
        try:
            return json.loads(data)
        except ValueError:
            raise Unexpected(f"{label}: not JSON: {data[:300]!r}")

    # --- SSE ------------------------------------------------------------------------------------

    def event(self, c, r, deadline, label):
        """The next SSE event as a dict (event, id, data, retry); comments are skipped. None at
        the end of the stream; Unexpected at the deadline."""
        ev = {}
        while True:
            try:
                line = c.readline(deadline)
            except socket.timeout:
                raise Unexpected(f"{label}: no SSE event in time")
            except (OSError, ValueError) as e:
                raise Unexpected(f"{label}: stream broke: {e!r}")
            if not line:
                return None
            line = line.rstrip(b"\r\n").decode("utf-8", "replace")
            if line == "":
                if ev:
                    return ev
                continue
            if line.startswith(":"):
                continue
            k, _, v = line.partition(":")
            v = v[1:] if v.startswith(" ") else v
            ev[k] = ev[k] + "\n" + v if k == "data" and k in ev else v

    def hold(self, c, r, seconds, label):
        """Reads the stream for `seconds`; it must stay open."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                line = c.readline(end)
            except socket.timeout:
                return
            except (OSError, ValueError) as e:
                raise Unexpected(f"{label}: stream broke while held: {e!r}")
            if not line:
                raise Unexpected(f"{label}: the server ended the stream while it was held")

    def until_id(self, c, r, rid, label, timeout=HTTP_TIMEOUT):
        """Reads events until the JSON-RPC message with id rid; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            ev = self.event(c, r, deadline, label)
            if ev is None:
                raise Unexpected(f"{label}: stream ended before the answer to {rid}")
            data = ev.get("data", "")
            if not data:
                continue
            try:
                msg = json.loads(data)
            except ValueError:
                raise Unexpected(f"{label}: event data not JSON: {data[:300]!r}")
            if isinstance(msg, dict) and msg.get("id") == rid:
                return msg

    @staticmethod
    def check_result(msg, label, tool=False):
        if not isinstance(msg, dict) or "error" in msg or "result" not in msg:
            raise Unexpected(f"{label}: not a result: {json.dumps(msg)[:500]}")
        if tool and msg["result"].get("isError"):
            raise Unexpected(f"{label}: tool error: {json.dumps(msg['result'])[:500]}")

    def next_id(self):
        self.rid += 1
        return self.rid

    def tool_call(self, progress=False):
        name = self.rng.choice(TOOLS)
        rid = self.next_id()
        params = {"name": name, "arguments": tool_args(self.rng, name)}
        if progress:
            params["_meta"] = {"progressToken": f"p{rid}"}
        return name, rid, {"jsonrpc": "2.0", "id": rid, "method": "tools/call", "params": params}

    def hold_time(self):
        return self.rng.uniform(0, self.hold_max)

    # --- scenarios ------------------------------------------------------------------------------

    def seed(self):
        rng = self.rng
        kind = rng.choice(["empty", "ping", "tool"])
        if kind == "empty":
            body = b""
        elif kind == "ping":
            body = {"jsonrpc": "2.0", "method": "ping", "params": {}, "id": "soak"}
        else:
            body = self.tool_call()[2]
            body["id"] = "soak"
        c = self.send("POST", "/mcp/sse", body=body, headers={"Content-Type": "application/json"})
        r = self.answer(c, "POST /mcp/sse", (200,))
        if r is None:
            return
        emit(e="stream", k="seed")
        deadline = time.monotonic() + HTTP_TIMEOUT
        # an empty body gets a welcome frame, a request its response frame
        ev = self.event(c, r, deadline, "POST /mcp/sse")
        if kind == "empty":
            if not ev or ev.get("event") != "welcome":
                raise Unexpected(f"POST /mcp/sse: first event is not welcome: {ev}")
        else:
            if not ev or ev.get("event") != "response" or ev.get("id") != "soak":
                raise Unexpected(f"POST /mcp/sse: first event is not the response: {ev}")
            self.check_result(json.loads(ev["data"]), "POST /mcp/sse " + kind, tool=kind == "tool")
        self.hold(c, r, self.hold_time(), "POST /mcp/sse")
        self.close(c, r)

    def session(self):
        rng = self.rng
        version = rng.choice(VERSIONS)
        init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": version, "capabilities": {},
                           "clientInfo": {"name": "soak", "version": "1"}}}
        c = self.send("POST", "/mcp", init, {"Accept": ACCEPT_BOTH})
        r = self.answer(c, "initialize", (200,))
        if r is None:
            return
        sid = r.getheader("Mcp-Session-Id")
        msg = self.json_answer(c, r, "initialize")
        self.check_result(msg, "initialize")
        if not sid:
            raise Unexpected("initialize: no Mcp-Session-Id")
        emit(e="session", k="created")
        hs = {"Accept": ACCEPT_BOTH, "Mcp-Session-Id": sid, "MCP-Protocol-Version": version}
        c = self.send("POST", "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, hs)
        r = self.answer(c, "notifications/initialized", (202,))
        if r is None:
            return
        r.read()
        self.close(c, r, rst=False)
        if rng.random() < 0.3:
            c = self.send("POST", "/mcp", {"jsonrpc": "2.0", "id": self.next_id(),
                                           "method": "logging/setLevel", "params": {"level": "info"}}, hs)
            r = self.answer(c, "logging/setLevel", (200,))
            if r is None:
                return
            self.check_result(self.json_answer(c, r, "logging/setLevel"), "logging/setLevel")
        get = None
        if rng.random() < 0.6:
            gc = self.send("GET", "/mcp", None, {"Accept": "text/event-stream", "Mcp-Session-Id": sid,
                                                 "MCP-Protocol-Version": version})
            gr = self.answer(gc, "GET /mcp", (200,))
            if gr is not None:
                get = (gc, gr)
                emit(e="stream", k="get")
                ev = self.event(gc, gr, time.monotonic() + HTTP_TIMEOUT, "GET /mcp")
                if not ev or "retry" not in ev:
                    raise Unexpected(f"GET /mcp: no priming event: {ev}")
        for _ in range(rng.randint(1, 5)):
            name, rid, body = self.tool_call(progress=rng.random() < 0.3)
            label = f"tools/call {name}"
            c = self.send("POST", "/mcp", body, hs)
            if rng.random() < 0.08:
                # hung up before the answer: as if killed in the middle of the request
                time.sleep(rng.uniform(0, 0.01))
                self.close(c, None)
                emit(e="abort", k="session mid-request")
                if get:
                    self.close(*get)
                emit(e="session", k="abandoned")
                return
            r = self.answer(c, label, (200,))
            if r is None:
                return
            ct = r.getheader("Content-Type", "")
            if ct.startswith("text/event-stream"):
                emit(e="stream", k="post")
                msg = self.until_id(c, r, rid, label)
                self.close(c, r)
            else:
                msg = self.json_answer(c, r, label)
            self.check_result(msg, label, tool=True)
            if get and rng.random() < 0.3:
                self.hold(*get, rng.uniform(0, 1), "GET /mcp")
        if get:
            self.hold(*get, self.hold_time() / 2, "GET /mcp")
        if rng.random() < 0.5:
            c = self.send("DELETE", "/mcp", None, {"Mcp-Session-Id": sid, "MCP-Protocol-Version": version})
            r = self.answer(c, "DELETE /mcp", (204,))
            if r is None:
                return
            r.read()
            self.close(c, r, rst=False)
            emit(e="session", k="deleted")
            if get:
                if self.event(*get, time.monotonic() + 10, "GET /mcp after DELETE") is not None:
                    raise Unexpected("GET /mcp: an event after DELETE instead of the end")
                self.close(*get, rst=False)
        else:
            if get:
                self.close(*get)
            emit(e="session", k="abandoned")

    def legacy(self):
        rng = self.rng
        sc = self.send("GET", "/mcp/sse", None, {"Accept": "text/event-stream"})
        sr = self.answer(sc, "GET /mcp/sse", (200,))
        if sr is None:
            return
        emit(e="stream", k="legacy")
        emit(e="session", k="legacy")
        ev = self.event(sc, sr, time.monotonic() + HTTP_TIMEOUT, "GET /mcp/sse")
        if not ev or ev.get("event") != "endpoint" or "sessionId=" not in ev.get("data", ""):
            raise Unexpected(f"GET /mcp/sse: first event is not endpoint: {ev}")
        endpoint = ev["data"]

        def post(body, label):
            c = self.send("POST", endpoint, body)
            r = self.answer(c, label, (202,))
            if r is not None:
                r.read()
                self.close(c, r, rst=False)
            return r is not None

        rid = self.next_id()
        if not post({"jsonrpc": "2.0", "id": rid, "method": "initialize",
                     "params": {"protocolVersion": "2024-11-05", "capabilities": {},
                                "clientInfo": {"name": "soak", "version": "1"}}}, "legacy initialize"):
            return
        self.check_result(self.until_id(sc, sr, rid, "legacy initialize"), "legacy initialize")
        if not post({"jsonrpc": "2.0", "method": "notifications/initialized"}, "legacy initialized"):
            return
        for _ in range(rng.randint(1, 4)):
            name, rid, body = self.tool_call(progress=rng.random() < 0.3)
            label = f"legacy tools/call {name}"
            if not post(body, label):
                return
            if rng.random() < 0.15:
                self.close(sc, sr)  # the answer is on its way to a stream that is gone
                emit(e="abort", k="legacy mid-call")
                return
            self.check_result(self.until_id(sc, sr, rid, label), label, tool=True)
        self.hold(sc, sr, self.hold_time() / 2, "GET /mcp/sse")
        self.close(sc, sr)

    def stateless(self):
        rng = self.rng
        hs = {"Accept": ACCEPT_BOTH, "MCP-Protocol-Version": "2026-07-28"}
        if rng.random() < 0.2:
            rid = self.next_id()
            body = {"jsonrpc": "2.0", "id": rid, "method": "tools/list"}
            hs["Mcp-Method"] = "tools/list"
            name, label, progress = None, "2026-07-28 tools/list", False
        else:
            progress = rng.random() < 0.5
            name, rid, body = self.tool_call(progress=progress)
            hs["Mcp-Method"], hs["Mcp-Name"] = "tools/call", name
            label = f"2026-07-28 tools/call {name}"
        c = self.send("POST", "/mcp", body, hs)
        r = self.answer(c, label, (200,))
        if r is None:
            return
        if r.getheader("Content-Type", "").startswith("text/event-stream"):
            emit(e="stream", k="stateless")
            if rng.random() < 0.3:
                self.event(c, r, time.monotonic() + HTTP_TIMEOUT, label)  # the priming event
                self.close(c, r)  # closing the response stream cancels the call
                emit(e="abort", k="stateless mid-stream")
                return
            msg = self.until_id(c, r, rid, label)
            self.close(c, r)
        else:
            msg = self.json_answer(c, r, label)
        self.check_result(msg, label, tool=name is not None)

    def rest(self):
        rng = self.rng
        what = rng.random()
        if what < 0.6:
            name = rng.choice(TOOLS)
            c = self.send("POST", "/mcp/tools/call", {"name": name, "arguments": tool_args(rng, name)})
            label = f"REST tools/call {name}"
            r = self.answer(c, label, (200,))
            if r is None:
                return
            res = self.json_answer(c, r, label)
            if res.get("isError") or "structuredContent" not in res:
                raise Unexpected(f"{label}: {json.dumps(res)[:500]}")
        else:
            path = rng.choice(["/mcp/tools", "/mcp/ping", "/mcp/info", "/mcp/health"])
            c = self.send("GET", path)
            r = self.answer(c, "GET " + path, (200,))
            if r is None:
                return
            self.json_answer(c, r, "GET " + path)

    SCENARIOS = [("seed", 0.2), ("session", 0.35), ("legacy", 0.2), ("stateless", 0.15), ("rest", 0.1)]

    def run_one(self, name):
        try:
            getattr(self, name)()
            emit(e="done", k=name)
        except Unexpected as e:
            emit(e="bad", k=name, d=str(e))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
            emit(e="bad", k=name, d=f"{name}: {e!r}")


def die_with_parent():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker(args):
    die_with_parent()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the driver, which kills us
    u = urlparse(args.base)
    rng = random.Random((args.seed, args.worker_id, os.getpid(), time.time_ns()).__hash__())
    cl = Client(u.hostname, u.port, rng, args.hold_max)
    names = [n for n, _ in Client.SCENARIOS]
    if args.warmup:
        for _ in range(args.warmup):
            for n in names:
                cl.run_one(n)
        return 0
    weights = [w for _, w in Client.SCENARIOS]
    while True:
        cl.run_one(rng.choices(names, weights)[0])
        time.sleep(rng.uniform(0, args.think_max))


class Driver:
    def __init__(self, args):
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.procs = {}  # pid -> Popen
        self.bufs = {}
        self.rng = random.Random(args.seed)
        self.t0 = time.monotonic()
        self.next_id = 0
        self.c = {"requests": 0, "by_status": {}, "by_label_status": {}, "streams_opened": {},
                  "sessions": {}, "aborts": {}, "done": {}, "unexpected": 0, "unexpected_by": {},
                  "http_5xx": 0, "cap_503": 0, "kills": 0, "worker_exits": 0, "workers": 0}
        self.errors = open(args.errors, "a", encoding="utf-8") if args.errors else None
        self.errors_written = 0
        self.stopping = False

    def spawn(self):
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--base", self.args.base,
               "--worker-id", str(self.next_id), "--seed", str(self.args.seed),
               "--hold-max", str(self.args.hold_max), "--think-max", str(self.args.think_max),
               "--warmup", str(self.args.warmup)]
        self.next_id += 1
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        os.set_blocking(p.stdout.fileno(), False)
        self.procs[p.pid] = p
        self.bufs[p.pid] = b""
        self.sel.register(p.stdout, selectors.EVENT_READ, p.pid)

    def bump(self, d, k, n=1):
        d[k] = d.get(k, 0) + n

    def on_event(self, ev):
        c, e, k = self.c, ev.get("e"), ev.get("k", "")
        if e == "req":
            c["requests"] += 1
            s = ev.get("s", "")
            self.bump(c["by_status"], s)
            self.bump(c["by_label_status"], f"{k} {s}")
            if s.startswith("5"):
                c["http_5xx"] += 1
        elif e == "stream":
            self.bump(c["streams_opened"], k)
        elif e == "session":
            self.bump(c["sessions"], k)
        elif e == "abort":
            self.bump(c["aborts"], k)
        elif e == "done":
            self.bump(c["done"], k)
        elif e == "cap":
            c["cap_503"] += 1
            self.log_error(ev, "cap")
        elif e == "bad":
            c["unexpected"] += 1
            self.bump(c["unexpected_by"], k)
            self.log_error(ev, "unexpected")

    def log_error(self, ev, what):
        if self.errors and self.errors_written < 200:
            self.errors_written += 1
            self.errors.write(f"{time.monotonic() - self.t0:8.1f}s {what} {ev.get('k')}: {ev.get('d')}\n")
            self.errors.flush()

    def drain(self, pid, eof=False):
        p = self.procs[pid]
        while True:
            try:
                chunk = os.read(p.stdout.fileno(), 65536)
            except BlockingIOError:
                chunk = None
            if not chunk:
                break
            self.bufs[pid] += chunk
        *lines, self.bufs[pid] = self.bufs[pid].split(b"\n")
        for line in lines:
            try:
                self.on_event(json.loads(line))
            except ValueError:
                pass
        if chunk == b"" or eof:  # EOF: the worker is gone
            self.sel.unregister(p.stdout)
            p.stdout.close()
            p.wait()
            del self.procs[pid], self.bufs[pid]
            return p.returncode
        return None

    def write_status(self, final=False):
        c = dict(self.c, elapsed=round(time.monotonic() - self.t0, 1), workers=len(self.procs),
                 final=final)
        tmp = self.args.status + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(c, f, sort_keys=True)
        os.replace(tmp, self.args.status)

    def kill_one(self):
        if not self.procs:
            return
        pid = self.rng.choice(sorted(self.procs))
        try:
            os.kill(pid, signal.SIGKILL)
            self.c["kills"] += 1
        except ProcessLookupError:
            pass

    def run(self):
        a = self.args
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGINT, lambda *_: setattr(self, "stopping", True))
        for _ in range(a.clients):
            self.spawn()
        end = self.t0 + a.duration if a.duration > 0 else float("inf")
        next_kill = time.monotonic() + self.rng.expovariate(1 / a.kill_every) if a.kill_every > 0 and not a.warmup else float("inf")
        next_status = 0.0
        while self.procs:
            now = time.monotonic()
            if (now >= end or self.stopping) and not a.warmup:
                break
            if self.stopping:
                break
            if now >= next_kill:
                self.kill_one()
                next_kill = now + self.rng.expovariate(1 / a.kill_every)
            if now >= next_status:
                self.write_status()
                next_status = now + 1
            timeout = max(0.0, min(next_kill, next_status, end) - now)
            for key, _ in self.sel.select(timeout):
                rc = self.drain(key.data)
                if rc is not None:
                    killed = rc == -signal.SIGKILL
                    if not killed and not a.warmup:
                        self.c["worker_exits"] += 1
                        self.c["unexpected"] += 1
                        self.log_error({"k": "worker", "d": f"client process exited with {rc}"}, "unexpected")
                    if not a.warmup:
                        self.spawn()
                    elif rc != 0:
                        self.c["worker_exits"] += 1
        # the end: every client still running is killed in whatever it is doing
        for pid in list(self.procs):
            try:
                os.kill(pid, signal.SIGKILL)
                self.c["kills"] += 1
            except ProcessLookupError:
                pass
        for pid in list(self.procs):
            self.procs[pid].wait()
            self.drain(pid, eof=True)
        self.write_status(final=True)
        return 0


def burst(args):
    """--burst C --rounds R: C threads each making R REST tool calls of the slower tools, so that
    C calls are in the store at once (fills the pool of SQLite connections)."""
    u = urlparse(args.base)
    bad = []

    def one(i):
        rng = random.Random(i)
        for j in range(args.rounds):
            name = ["get_customer_stats", "get_order_analytics"][(i + j) % 2]
            try:
                c = http.client.HTTPConnection(u.hostname, u.port, timeout=HTTP_TIMEOUT)
                c.request("POST", "/mcp/tools/call", body=json.dumps({"name": name, "arguments": tool_args(rng, name)}),
                          headers={"Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                c.close()
                if r.status != 200:
                    bad.append(f"{name}: HTTP {r.status}")
            except (OSError, http.client.HTTPException) as e:
                bad.append(f"{name}: {e!r}")

    ts = [threading.Thread(target=one, args=(i,)) for i in range(args.burst)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for b in bad[:5]:
        print(b, file=sys.stderr)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--clients", type=int, default=40)
    ap.add_argument("--duration", type=float, default=60, help="seconds; 0 = until SIGTERM")
    ap.add_argument("--kill-every", type=float, default=2.0, help="mean seconds between SIGKILLs")
    ap.add_argument("--hold-max", type=float, default=12.0, help="longest a stream is held, s")
    ap.add_argument("--think-max", type=float, default=0.3, help="longest pause between scenarios, s")
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--status", default="")
    ap.add_argument("--errors", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--burst", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--worker-id", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    if args.burst:
        return burst(args)
    if not args.status:
        ap.error("--status is required")
    return Driver(args).run()


if __name__ == "__main__":
    sys.exit(main())
