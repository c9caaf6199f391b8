#!/usr/bin/env python3
"""Holds a listening unix socket and runs a program on it the way systemd runs a socket-activated
service: the socket on fd 3, LISTEN_FDS=1 and LISTEN_PID=<the program's pid>, NOTIFY_SOCKET
pointing at a datagram socket whose messages (READY=1, STOPPING=1, ...) are appended to
NOTIFY_LOG. SIGHUP restarts the program as `systemctl restart` does: SIGTERM, wait for it to
exit, wait GAP seconds, start it again, while the socket stays open (connections made meanwhile
wait in its backlog). SIGTERM stops the program and exits.

usage: socket_holder.py SOCKET_PATH PID_FILE NOTIFY_LOG GAP_SECONDS -- PROGRAM [ARGS...]
The program's pid is written to PID_FILE at each start; its environment is this one's.
"""
import os
import signal
import socket
import subprocess
import sys
import threading


def main():
    if len(sys.argv) < 7 or sys.argv[5] != "--":
        sys.exit(__doc__)
    path, pid_file, notify_log, gap = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    program = sys.argv[6:]

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)
    listener.bind(path)
    listener.listen(4096)
    if listener.fileno() != 3:
        os.dup2(listener.fileno(), 3)

    notify_path = path + ".notify"
    if os.path.exists(notify_path):
        os.unlink(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)

    def record_notifications():
        while True:
            msg = notify.recv(4096).decode("utf-8", "replace")
            with open(notify_log, "a", encoding="utf-8") as f:
                f.write(msg.replace("\n", " ") + "\n")

    threading.Thread(target=record_notifications, daemon=True).start()

    def set_listen_pid():  # in the child, before exec: the pid is the program's own
        os.environ["LISTEN_PID"] = str(os.getpid())

    env_base = {"LISTEN_FDS": "1", "NOTIFY_SOCKET": notify_path}
    os.environ.update(env_base)

    def start():
        child = subprocess.Popen(program, pass_fds=(3,), preexec_fn=set_listen_pid,
                                 stdin=subprocess.DEVNULL)
        with open(pid_file, "w", encoding="utf-8") as f:
            f.write(f"{child.pid}\n")
        return child

    events = []
    cond = threading.Condition()

    def on_signal(signum, _frame):
        with cond:
            events.append(signum)
            cond.notify()

    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    child = start()
    while True:
        with cond:
            while not events and child.poll() is None:
                cond.wait(0.1)
            signum = events.pop(0) if events else None
        if signum is None:  # the program exited by itself: so does the holder, with its status
            sys.exit(child.returncode if child.returncode >= 0 else 1)
        child.send_signal(signal.SIGTERM)
        child.wait()
        if signum != signal.SIGHUP:
            sys.exit(0)
        with open(notify_log, "a", encoding="utf-8") as f:
            f.write(f"# holder: program exited with {child.returncode}; restarting in {gap}s\n")
        threading.Event().wait(gap)
        child = start()


if __name__ == "__main__":
    main()
