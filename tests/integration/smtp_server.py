"""A local SMTP server for the integration tests, on 127.0.0.1 and a free port.

Run with Debian's /usr/bin/python3 (aiosmtpd comes from python3-aiosmtpd):
  smtp_server.py --port-file F --out DIR [--user U --password-file P]   accepts and saves mail
  smtp_server.py --port-file F --hang                                  never greets

Accepting mode saves each message as received to DIR/N.eml (N = 1, 2, ...) and logs one line per
message with its size and timings to stdout. The recipient decides refusals:
refuse-rcpt@... gets 550 at RCPT TO, refuse-data@... gets 554 after DATA (nothing is saved).
With --user, AUTH (PLAIN or LOGIN, allowed without TLS on loopback) is required before MAIL.
Hanging mode accepts TCP connections and never writes a byte.
The port is written to the port file once the server listens.
"""

import argparse
import asyncio
import os
import sys
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Handler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("refuse-rcpt@"):
            log(f"RCPT {address}: refused with 550")
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        size = len(envelope.original_content or envelope.content)
        data_ms = (time.monotonic() - session.data_started) * 1000
        session_ms = (time.monotonic() - session.connected_at) * 1000
        if any(r.lower().startswith("refuse-data@") for r in envelope.rcpt_tos):
            log(f"DATA for {envelope.rcpt_tos}: {size} bytes refused with 554")
            return "554 5.6.0 Message refused"
        self.count += 1
        path = os.path.join(self.out_dir, f"{self.count}.eml")
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)  # a reader never sees half a message
        log(f"message {self.count}: from {envelope.mail_from} to {envelope.rcpt_tos}, "
            f"auth {session.auth_data}, "
            f"{size} bytes; DATA {data_ms:.1f} ms, session {session_ms:.1f} ms")
        return "250 OK: queued"


class TimedSMTP(SMTP):
    """Notes when the connection came and when DATA began, for the timing log lines."""

    def connection_made(self, transport):
        super().connection_made(transport)
        self.session.connected_at = time.monotonic()
        self.session.data_started = time.monotonic()

    async def smtp_DATA(self, arg):
        self.session.data_started = time.monotonic()
        await super().smtp_DATA(arg)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        log(f"AUTH {mechanism} as {auth_data.login.decode()}: {'ok' if ok else 'refused'}")
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode())
    return check


async def hang(reader, writer):
    log("connection accepted; never answering")
    try:
        await reader.read()  # until the client gives up
    finally:
        writer.close()
    log("client hung up")


async def main():
    warnings.simplefilter("ignore")  # AUTH without TLS is what this loopback server is for
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--out")
    p.add_argument("--hang", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password-file")
    a = p.parse_args()
    loop = asyncio.get_running_loop()
    if a.hang:
        server = await asyncio.start_server(hang, "127.0.0.1", 0)
    else:
        handler = Handler(a.out)
        kwargs = {}
        if a.user:
            with open(a.password_file) as f:
                password = f.read().strip()
            kwargs = dict(authenticator=authenticator(a.user, password), auth_required=True,
                          auth_require_tls=False)
        server = await loop.create_server(
            lambda: TimedSMTP(handler, hostname="smtp.test", **kwargs), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(a.port_file + ".part", "w") as f:
        f.write(str(port))
    os.rename(a.port_file + ".part", a.port_file)
    log(f"listening on 127.0.0.1:{port} ({'hang' if a.hang else 'accept'})")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
