#!/usr/bin/python3
"""Validates MISP event files against the MISP 2.4 JSON schema with Debian's python3-jsonschema.

    misp_schema.py SCHEMA FILE...

Prints one line per file that does not validate (its first error) and exits 1 if any, 0 otherwise;
exits 77 when jsonschema is not installed for this interpreter (scripts/setup installs it).
"""

import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed for /usr/bin/python3 (scripts/setup installs it)", file=sys.stderr)
    sys.exit(77)


def main() -> int:
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft4Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        try:
            document = json.load(open(path))
        except ValueError as e:
            print(f"{path}: not JSON: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        if errors:
            print(f"{path}: {errors[0].message} at {list(errors[0].path)}")
            bad += 1
    print(f"{len(sys.argv) - 2 - bad} of {len(sys.argv) - 2} events valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
