#!/usr/bin/env python3
"""Misbehaving HTTP servers for the fault tests, all on one loopback port, chosen by request path.

    hostile-server.py PORT

/ok             a healthy 200 "ok" (readiness check)
/hang           reads the request and never answers (holds the connection until the client leaves)
/reset          promises 100000 body bytes, sends 1000, then resets the connection (RST)
/drip           headers at once, then the body one byte every half second
/drip-headers   the status line, then the headers one byte every half second
/garbage        answers with bytes that are not HTTP, then closes
/binary         200 with 65536 random bytes (every byte value, NULs included), octet-stream
/loop           302 to itself, forever
/headers        200 with 2,000 response headers
/huge-headers   200 with 2,000 headers of 200 bytes each (400 kB, past libcurl's header limit)
/reflect?v=V&pad=N   401 whose reason phrase holds V, a header named X-Bad-V, and a body of N
                     bytes of padding, then V, then V in base64 (for the redaction tests)
/echo           200 whose body is the request exactly as received, head and body
/escape         200 with terminal escape sequences (ESC, BEL, CR) in a header value and the body
/flaky?key=K&fails=N   500 for the first N requests with key K, then 200 (a target that recovers,
                       for the retry tests; each test uses a key of its own)

Every connection has its own thread, so a hanging one never holds up the others. Each response
closes its connection (Connection: close). Prints "listening" once the socket is bound.
"""
import base64
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse

DRIP_INTERVAL = 0.5
# Nobody waits longer than this for a hanging or dripping answer; the thread then gives up.
GIVE_UP_AFTER = 120


def read_request_head(conn):
    """The request line and headers (up to the blank line), or None if the client left first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    return data


def read_rest(conn, head):
    """The whole request: the head plus a body of Content-Length bytes (a short wait for it)."""
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    body_start = head.index(b"\r\n\r\n") + 4
    data = head
    while len(data) - body_start < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def response_head(status, headers):
    lines = ["HTTP/1.1 " + status] + ["%s: %s" % pair for pair in headers] + ["Connection: close", "", ""]
    return "\r\n".join(lines).encode()


def ok(conn, path):
    conn.sendall(response_head("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")]) + b"ok\n")


def hang(conn, path):
    # recv returns b"" once the client closes; nothing is ever sent.
    while conn.recv(4096):
        pass


def reset(conn, path):
    conn.sendall(response_head("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "100000")]))
    conn.sendall(b"x" * 1000)
    time.sleep(0.2)  # let the client read what was sent before the reset
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def drip(conn, path):
    conn.sendall(response_head("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "1000")]))
    for _ in range(1000):
        conn.sendall(b"x")
        time.sleep(DRIP_INTERVAL)


def drip_headers(conn, path):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for byte in b"X-Slow: " + b"y" * 1000:
        conn.sendall(bytes([byte]))
        time.sleep(DRIP_INTERVAL)


def garbage(conn, path):
    # Starts like nothing HTTP would: an SSH banner, then binary noise.
    conn.sendall(b"SSH-2.0-OpenSSH_9.6 not-http\r\n" + bytes(random.Random(7).randrange(256) for _ in range(512)))


def binary(conn, path):
    body = bytes(range(256)) * 16 + os.urandom(65536 - 4096)
    conn.sendall(response_head("200 OK", [
        ("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))]) + body)


def loop(conn, path):
    conn.sendall(response_head("302 Found", [("Location", "/loop"), ("Content-Length", "0")]))


def headers(conn, path):
    many = [("X-Header-%04d" % i, "value-%04d" % i) for i in range(2000)]
    conn.sendall(response_head("200 OK", many + [("Content-Type", "text/plain"), ("Content-Length", "3")]) + b"ok\n")


def huge_headers(conn, path):
    many = [("X-Header-%04d" % i, "v" * 200) for i in range(2000)]
    conn.sendall(response_head("200 OK", many + [("Content-Type", "text/plain"), ("Content-Length", "3")]) + b"ok\n")


def query_value(query, name, default=""):
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return urllib.parse.unquote(value)
    return default


def reflect(conn, path, query="", request=b""):
    value = query_value(query, "v")
    pad = int(query_value(query, "pad", "0"))
    body = ("x" * pad + value + "\nbase64: " + base64.b64encode(value.encode()).decode() + "\n").encode()
    conn.sendall(response_head("401 Invalid token " + value, [
        ("X-Bad-" + value, "1"), ("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]) + body)


def echo(conn, path, query="", request=b""):
    conn.sendall(response_head("200 OK", [
        ("Content-Type", "text/plain"), ("Content-Length", str(len(request)))]) + request)


def escape(conn, path, query="", request=b""):
    body = b"body \x1b[2J\x1b]0;pwned\x07 end\n"
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Evil: a\x1b[31mred\x1b]0;title\x07\rb\r\nContent-Type: text/plain\r\n"
                 + b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


FLAKY_COUNTS = {}
FLAKY_LOCK = threading.Lock()


def flaky(conn, path, query="", request=b""):
    key = query_value(query, "key")
    with FLAKY_LOCK:
        seen = FLAKY_COUNTS.get(key, 0)
        FLAKY_COUNTS[key] = seen + 1
    failing = seen < int(query_value(query, "fails", "1"))
    body = b"not yet\n" if failing else b"ok\n"
    conn.sendall(response_head("500 Internal Server Error" if failing else "200 OK", [
        ("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]) + body)


WITH_REQUEST = {"/reflect": reflect, "/echo": echo, "/escape": escape, "/flaky": flaky}

ROUTES = {
    "/ok": ok, "/hang": hang, "/reset": reset, "/drip": drip, "/drip-headers": drip_headers,
    "/garbage": garbage, "/binary": binary, "/loop": loop, "/headers": headers,
    "/huge-headers": huge_headers,
}


def not_found(conn, path):
    conn.sendall(response_head("404 Not Found", [("Content-Length", "0")]))


def serve(conn):
    try:
        conn.settimeout(GIVE_UP_AFTER)
        head = read_request_head(conn)
        if head is None:
            return
        parts = head.split(b"\r\n", 1)[0].split(b" ")
        target = parts[1].decode("latin-1") if len(parts) > 1 else "/"
        path, _, query = target.partition("?")
        if path in WITH_REQUEST:
            WITH_REQUEST[path](conn, path, query, read_rest(conn, head))
        else:
            ROUTES.get(path, not_found)(conn, path)
    except OSError:
        pass  # the client went away: that is what clients of these servers do
    finally:
        conn.close()


def main():
    port = int(sys.argv[1])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(128)
    print("listening", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
