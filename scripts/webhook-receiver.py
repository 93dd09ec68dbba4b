#!/usr/bin/env python3
"""A webhook for the event-sink tests, on 127.0.0.1:PORT.

    webhook-receiver.py PORT OUTFILE MODE

MODE=record  append each POST body as one line to OUTFILE, answer 200 (415 unless the
             Content-Type is application/json, so a recorded line proves the header was sent)
MODE=fail    append each POST body as one line to OUTFILE, answer 500 (to count retries)
MODE=hang    accept connections, read nothing, never answer
MODE=limit   rate-limited like Slack: at most one POST a second is accepted (recorded, 200);
             the others get 429 with Retry-After: 1 and are not recorded

Prints "listening" on stdout once the socket is bound, so the caller knows when to start.
"""
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, outfile, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
last_accepted = [0.0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        json_type = self.headers.get("Content-Type", "").startswith("application/json")
        if mode == "limit":
            with lock:
                now = time.monotonic()
                limited = now - last_accepted[0] < 1.0
                if not limited:
                    last_accepted[0] = now
                    with open(outfile, "ab") as out:
                        out.write(body + b"\n")
            self.send_response(429 if limited else 200)
            if limited:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if json_type or mode == "fail":
            with lock, open(outfile, "ab") as out:
                out.write(body + b"\n")
        status = 500 if mode == "fail" else (200 if json_type else 415)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def hang():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    print("listening", flush=True)
    held = []
    while True:
        connection, _ = server.accept()
        held.append(connection)  # kept open and never read: the client waits for an answer


if mode == "hang":
    hang()
elif mode in ("record", "fail", "limit"):
    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening", flush=True)
    httpd.serve_forever()
else:
    sys.exit(f"unknown MODE {mode!r}: use record, fail, limit or hang")
