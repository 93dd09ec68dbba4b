#!/usr/bin/env python3
"""Generates a results folder for `canary report` at scale (issue 11 item 4).

    bench/report-store.py FOLDER CANARIES RUNS [FAILING_PERCENT]

Writes FOLDER/runs.jsonl with CANARIES x RUNS one-step run records as canary writes them (one
compact JSON line each, in time order: every canary runs once a minute, the newest run ending
now), and FOLDER/events.jsonl with an ALARM event where a canary's run fails and an OK event at
its next pass. 1% of runs fail by default; a failing run has no run folder (the report then
shows no diff for it, as for a run whose exchanges were pruned). Deterministic (seeded).
"""
import json
import random
import sys
import time
import uuid


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def main():
    folder, canaries, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failing = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    rng = random.Random(11)
    now = time.time()
    alarmed = set()
    with open(folder + "/runs.jsonl", "w") as log, open(folder + "/events.jsonl", "w") as events:
        for r in range(runs):
            minute = now - (runs - r) * 60
            lines = []
            for c in range(canaries):
                name = "c%05d" % c
                start = minute + c * 60.0 / canaries
                passed = rng.random() * 100 >= failing
                total = round(rng.uniform(1, 30), 3)
                step = {"name": "get", "outcome": "passed" if passed else "failed", "statusCode": 200 if passed else 503,
                        "timings": {"dns": 0.05, "connect": 0.2, "tls": 0, "firstByte": round(total - 0.5, 3), "transfer": 0.5, "total": total},
                        "failures": [] if passed else [{"assertion": "status", "expected": "200", "actual": "503",
                                                        "message": "status: expected 200, got 503"}],
                        "request": {"method": "GET", "url": "http://127.0.0.1:8080/hello.txt"},
                        "response": {"httpVersion": "HTTP/1.1", "size": 3, "redirects": 0, "effectiveURL": "http://127.0.0.1:8080/hello.txt",
                                     "primaryIP": "127.0.0.1", "newConnections": 1}}
                run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(start)) + "-%04x" % rng.getrandbits(16)
                record = {"canary": name, "runId": run_id, "start": iso(start), "end": iso(start + total / 1000),
                          "durationMs": total, "passed": passed, "attempt": 1, "tags": {"team": "t%d" % (c % 10)},
                          "error": None if passed else "step get: status: expected 200, got 503",
                          "file": "canaries/%s.json" % name, "steps": [step]}
                lines.append(json.dumps(record, separators=(",", ":")))
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
            log.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
