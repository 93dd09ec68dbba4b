#!/usr/bin/env python3
"""Reads a JUnit XML file with junitparser (a real parser, as CI dashboards use) and prints what
it found as JSON, for the tests to compare: the totals, then every suite and testcase in file
order with its final result, its rerun/flaky results and its system-out.

    junit-check.py FILE       (run with the test venv's python: scripts/test-servers.sh installs it)
"""
import json
import sys

from junitparser import xunit2


def result(entry):
    return {"kind": entry._tag, "message": entry.message, "type": entry.type, "text": entry.text or ""}


def case(testcase):
    return {
        "name": testcase.name,
        "classname": testcase.classname,
        "time": testcase.time,
        "result": [result(r) for r in testcase.result],
        "interim": [result(r) for r in testcase.interim_result],
        "systemOut": testcase.system_out or "",
    }


def main(path):
    xml = xunit2.JUnitXml.fromfile(path)
    suites = list(xml) if xml._tag == "testsuites" else [xml]
    print(json.dumps({
        "tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "time": xml.time,
        "suites": [{"name": s.name, "tests": s.tests, "skipped": s.skipped, "time": s.time,
                    "cases": [case(c) for c in s]} for s in suites],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
