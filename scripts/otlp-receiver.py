#!/usr/bin/env python3
"""A test OTLP/HTTP receiver on loopback: decodes every export with the official
opentelemetry-proto package and keeps what it received for the tests to read back.

    otlp-receiver.py PORT

POST /<mode>/<bucket>/v1/traces and /<mode>/<bucket>/v1/metrics take OTLP/HTTP JSON. Each is
decoded with google.protobuf.json_format.Parse into ExportTraceServiceRequest or
ExportMetricsServiceRequest, unknown fields rejected (400). As the OTLP spec says, the JSON
encoding spells trace and span ids as hex strings where protobuf's JSON mapping would use base64:
they are checked (32 or 16 hex digits) and converted first. <mode> says how to answer:
    ok     200 {} once decoded
    hang   read the request, never answer (the client's timeout must end it)
    flaky  503 with Retry-After: 1 to the first request of each bucket and signal, then as ok
<bucket> is any name a test chooses, so tests running at once never see each other's exports.
GET /received/<bucket> answers {"traces": [...], "metrics": [...], "headers": [...],
"rejected": [...]}: every decoded request (as MessageToDict, ids back in hex), the headers of
every request, and why each refused one was refused.
"""
import base64
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

SIGNALS = {"traces": ExportTraceServiceRequest, "metrics": ExportMetricsServiceRequest}
ID_LENGTHS = {"traceId": 32, "spanId": 16, "parentSpanId": 16}

lock = threading.Lock()
buckets = {}
answered_once = set()


def bucket(name):
    return buckets.setdefault(name, {"traces": [], "metrics": [], "headers": [], "rejected": []})


def ids_to_base64(value):
    """OTLP JSON ids (hex) to protobuf JSON bytes (base64); a malformed id raises ValueError."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ID_LENGTHS and isinstance(item, str):
                if item == "" and key == "parentSpanId":
                    out[key] = ""
                    continue
                if not re.fullmatch("[0-9a-fA-F]{%d}" % ID_LENGTHS[key], item):
                    raise ValueError("%s %r is not %d hex digits" % (key, item, ID_LENGTHS[key]))
                out[key] = base64.b64encode(bytes.fromhex(item)).decode()
            else:
                out[key] = ids_to_base64(item)
        return out
    if isinstance(value, list):
        return [ids_to_base64(item) for item in value]
    return value


def ids_to_hex(value):
    if isinstance(value, dict):
        return {key: (base64.b64decode(item).hex() if key in ID_LENGTHS and isinstance(item, str) else ids_to_hex(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [ids_to_hex(item) for item in value]
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"{}", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if parts == ["ok"]:
            return self.answer(200, b"ok")
        if len(parts) == 2 and parts[0] == "received":
            with lock:
                body = json.dumps(bucket(parts[1])).encode()
            return self.answer(200, body)
        self.answer(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        parts = self.path.strip("/").split("/")
        if len(parts) != 4 or parts[2] != "v1" or parts[3] not in SIGNALS or parts[0] not in ("ok", "hang", "flaky"):
            return self.answer(404, b'{"message": "POST /<ok|hang|flaky>/<bucket>/v1/<traces|metrics>"}')
        mode, name, signal = parts[0], parts[1], parts[3]
        if mode == "hang":
            time.sleep(3600)
            return
        with lock:
            bucket(name)["headers"].append({key.lower(): value for key, value in self.headers.items()})
            first = (name, signal) not in answered_once
            answered_once.add((name, signal))
        if mode == "flaky" and first:
            return self.answer(503, b'{"message": "try again"}', [("Retry-After", "1")])
        problem = None
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            problem = "Content-Type %r is not application/json" % self.headers.get("Content-Type")
        else:
            try:
                message = json_format.Parse(json.dumps(ids_to_base64(json.loads(body))), SIGNALS[signal]())
            except (ValueError, json_format.ParseError) as error:
                problem = "%s: %s" % (type(error).__name__, error)
        with lock:
            if problem:
                bucket(name)["rejected"].append(problem)
            else:
                bucket(name)[signal].append(ids_to_hex(json_format.MessageToDict(message)))
        if problem:
            return self.answer(400, json.dumps({"message": problem}).encode())
        self.answer(200)


class Server(ThreadingHTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
