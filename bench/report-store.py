#!/usr/bin/env python3
"""Generates a results folder for `canary report` at scale (issue 11 item 4).

    bench/report-store.py FOLDER CANARIES RUNS [FAILING_PERCENT]

Writes the run log as canary writes it: segments FOLDER/runs/<time>-<id>.jsonl, each begun at
the time of its first record and rolled like canary's (past 64 MiB or an hour), holding
CANARIES x RUNS one-step run records (one compact JSON line each, byte for byte as canary
encodes them; in time order: every canary runs once a minute, the newest run ending now; the
unit test RunSummariesBenchStoreTests checks the bytes against canary's encoder), and FOLDER/events.jsonl with an ALARM event where a canary's run fails and an OK event at
its next pass. 1% of runs fail by default; a failing run has no run folder (the report then
shows no diff for it, as for a run whose exchanges were pruned). Deterministic (seeded).
"""
import json
import os
import random
import sys
import time
import uuid

SEGMENT_BYTES = 64 << 20
SEGMENT_SECONDS = 3600


class Segments:
    """The run log as canary's SegmentedLog writes it: a new segment when a line would take the
    current one past SEGMENT_BYTES or it is SEGMENT_SECONDS old, named by when it was begun."""

    def __init__(self, folder, rng):
        self.folder, self.rng = folder + "/runs", rng
        os.makedirs(self.folder, exist_ok=True)
        self.file, self.size, self.begun = None, 0, 0.0

    def append(self, line, now):
        data = (line + "\n").encode()
        if self.file is None or (self.size > 0 and (self.size + len(data) > SEGMENT_BYTES or now - self.begun >= SEGMENT_SECONDS)):
            if self.file:
                self.file.close()
            name = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now)) + "-%04x" % self.rng.getrandbits(16)
            self.file, self.size, self.begun = open(self.folder + "/" + name + ".jsonl", "wb", buffering=1 << 20), 0, now
        self.file.write(data)
        self.size += len(data)

    def close(self):
        if self.file:
            self.file.close()


def number(x):
    """As canary writes a number: 27, not Python's 27.0."""
    return int(x) if x == int(x) else x


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def main():
    folder, canaries, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failing = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    rng = random.Random(11)
    now = time.time()
    alarmed = set()
    log = Segments(folder, random.Random(12))
    with open(folder + "/events.jsonl", "w") as events:
        for r in range(runs):
            minute = now - (runs - r) * 60
            for c in range(canaries):
                name = "c%05d" % c
                start = minute + c * 60.0 / canaries
                passed = rng.random() * 100 >= failing
                total = round(rng.uniform(1, 30), 3)
                step = {"name": "get", "outcome": "passed" if passed else "failed", "statusCode": 200 if passed else 503,
                        "timings": {"dns": 0.05, "connect": 0.2, "tls": 0, "firstByte": number(round(total - 0.5, 3)), "transfer": 0.5, "total": number(total)},
                        "failures": [] if passed else [{"assertion": "status", "expected": "200", "actual": "503",
                                                        "message": "status: expected 200, got 503"}],
                        "request": {"method": "GET", "url": "http://127.0.0.1:8080/hello.txt"},
                        "response": {"httpVersion": "HTTP/1.1", "size": 3, "redirects": 0, "effectiveURL": "http://127.0.0.1:8080/hello.txt",
                                     "primaryIP": "127.0.0.1", "newConnections": 1}}
                run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(start)) + "-%04x" % rng.getrandbits(16)
                record = {"canary": name, "runId": run_id, "start": iso(start), "end": iso(start + total / 1000),
                          "durationMs": number(total), "passed": passed, "attempt": 1, "tags": {"team": "t%d" % (c % 10)}}
                if not passed:  # canary leaves a nil error out
                    record["error"] = "step get: status: expected 200, got 503"
                record.update({"file": "canaries/%s.json" % name, "steps": [step]})
                log.append(json.dumps(record, separators=(",", ":")), start + total / 1000)
                if passed != (name in alarmed):
                    continue
                state, previous = ("OK", "ALARM") if passed else ("ALARM", "OK")
                (alarmed.discard if passed else alarmed.add)(name)
                events.write(json.dumps({"version": "1", "id": str(uuid.UUID(int=rng.getrandbits(128))),
                                         "detail-type": "Canary Alarm State Change", "source": "canary",
                                         "time": iso(start)[:19] + "Z", "account": "", "region": "", "resources": [name],
                                         "detail": {"canary": name, "runId": run_id, "tags": {}, "previousState": previous,
                                                    "state": state, "reason": "1 of the last 1 runs failed",
                                                    "step": None if passed else "get",
                                                    "failure": None if passed else "status: expected 200, got 503"}},
                                        separators=(",", ":")) + "\n")
    log.close()


if __name__ == "__main__":
    main()
