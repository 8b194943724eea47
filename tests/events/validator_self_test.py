#!/usr/bin/python3
"""The schema check must be able to fail: validate_events.py on a tap holding one valid event
passes; with an event missing a required field, of a wrong type, with a wrong enum value, of an
unknown type or with an undeclared field it fails and names the problem; an empty tap fails.

    validator_self_test.py VALIDATE_EVENTS_PY SCHEMAS_DIR
"""

import json
import os
import subprocess
import sys
import tempfile

VALID = {
    "type": "honeypot.login", "ts": "2026-01-01T00:00:00.000000Z", "sensor": "s", "v": 1,
    "session": "00000000000000ab", "src": "192.0.2.1", "src_port": 40000, "dst_port": 2323, "protocol": "telnet",
    "username": "\ufffd\ufffdadmin", "username_b64": "/oBhZG1pbg==", "password": "x", "success": False, "attempt": 1,
}


def run(validator, schemas, events):
    with tempfile.TemporaryDirectory() as tap:
        with open(os.path.join(tap, "events-1.jsonl"), "w", encoding="utf-8") as f:
            for event in events:
                f.write((event if isinstance(event, str) else json.dumps(event)) + "\n")
        result = subprocess.run([sys.executable, validator, "--schemas", schemas, "--tap", tap],
                                capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr


def changed(**fields):
    event = dict(VALID)
    for key, value in fields.items():
        if value is None:
            del event[key]
        else:
            event[key] = value
    return event


def main():
    validator, schemas = sys.argv[1], sys.argv[2]
    failures = 0

    def expect(name, events, code, text):
        nonlocal failures
        got, out = run(validator, schemas, events)
        ok = got == code and text in out
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {got}")
        if not ok:
            print(f"     expected exit {code} and {text!r} in:\n{out}")
            failures += 1

    expect("valid event passes and is counted", [VALID], 0, "1  honeypot.login")
    expect("missing required field", [changed(attempt=None)], 1, "'attempt' is a required property")
    expect("missing v", [changed(v=None)], 1, "'v' is a required property")
    expect("wrong type", [changed(src_port="40000")], 1, "is not of type 'integer'")
    expect("wrong enum value", [changed(method="telepathy")], 1, "is not one of")
    expect("bad base64", [changed(username_b64="not base64!")], 1, "does not match")
    expect("unknown type", [changed(type="honeypot.teleport")], 1, "no schema for type 'honeypot.teleport'")
    expect("undeclared field", [changed(colour="red")], 1, "fields not in the schema (document them): colour")
    expect("not JSON", ["{\"type\":"], 1, "not JSON")
    expect("one bad among good", [VALID, changed(success="yes"), VALID], 1, "1 invalid")
    expect("no events at all", [], 1, "no events")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
