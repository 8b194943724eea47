#!/usr/bin/python3
"""Expected STIX ids for stix_id_test.cpp, computed independently of kansoku's C++: Python's own
uuid.uuid5 over json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False), which is
RFC 8785 for these inputs (string and integer values, keys that sort alike in UTF-8 and UTF-16).
Run it and compare with the constants in the test when a case is added:

    /usr/bin/python3 tests/unit/share/stix/expected_ids.py
"""
import json
import uuid

SCO = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")  # STIX 2.1 section 2.9
KANSOKU = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kansoku:stix-2.1:object-ids")


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sco(type_, contributing):
    return f"{type_}--{uuid.uuid5(SCO, canonical(contributing))}"


def sdo(producer, type_, name):
    """The UUIDv5 computation, marked version 4 (STIX wants UUIDv4 for everything but SCOs)."""
    five = uuid.uuid5(uuid.uuid5(KANSOKU, "producer|" + producer), name)
    return f"{type_}--{uuid.UUID(int=five.int, version=4)}"


print("kansoku namespace", KANSOKU)
for type_, contributing in [
    ("ipv4-addr", {"value": "198.51.100.3"}),  # the spec's own example (section 2.9)
    ("domain-name", {"value": "example.com"}),  # the spec's domain-name example
    ("ipv4-addr", {"value": "203.0.113.66"}),
    ("ipv6-addr", {"value": "2001:db8:c2::66"}),
    ("ipv4-addr", {"value": "198.51.100.0/24"}),
    ("domain-name", {"value": "cnc.example.test"}),
    ("domain-name", {"value": "bücher.example"}),
    ("file", {"hashes": {"MD5": "d41d8cd98f00b204e9800998ecf8427e"}}),
    ("file", {"hashes": {"SHA-256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}),
    ("network-traffic", {"start": "2026-12-01T00:00:00.000Z", "end": "2026-12-02T00:00:00.000Z",
                         "dst_ref": sco("ipv4-addr", {"value": "0.0.0.0/0"}), "dst_port": 23,
                         "protocols": ["ipv4", "tcp"]}),
]:
    print(canonical(contributing), sco(type_, contributing))
for name in ["identity|producer", "indicator|ipv4|198.51.100.7", "malware|family|mirai",
             "attack-pattern|mitre-attack|T1046"]:
    type_ = name.split("|")[0]
    print("kansoku", name, sdo("kansoku", type_, name))
print("python.org (RFC 9562 DNS namespace)", uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"))
