#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/), from the inputs
below: realistic requests, headers, ids, URIs, SSE payloads and mail. The targets that read their
input with FuzzedDataProvider get it laid out the way FuzzedDataProvider reads it (Seed below).
Run it after changing a target's input layout:  python3 tests/fuzz/make_corpus.py
It replaces every corpus directory it writes; files are named by what they hold."""

import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"


class Seed:
    """Bytes as LLVM's FuzzedDataProvider reads them: strings (ConsumeRandomLengthString) and the
    rest (ConsumeRemainingBytes) from the front, integers and booleans from the back, most
    significant byte first."""

    def __init__(self):
        self.front = bytearray()
        self.back = []  # in the order they are consumed

    def string(self, s, max_length):
        data = s.encode() if isinstance(s, str) else bytes(s)
        assert len(data) < max_length, (data, max_length)
        for b in data:
            self.front += b"\\\\" if b == 0x5C else bytes([b])
        self.front += b"\\x"  # a backslash and another byte end the string
        return self

    def rest(self, s):
        self.front += s.encode() if isinstance(s, str) else bytes(s)
        return self

    def int_in_range(self, value, lo, hi, bits=64):
        rng = hi - lo
        n, offset = 0, 0
        while offset < bits and (rng >> offset) > 0:
            n += 1
            offset += 8
        r = (value - lo) % (1 << bits)
        self.back += list(r.to_bytes(n, "big")) if n else []
        return self

    def integral(self, value, bits, signed):
        lo = -(1 << (bits - 1)) if signed else 0
        return self.int_in_range(value, lo, lo + (1 << bits) - 1, bits)

    def boolean(self, b):
        self.back.append(1 if b else 0)
        return self

    def bytes(self):
        return bytes(self.front) + bytes(reversed(self.back))


def write(target, files):
    d = ROOT / target
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for name, data in files.items():
        (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def rpc(method, params=None, id_=1):
    m = {"jsonrpc": "2.0", "method": method}
    if id_ is not None:
        m["id"] = id_
    if params is not None:
        m["params"] = params
    return m


def js(v):
    return json.dumps(v, ensure_ascii=False)


TOOL_CALLS = {
    "get_orders": {"status": "completed", "customer_name": "陳", "min_amount": 20,
                   "max_amount": 60.5, "date_from": "2025-12-01", "date_to": "2025-12-31",
                   "limit": 5},
    "get_orders_txn": {"transaction_id": "TXN000007"},
    "get_products": {"category": "飲料", "min_price": 10, "max_price": 50, "stock_quantity": 20,
                     "limit": 10.0},
    "get_products_name": {"name": "可樂"},
    "get_customer_stats": {"customer_name": "李", "status": "all", "limit": 3},
    "get_order_analytics": {"analytics_type": "daily", "date_from": "2025-12-01",
                            "date_to": "2025-12-31", "limit": 31},
    "get_order_analytics_status": {"analytics_type": "status"},
    "get_order_analytics_product": {"analytics_type": "product", "status": "refunded"},
    "get_order_analytics_monthly": {"analytics_type": "monthly"},
    "send_excel_email": {"type": "orders", "email": "manager@example.com",
                         "subject": "訂單資料匯出 December orders", "message": "您好，\n附件。",
                         "filters": {"status": "completed", "date_from": "2025-12-01"},
                         "limit": 20},
    "send_excel_email_products": {"type": "products", "email": "a.b+c@mail.example.hk",
                                  "filters": {"category": "零食", "stock_quantity": 10}},
}
# The tool each call above is for: the key up to the first word that is not the tool's.
TOOL_NAME = {k: next(t for t in ("get_orders", "get_products", "get_customer_stats",
                                 "get_order_analytics", "send_excel_email") if k.startswith(t))
             for k in TOOL_CALLS}
TOOLS = ["get_orders", "get_products", "get_customer_stats", "get_order_analytics",
         "send_excel_email"]


def jsonrpc_corpus():
    files = {
        "initialize-2025-11-25": rpc("initialize", {
            "protocolVersion": "2025-11-25",
            "capabilities": {"sampling": {}, "elicitation": {}, "roots": {"listChanged": True}},
            "clientInfo": {"name": "fuzz", "version": "1"}}, 0),
        "initialize-2024-11-05": rpc("initialize", {"protocolVersion": "2024-11-05",
                                                    "capabilities": {}, "clientInfo": {
                                                        "name": "c", "version": "0"}}, "init"),
        "initialized": rpc("notifications/initialized", {}, None),
        "ping": rpc("ping", None, 2),
        "tools-list": rpc("tools/list", {}, 3),
        "tools-list-cursor": rpc("tools/list", {"cursor": "x"}, 3),
        "resources-list": rpc("resources/list", None, 4),
        "resources-templates": rpc("resources/templates/list", {}, 5),
        "resources-read-product": rpc("resources/read", {"uri": "shop://products/3"}, 6),
        "resources-read-order": rpc("resources/read", {"uri": "shop://orders/TXN000012"}, 7),
        "resources-read-catalogue": rpc("resources/read", {"uri": "shop://products"}, 8),
        "resources-read-unknown": rpc("resources/read", {"uri": "shop://products/%E4%B8%AD"}, 9),
        "resources-subscribe": rpc("resources/subscribe", {"uri": "shop://products/1"}, 10),
        "resources-unsubscribe": rpc("resources/unsubscribe", {"uri": "shop://products/1"}, 11),
        "prompts-list": rpc("prompts/list", {}, 12),
        "prompts-get-sales": rpc("prompts/get", {"name": "sales_report", "arguments": {
            "date_from": "2025-12-01", "date_to": "2025-12-31", "status": "completed"}}, 13),
        "prompts-get-customer": rpc("prompts/get", {"name": "customer_summary",
                                                    "arguments": {"customer_name": "陳大明"}}, 14),
        "prompts-get-stock": rpc("prompts/get", {"name": "stock_check",
                                                 "arguments": {"category": "飲料",
                                                               "threshold": "50"}}, 15),
        "complete-prompt": rpc("completion/complete", {
            "ref": {"type": "ref/prompt", "name": "customer_summary"},
            "argument": {"name": "customer_name", "value": "陳"}}, 16),
        "complete-resource": rpc("completion/complete", {
            "ref": {"type": "ref/resource", "uri": "shop://orders/{transaction_id}"},
            "argument": {"name": "transaction_id", "value": "txn00001"},
            "context": {"arguments": {"x": "y"}}}, 17),
        "set-level": rpc("logging/setLevel", {"level": "debug"}, 18),
        "discover": rpc("server/discover", {}, 19),
        "cancelled": rpc("notifications/cancelled", {"requestId": 5, "reason": "user"}, None),
        "response": {"jsonrpc": "2.0", "id": "srv-1", "result": {"roots": []}},
        "error-response": {"jsonrpc": "2.0", "id": "srv-2",
                           "error": {"code": -1, "message": "no"}},
        "unknown-method": rpc("tools/unknown", {}, 20),
        "bad-version": {"jsonrpc": "1.0", "id": 1, "method": "ping"},
        "bad-id": {"jsonrpc": "2.0", "id": 1.5, "method": "ping"},
        "big-id": {"jsonrpc": "2.0", "id": 18446744073709551615, "method": "ping"},
        "params-array": rpc("ping", [1, 2], 21),
        "progress-token": rpc("tools/call", {"name": "get_orders", "arguments": {"limit": 2},
                                             "_meta": {"progressToken": "p1"}}, 22),
        "unknown-tool": rpc("tools/call", {"name": "drop_tables", "arguments": {}}, 23),
        "tool-bad-args": rpc("tools/call", {"name": "get_orders",
                                            "arguments": {"limit": 500, "extra": True}}, 24),
        "batch": [rpc("ping", None, 1), rpc("tools/list", {}, 2),
                  rpc("notifications/initialized", {}, None)],
        "batch-empty": [],
        "batch-with-initialize": [rpc("initialize", {"protocolVersion": "2025-03-26"}, 1),
                                  rpc("ping", None, 2)],
    }
    out = {name: js(v) for name, v in files.items()}
    for key, args in TOOL_CALLS.items():
        out["tools-call-" + key.replace("_", "-")] = js(
            rpc("tools/call", {"name": TOOL_NAME[key], "arguments": args}, "call-" + key))
    out["not-json"] = '{"jsonrpc":"2.0","id":1,"method":'
    out["deep"] = "[" * 70 + "]" * 70
    out["utf8-bad"] = b'{"jsonrpc":"2.0","id":"\xff\xfe","method":"ping"}'
    out["nul-escape"] = r'{"jsonrpc":"2.0","id":"a\u0000b","method":"tools/call\u0000x"}'
    write("fuzz_jsonrpc", out)


def tool_args_corpus():
    out = {}
    for key, args in TOOL_CALLS.items():
        out[key] = Seed().rest(js(args)).int_in_range(TOOLS.index(TOOL_NAME[key]), 0, 4).bytes()
    extra = {
        "orders-empty": (0, "{}"),
        "orders-null": (0, "null"),
        "orders-bad-date": (0, js({"date_from": "2025-02-29", "date_to": "2024-13-01"})),
        "orders-reversed-dates": (0, js({"date_from": "2025-12-31", "date_to": "2025-12-01"})),
        "orders-leap-day": (0, js({"date_from": "2024-02-29", "date_to": "2400-02-29"})),
        "orders-amounts-reversed": (0, js({"min_amount": 90, "max_amount": 10})),
        "orders-limit-double": (0, '{"limit":1e1}'),
        "orders-wildcards": (0, js({"customer_name": "%_", "product_name": "'; DROP TABLE x"})),
        "products-unknown-field": (1, js({"colour": "red"})),
        "analytics-bad-type": (3, js({"analytics_type": "hourly"})),
        "email-injection": (4, js({"type": "orders", "email": "a@example.com\r\nBcc: x@evil.com",
                                   "subject": "hi\r\nBcc: x@evil.com"})),
        "email-display-name": (4, js({"type": "orders", "email": "Boss <boss@example.com>"})),
        "email-bad-filter": (4, js({"type": "products", "email": "a@b.co",
                                    "filters": {"status": "completed"}})),
        "email-subject-long": (4, js({"type": "orders", "email": "x@y.example",
                                      "subject": "😀🎉 中文 " * 15, "limit": 3})),
        "array": (2, "[1,2,3]"),
    }
    for name, (tool, text) in extra.items():
        out[name] = Seed().rest(text).int_in_range(tool, 0, 4).bytes()
    write("fuzz_tool_args", out)


def http_corpus():
    def seed(mix, accept, other, text, query_pairs, absent, raw_query, guard, route):
        s = Seed()
        s.integral(mix, 32, False)
        s.string(accept, 120).string(other, 60).string(text, 120)
        # check_query
        s.int_in_range(len(query_pairs), 0, 4)
        for n, v in query_pairs:
            s.string(n, 24).string(v, 40)
        s.string(absent, 24).string(raw_query, 120)
        # check_guard
        path_health, host, origin, auth, raw_host, raw_origin = guard
        s.boolean(path_health)
        s.boolean(host is not None)
        if host is not None:
            name_index, port = host
            s.boolean(True).int_in_range(name_index, 0, 13)
            s.boolean(port is not None)
            if port is not None:
                s.int_in_range(port, 0, 65535, 32)
        s.boolean(origin is not None)
        if origin is not None:
            scheme, name_index, port = origin
            s.int_in_range(scheme, 0, 4)
            s.boolean(True).int_in_range(name_index, 0, 13)
            s.boolean(port is not None)
            if port is not None:
                s.int_in_range(port, 0, 65535, 32)
        kind, value = auth
        s.int_in_range(kind, 0, 3)
        if kind == 1:
            s.int_in_range(value, 0, 3, 32)
        elif kind in (2, 3):
            s.string(value, 20 if kind == 2 else 40)
        s.string(raw_host, 300).string(raw_origin, 300)
        # check_route
        method, path, query, ctype, host_kind, headers, body = route
        for value, options, max_len in ((method, 6, 10), (path, 14, 40)):
            s.int_in_range(value if isinstance(value, int) else options, 0, options)
            if not isinstance(value, int):
                s.string(value, max_len)
        s.string(query, 80)
        s.int_in_range(ctype, 0, 5)
        s.boolean(host_kind is not None)
        if host_kind is not None:
            s.boolean(host_kind)
        for h in ["accept", "mcp-protocol-version", "mcp-session-id", "last-event-id", "origin",
                  "mcp-method", "mcp-name", "user-agent", "authorization"]:
            s.boolean(h in headers)
            if h in headers:
                s.string(headers[h], 60)
        s.rest(body)
        return s.bytes()

    both = "application/json, text/event-stream"
    init = js(rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                 "clientInfo": {"name": "c", "version": "1"}}, 1))
    out = {
        "post-mcp-initialize": seed(
            0x12345678, both, "text/*;q=0.1", "a%20b+c%2Fd%E4%B8%AD",
            [("sessionId", "0123abcd"), ("x", "1 2")], "missing", "a=1&b=%zz&c",
            (False, (0, 8080), (0, 0, 3000), (0, None), "localhost:8080", "http://localhost"),
            (1, 0, "", 0, True, {"accept": both}, init)),
        "get-mcp-sse": seed(
            0, "text/event-stream", "", "%41%4", [], "sessionId", "sessionId=",
            (False, (2, None), None, (1, 1), "[::1]:80", "null"),
            (0, 0, "", 2, False, {"accept": "text/event-stream", "mcp-session-id": "abc",
                                  "last-event-id": "1-2"}, "")),
        "delete-mcp": seed(
            0xFFFFFFFF, "*/*", "application/*", "+%2B+", [("a", "")], "", "&&=&",
            (True, (5, 443), (1, 6, None), (2, "s3cret-token"), "EVIL.COM", "https://evil.com"),
            (2, 0, "", 0, True, {"mcp-protocol-version": "2025-06-18",
                                 "mcp-session-id": "0" * 32}, "")),
        "post-stateless": seed(
            7, "application/json", "TEXT/EVENT-STREAM", "%E4%B8", [("名", "值")], "名",
            "%E5%90%8D=%E5%80%BC",
            (False, (3, None), (1, 11, None), (3, "Basic dXNlcjpwYXNz"), "example.com",
             "https://app.example.com"),
            (1, 0, "", 0, True, {"accept": "application/json",
                                 "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call",
                                 "mcp-name": "get_orders"},
             js(rpc("tools/call", {"name": "get_orders", "arguments": {"limit": 1}}, 9)))),
        "rest-tools-call": seed(
            99, "application/json;q=0", "", "%", [], "x", "", (False, None, None, (0, None), "",
                                                             ""),
            (1, 5, "", 1, True, {}, js({"name": "get_products", "arguments": {"limit": 2}}))),
        "get-health": seed(
            1, "", "", "", [], "", "", (True, (1, 9), (4, 2, 1), (1, 2), "127.0.0.1", ""),
            (0, 9, "verbose=1", 3, None, {"user-agent": "curl/8"}, "")),
        "seed-sse": seed(
            5, " ", "\t", "%ZZ%20", [], "", "", (False, (0, None), None, (0, None), "", ""),
            (1, 1, "", 0, True, {}, js(rpc("ping", None, "p")))),
        "legacy-messages": seed(
            3, both, "", "", [("sessionId", "f" * 32)], "sessionid", "sessionId=%66%66",
            (False, (0, None), None, (0, None), "", ""),
            (1, 2, "sessionId=" + "ab" * 16, 0, True, {}, js(rpc("ping", None, 1)))),
        "unknown-path": seed(
            0, "", "", "", [], "", "", (False, None, None, (0, None), "", ""),
            ("PATCH", "/mcp/../etc/passwd", "a=%00", 5, False, {"origin": "http://evil.com"},
             "x")),
    }
    write("fuzz_http_request", out)


def event_ids_corpus():
    # check_resume input: ConsumeBool (false), version, history ops, the GET's headers.
    def resume(version, ops, session_choice, last, accept=None, proto=None):
        s = Seed().boolean(False).int_in_range(version, 0, 2)
        s.int_in_range(len(ops), 0, 24)
        streams = 0
        for op in ops:
            kind = op[0]
            s.int_in_range(kind, 0, 3)
            if kind == 0:
                streams += 1
                continue
            s.int_in_range(op[1], 0, max(streams - 1, 0) if streams else 3)
            if kind == 2:
                s.boolean(op[2]).string(op[3], 24)
        s.int_in_range(session_choice[0], 0, 4)
        if session_choice[0] == 2:
            at, ch, tail = session_choice[1]
            s.int_in_range(at, 0, 31).integral(ch, 8, True).boolean(tail is None)
            if tail is not None:
                s.string(tail, 4)
        elif session_choice[0] == 3:
            s.string(session_choice[1], 40)
        kind, value = last
        s.int_in_range(kind, 0, 4)
        if kind == 0:
            s.int_in_range(value, 0, 255)  # an index into the ids issued (fewer than 256)
        elif kind == 1:
            form, stream, seq = value
            s.int_in_range(form, 0, 11).int_in_range(stream, 0, streams + 2)
            s.boolean(False).int_in_range(seq, 0, 64)
        elif kind == 2:
            s.string(value, 48)
        s.boolean(accept is not None)
        if accept is not None:
            s.string(accept, 40)
        s.boolean(proto is not None)
        if proto is not None:
            s.string(proto, 12)
        return s.bytes()

    history = [(0,), (1, 0), (2, 0, False, "第一"), (2, 0, False, "second\nline"), (0,),
               (1, 1), (2, 1, True, "done"), (2, 0, False, "3"), (3, 0)]
    out = {
        "resume-issued": resume(2, history, (0,), (0, 3)),
        "resume-first": resume(0, history, (1,), (0, 0)),
        "resume-ended": resume(1, history, (0,), (0, 5)),
        "resume-leading-zero": resume(2, history, (0,), (1, (1, 1, 2))),
        "resume-plus": resume(2, history, (0,), (1, (3, 1, 2))),
        "resume-never-issued": resume(2, history, (0,), (1, (0, 1, 7))),
        "resume-unknown-stream": resume(2, history, (0,), (1, (0, 3, 1))),
        "resume-garbage": resume(2, history, (0,), (2, "1-\u0000-２")),
        "standalone": resume(2, history[:3], (0,), (4, None)),
        "standalone-empty-id": resume(2, history[:3], (0,), (3, None)),
        "session-near-miss": resume(2, history, (2, (5, ord("G"), None)), (0, 1)),
        "session-other": resume(2, history, (3, "4f2a" * 8), (0, 1)),
        "session-missing": resume(2, history, (4,), (0, 1)),
        "accept-json-only": resume(2, history, (0,), (0, 1), "application/json"),
        "version-stateless": resume(2, history, (0,), (0, 1), None, "2026-07-28"),
        "version-bad": resume(2, history, (0,), (0, 1), None, "2099-01-01"),
    }

    # check_legacy input: ConsumeBool (true), then the query's parameters.
    def legacy(params):
        s = Seed().boolean(True).int_in_range(len(params), 0, 4)
        for p in params:
            s.int_in_range(p[0], 0, 3)
            if p[0] == 0:
                whole, prefix, mask, plain_name = p[1:]
                s.boolean(whole)
                if not whole:
                    s.int_in_range(prefix, 0, 31)
                s.integral(mask, 32, False).boolean(plain_name)
            elif p[0] == 2:
                s.string(p[1], 40)
        return s.bytes()

    out.update({
        "legacy-plain": legacy([(0, True, 0, 0, True)]),
        "legacy-encoded": legacy([(1,), (0, True, 0, 0xA5A5A5A5, False)]),
        "legacy-prefix": legacy([(0, False, 8, 0, True)]),
        "legacy-first-wins": legacy([(2, "sessionId=nope"), (0, True, 0, 0, True)]),
        "legacy-no-value": legacy([(3,), (0, True, 0, 0, True)]),
        "legacy-none": legacy([]),
    })
    write("fuzz_event_ids", out)


def completion_corpus():
    out = {}
    templates = ["shop://products/{id}", "shop://orders/{transaction_id}",
                 "file:///{dir}/x/{name}.txt", "a{x}b{y}c", "{x}", "{x}-{y}", "x{a}{b}", "{+x}",
                 "q?{k}={v}#{f}", "{a}%41{b}", "{a}%{b}"]
    for i, t in enumerate(templates):
        s = Seed().int_in_range(0, 0, 3).int_in_range(i, 0, len(templates))
        for v in ["7", "中/文", "a b"][: t.count("{")]:
            s.string(v, 12)
        out["template-%02d" % i] = s.string("shop://products/42", 60).bytes()
    out["template-fuzz"] = (Seed().int_in_range(0, 0, 3).int_in_range(11, 0, 11)
                            .string("mail://{user}@{host}/{box}", 60).string("me", 12)
                            .string("example.com", 12).string("inbox", 12)
                            .string("mail://x@y/z", 60).bytes())
    reads = {
        "read-product": (0, "12"), "read-product-zero": (0, "0"), "read-product-plus": (0, "+3"),
        "read-product-space": (0, "%203"), "read-product-chinese": (0, "%E4%B8%AD"),
        "read-order": (1, True), "read-order-lower": (1, "txn000001"),
        "read-catalogue": (2, None), "read-other": (3, "shop://customers/1"),
    }
    for name, (kind, value) in reads.items():
        s = Seed().int_in_range(1, 0, 3).int_in_range(kind, 0, 3)
        if kind == 0:
            s.string(value, 12)
        elif kind == 1:
            s.int_in_range(5, 0, 299).boolean(value is True)
            if value is not True:
                s.string(value, 12)
        elif kind == 3:
            s.string(value, 40)
        out[name] = s.bytes()
    refs_prompt = ["sales_report", "customer_summary", "stock_check"]
    refs_resource = ["shop://products/{id}", "shop://orders/{transaction_id}", "shop://products"]
    args = ["status", "customer_name", "category", "id", "transaction_id", "date_from"]
    cases = {
        "complete-status": (True, 0, 0, "com"),
        "complete-customer": (True, 1, 1, "陳"),
        "complete-category": (True, 2, 2, "料"),
        "complete-product-id": (False, 0, 3, "1"),
        "complete-transaction": (False, 1, 4, "txn0001"),
        "complete-all-transactions": (False, 1, 4, ""),
        "complete-not-template": (False, 2, 4, "x"),
        "complete-unknown-arg": (True, 0, 5, "2025"),
    }
    for name, (prompt, ref, arg, value) in cases.items():
        s = Seed().int_in_range(2, 0, 3).boolean(prompt).int_in_range(ref, 0, 3)
        s.int_in_range(arg, 0, 6).boolean(False).string(value, 16).boolean(name.endswith("all"))
        if name.endswith("all"):
            s.string("2025-12-01", 12)
        out[name] = s.bytes()
    s = Seed().int_in_range(3, 0, 3).int_in_range(4, 0, 8)
    for c in ["pending", "processing", "completed", "Cancelled"]:
        s.string(c, 12)
    out["filter"] = s.string("c", 6).bytes()
    write("fuzz_completion", out)


def sse_corpus():
    def seed(name, id_, retry, data):
        return Seed().string(name, 64).string(id_, 64).int_in_range(retry, 0, 1 << 30, 32).rest(
            data).bytes()

    message = js(rpc("notifications/progress", {"progressToken": 1, "progress": 0.5,
                                                "message": "查詢中"}, None))
    out = {
        "json-message": seed("", "1-2", 2000, message),
        "multiline": seed("message", "3-17", 1000, "line one\nline two\r\nline three\n"),
        "empty": seed("", "", 0, ""),
        "endpoint": seed("endpoint", "", 5000, "/mcp/messages?sessionId=" + "ab" * 16),
        "trailing-newlines": seed("ping", "9-9", 15000, "\n\n\ndata: inner\n\n"),
        "chinese": seed("訂單", "一-二", 3, "您好\n附件是訂單。"),
        "record-separated": seed("", "5-1", 2000, "a\x1eb\nc\x1e\x1e"),
        "colon-lines": seed(":x", " 1", 2000, ": not a comment\nid: 7\nevent: evil"),
        "invalid-utf8": seed("", "1-1", 2000, b"\xff\xfe\xc3(\xe2\x82"),
        "nul": seed("", "1-1", 2000, b"a\x00b"),
    }
    write("fuzz_sse_frame", out)


def mime_corpus():
    def seed(subject, frm, to, text, attachments, used, line, date):
        s = Seed().string(subject, 400).string(frm, 300).string(to, 300).string(text, 600)
        s.int_in_range(len(attachments), 0, 2)
        for name, ctype, data in attachments:
            s.string(name, 200).boolean(ctype is not None)
            if ctype is not None:
                s.string(ctype, 100)
            s.string(data, 300)
        s.int_in_range(used, 0, 60).int_in_range(line, 1, 100).integral(date, 64, True)
        return s.bytes()

    xlsx = ("orders_20260101_000000.xlsx", None, b"PK\x03\x04" + bytes(range(40)))
    out = {
        "orders-export": seed("訂單資料匯出 Orders export 2026-01-01 00:00:00 UTC (3 records)",
                              "shop@example.com", "manager@example.org",
                              "您好，\n附件是訂單。\r\nline two\rline three", [xlsx], 9, 76,
                              1767225600),
        "ascii": seed("Orders export (3 records)", "a@b.co", "first.last+tag@mail.example.com",
                      "plain", [], 9, 76, 951782400),
        "emoji-late": seed("😀🎉 emoji and 中文 mixed", "x_y-z@sub-domain.hk", "o'neil@example.com",
                           "", [("報告.pdf", "application/pdf", b"%PDF")], 58, 64, 0),
        "encoded-word-trick": seed("a =?x?= trick", "a@b.co", "a@b.co", "x",
                                   [("long_" + "n" * 60 + ".txt", "text/plain", b"")], 20, 1, -1),
        "injection": seed("hi\r\nBcc: x@evil.com", "a@example.com\r\nBcc: x@evil.com",
                          "Name <a@example.com>", "", [], 9, 76, 1),
        "bad-filename": seed("s", "a@b.co", "c@d.co", "t",
                             [('a"b/c.txt', None, b"1"), ("", "x\r\ny", b"")], 9, 76, 2),
        "long-type": seed("s", "a@b.co", "c@d.co", "t",
                          [("訂單匯出_2026年1月1日的全部訂單資料與產品清單.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;x=1",
                            b"\x00\x01\x02")], 0, 3, 253402300799),
        "addresses": seed("", "a@localhost", "a..b@example.com", "", [], 0, 100, -62135596800),
    }
    write("fuzz_mime", out)


if __name__ == "__main__":
    jsonrpc_corpus()
    tool_args_corpus()
    http_corpus()
    event_ids_corpus()
    completion_corpus()
    sse_corpus()
    mime_corpus()
    for d in sorted(ROOT.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")
