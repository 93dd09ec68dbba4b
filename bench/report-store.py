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
        self.append_text(line + "\n", now)

    def append_text(self, text, now):
        """`text`: a whole line, newline included (ASCII: its length is its size in bytes)."""
        data = text.encode()
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


class Clock:
    """iso() and the run id's time with the formatted second cached: thousands of runs start in
    the same second, and time.strftime was most of the generator's time."""

    def __init__(self):
        self.second, self.iso, self.compact = None, "", ""

    def at(self, t):
        second = int(t // 1)
        if second != self.second:
            moment = time.gmtime(t)
            self.second, self.iso, self.compact = second, time.strftime("%Y-%m-%dT%H:%M:%S", moment), time.strftime("%Y%m%dT%H%M%SZ", moment)
        return self

    def text(self, t):
        return self.at(t).iso + ".%03dZ" % int((t % 1) * 1000)


# A run's line, as canary encodes it (json.dumps with compact separators gives the same bytes;
# formatting a template instead is what makes 10,000,000 runs take minutes, not an hour).
PASSED = ('{"canary":"%s","runId":"%s","start":"%s","end":"%s","durationMs":%r,"passed":true,"attempt":1,"tags":{"team":"%s"},'
          '"file":"canaries/%s.json","steps":[{"name":"get","outcome":"passed","statusCode":200,'
          '"timings":{"dns":0.05,"connect":0.2,"tls":0,"firstByte":%r,"transfer":0.5,"total":%r},"failures":[],'
          '"request":{"method":"GET","url":"http://127.0.0.1:8080/hello.txt"},'
          '"response":{"httpVersion":"HTTP/1.1","size":3,"redirects":0,"effectiveURL":"http://127.0.0.1:8080/hello.txt",'
          '"primaryIP":"127.0.0.1","newConnections":1}}]}\n')
FAILED = ('{"canary":"%s","runId":"%s","start":"%s","end":"%s","durationMs":%r,"passed":false,"attempt":1,"tags":{"team":"%s"},'
          '"error":"step get: status: expected 200, got 503",'
          '"file":"canaries/%s.json","steps":[{"name":"get","outcome":"failed","statusCode":503,'
          '"timings":{"dns":0.05,"connect":0.2,"tls":0,"firstByte":%r,"transfer":0.5,"total":%r},'
          '"failures":[{"assertion":"status","expected":"200","actual":"503","message":"status: expected 200, got 503"}],'
          '"request":{"method":"GET","url":"http://127.0.0.1:8080/hello.txt"},'
          '"response":{"httpVersion":"HTTP/1.1","size":3,"redirects":0,"effectiveURL":"http://127.0.0.1:8080/hello.txt",'
          '"primaryIP":"127.0.0.1","newConnections":1}}]}\n')


def main():
    folder, canaries, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failing = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    rng = random.Random(11)
    random_, uniform, bits = rng.random, rng.uniform, rng.getrandbits
    now = time.time()
    alarmed = set()
    log = Segments(folder, random.Random(12))
    starts, ends = Clock(), Clock()
    names = ["c%05d" % c for c in range(canaries)]
    teams = ["t%d" % (c % 10) for c in range(canaries)]
    append = log.append_text
    with open(folder + "/events.jsonl", "w") as events:
        for r in range(runs):
            minute = now - (runs - r) * 60
            for c in range(canaries):
                name = names[c]
                start = minute + c * 60.0 / canaries
                passed = random_() * 100 >= failing
                total = round(uniform(1, 30), 3)
                if int(start // 1) != starts.second:
                    starts.at(start)
                run_id = starts.compact + "-%04x" % bits(16)
                end = start + total / 1000
                if int(end // 1) != ends.second:
                    ends.at(end)
                first_byte = round(total - 0.5, 3)
                line = (PASSED if passed else FAILED) % (
                    name, run_id, starts.iso + ".%03dZ" % int((start % 1) * 1000), ends.iso + ".%03dZ" % int((end % 1) * 1000),
                    number(total), teams[c], name, number(first_byte), number(total))
                append(line, end)
                if passed != (name in alarmed):
                    continue
                state, previous = ("OK", "ALARM") if passed else ("ALARM", "OK")
                (alarmed.discard if passed else alarmed.add)(name)
                events.write(json.dumps({"version": "1", "id": str(uuid.UUID(int=bits(128))),
                                         "detail-type": "Canary Alarm State Change", "source": "canary",
                                         "time": starts.text(start)[:19] + "Z", "account": "", "region": "", "resources": [name],
                                         "detail": {"canary": name, "runId": run_id, "tags": {}, "previousState": previous,
                                                    "state": state, "reason": "1 of the last 1 runs failed",
                                                    "step": None if passed else "get",
                                                    "failure": None if passed else "status: expected 200, got 503"}},
                                        separators=(",", ":")) + "\n")
    log.close()


if __name__ == "__main__":
    main()
