#!/usr/bin/python3
"""docs/events.md and schemas/events/ agree field for field.

    check_event_docs.py DOCS_EVENTS_MD SCHEMAS_DIR

The doc has a section per event type, headed `## \\`type\\`` or `### \\`type\\``, whose first table
lists the type's top-level fields: every backticked name in a row's first cell is a field
("`url` or `path`" names two). The "Common fields" table lists what every event carries. Fails
when a documented field is missing from the schema, a schema property is not documented, a type
has a schema but no section or a section but no schema.
"""

import json
import os
import re
import sys

HEADING = re.compile(r"^(#{2,3}) (.*)$")
TYPE_HEADING = re.compile(r"^`([a-z][a-z0-9_.]*)`$")
NAME = re.compile(r"`([A-Za-z0-9_]+)`")


def first_tables(lines):
    """{section title: [first-cell names of its first table]}"""
    tables = {}
    title = None
    in_table = False
    for line in lines:
        heading = HEADING.match(line)
        if heading:
            title = heading.group(2).strip()
            in_table = False
            continue
        if title is None:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if title in tables and not in_table:
                continue  # a later table in the same section
            if cells[0] in ("field", "type") or set(cells[0]) <= set("-: "):
                tables.setdefault(title, [])
                in_table = True
                continue
            if in_table:
                tables[title].append(NAME.findall(cells[0]))
        elif in_table:
            in_table = False
    return tables


def main():
    doc_path, schemas_dir = sys.argv[1], sys.argv[2]
    with open(doc_path, encoding="utf-8") as f:
        tables = first_tables(f.read().splitlines())
    common = {name for row in tables.get("Common fields", []) for name in row}
    if not common:
        print(f"{doc_path}: no 'Common fields' table")
        return 1
    documented = {}
    for title, rows in tables.items():
        m = TYPE_HEADING.match(title)
        if m:
            documented[m.group(1)] = {name for row in rows for name in row}
    schemas = {}
    for name in sorted(os.listdir(schemas_dir)):
        if name.endswith(".schema.json"):
            with open(os.path.join(schemas_dir, name), encoding="utf-8") as f:
                schemas[name[: -len(".schema.json")]] = set(json.load(f)["properties"])
    problems = []
    for kind in sorted(set(schemas) - set(documented)):
        problems.append(f"{kind}: schema without a section in {doc_path}")
    for kind in sorted(set(documented) - set(schemas)):
        problems.append(f"{kind}: documented but no schemas/events/{kind}.schema.json")
    for kind in sorted(set(schemas) & set(documented)):
        props = schemas[kind]
        for name in sorted(common - props):
            problems.append(f"{kind}: common field `{name}` missing from the schema")
        for name in sorted(documented[kind] - props):
            problems.append(f"{kind}: `{name}` documented but not in the schema")
        for name in sorted(props - common - documented[kind]):
            problems.append(f"{kind}: `{name}` in the schema but not documented")
    for p in problems:
        print(p)
    fields = sum(len(v) for v in documented.values())
    print(f"{len(documented)} documented types, {len(schemas)} schemas, {fields} documented fields, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
