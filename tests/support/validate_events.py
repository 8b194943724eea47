#!/usr/bin/python3
"""Checks events against their JSON Schemas (schemas/events/<type>.schema.json, draft 2020-12).

    validate_events.py --schemas DIR --reset TAP_DIR            empty the tap (CTest FIXTURES_SETUP)
    validate_events.py --schemas DIR [--tap TAP_DIR] [FILE...]  validate every line (FIXTURES_CLEANUP)

Every line of every events-*.jsonl in TAP_DIR (written by the test processes when KANSOKU_EVENT_TAP is
set, src/common/event_tap.h) and of each FILE must be a JSON object whose `type` has a schema, must
validate against it and, because our own events must be documented, may only use top-level fields
the schema declares (the published schemas allow more, for sensors one version newer; see
docs/events.md "Versions"). Prints the count per type; exits 1 on any failure or when no event at
all was checked. Runs with Debian's python3-jsonschema (4.10 has Draft202012Validator).
"""

import argparse
import collections
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator

MAX_REPORTED = 20


def load_schemas(directory):
    schemas = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.schema.json"))):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        name = os.path.basename(path)[: -len(".schema.json")]
        if schema["properties"]["type"].get("const") != name:
            raise SystemExit(f"{path}: properties.type.const must be {name!r}")
        schemas[name] = (Draft202012Validator(schema), set(schema["properties"]))
    return schemas


def check_line(schemas, line):
    """The event's type and a list of problems (empty when valid)."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError as e:
        return "(not json)", [f"not JSON: {e}"]
    if not isinstance(event, dict):
        return "(not an object)", ["not a JSON object"]
    kind = event.get("type")
    if not isinstance(kind, str) or kind not in schemas:
        return str(kind), [f"no schema for type {kind!r} (add schemas/events/{kind}.schema.json)"]
    validator, declared = schemas[kind]
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(event)'}: {e.message}" for e in validator.iter_errors(event)]
    undeclared = sorted(set(event) - declared)
    if undeclared:
        problems.append(f"fields not in the schema (document them): {', '.join(undeclared)}")
    return kind, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schemas", required=True)
    parser.add_argument("--tap", help="directory of events-*.jsonl written by the tap")
    parser.add_argument("--reset", metavar="TAP_DIR", help="create TAP_DIR empty and exit")
    parser.add_argument("files", nargs="*", help="more JSON-lines files (golden baselines)")
    args = parser.parse_args()

    if args.reset:
        os.makedirs(args.reset, exist_ok=True)
        for path in glob.glob(os.path.join(args.reset, "events-*.jsonl")):
            os.remove(path)
        print(f"event tap {args.reset} emptied")
        return 0

    schemas = load_schemas(args.schemas)
    inputs = list(args.files)
    if args.tap:
        inputs += sorted(glob.glob(os.path.join(args.tap, "events-*.jsonl")))
    counts = collections.Counter()
    failures = 0
    for path in inputs:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                kind, problems = check_line(schemas, line)
                counts[kind] += 1
                if problems:
                    failures += 1
                    if failures <= MAX_REPORTED:
                        print(f"INVALID {path}:{number} ({kind}): {'; '.join(problems)}")
                        print(f"        {line.strip()[:400]}")
    total = sum(counts.values())
    for kind, count in sorted(counts.items()):
        print(f"{count:8d}  {kind}")
    print(f"{total} events checked from {len(inputs)} files against {len(schemas)} schemas, {failures} invalid")
    if total == 0:
        print("no events: is KANSOKU_EVENT_TAP set for the tests?")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
