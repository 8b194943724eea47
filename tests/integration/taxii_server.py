#!/usr/bin/env python3
"""The TAXII 2.1 server end to end (issue 12 item 2 and the TLP rules of item 3) with the real binary, the OASIS
TAXII 2.1 client (`taxii-walk` in $KANSOKU_SHARED/tools, taxii2-client + stix2-validator) and raw HTTP:

- `kansoku partner add|list|rotate|remove`: secrets printed once, only hashes stored, bad input one line;
- partners of two communities and three TLP ceilings; objects contributed by POST (status resources,
  invalid objects refused one by one, nothing of them stored);
- the OASIS client walks discovery, API roots, collections and every page, and every object validates;
- the spec by hand: media types (406, 415), 401/404, discovery and roots per community, pagination with
  `next` (added_after honoured on every page, a token refused with other filters), each match[] filter,
  object, versions, manifest, status, X-TAXII-Date-Added-First/Last;
- a partner never receives an object above its ceiling, on any endpoint (every answer is scanned);
- `kansoku sharing log` lists what was given to whom.

Usage: taxii_server.py PATH/TO/kansoku
"""

import base64
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402
import store_choice  # noqa: E402

TAXII = "application/taxii+json;version=2.1"
TLP = {"clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
       "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
       "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
       "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
       "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}
ADMIN = "integ-admin-key"
IDENTITY = "identity--" + str(uuid.uuid4())


def indicator(address: str, tlp: str, modified: str = "2026-12-01T00:00:00.000Z") -> dict:
    return {"type": "indicator", "spec_version": "2.1", "id": "indicator--" + str(uuid.uuid4()),
            "created": "2026-12-01T00:00:00.000Z", "modified": modified, "created_by_ref": IDENTITY,
            "name": f"C2 {address}", "description": "a test C2 address (TEST-NET)",
            "indicator_types": ["malicious-activity"], "pattern": f"[ipv4-addr:value = '{address}']",
            "pattern_type": "stix", "valid_from": "2026-12-01T00:00:00Z", "object_marking_refs": [TLP[tlp]]}


class Http:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def request(self, method, path, auth=None, accept=TAXII, body=None, content_type=TAXII):
        headers = {}
        if accept is not None:
            headers["Accept"] = accept
        if auth is not None:
            headers["Authorization"] = auth
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def main() -> int:
    kansoku = ic.kansoku_binary()
    walker = ic.shared_dir() / "tools" / "taxii-walk"
    probe = subprocess.run([str(walker), "--help"], capture_output=True, text=True) if walker.exists() else None
    if probe is None or probe.returncode != 0:
        ic.skip(f"the OASIS TAXII client is not usable at {walker} (see $KANSOKU_SHARED/tools/README.md): "
                + (probe.stdout + probe.stderr if probe else "missing"))
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-taxii-")
    serve = None
    try:
        serve = run_checks(kansoku, str(walker), work, checks)
    finally:
        if serve is not None:
            ic.stop_process(serve)
        ic.remove_temp_dir(work)
    return checks.exit_code()


def run_checks(kansoku, walker, work, checks):
    port = ic.free_port()
    store = store_choice.TestStore(work / "kansoku.db", "taxii_server")
    config = center_lab.write_config(work, "integ-taxii", port, f'admin_key = "{ADMIN}"\n'
                                     '[sharing]\ncommunities = ["apcert", "local"]\nwritable = ["apcert"]\n'
                                     'max_page = 50\n', store)

    def partner(*args):
        return ic.run([kansoku, "partner", *args, "--config", str(config)], timeout=30)

    secrets = {}
    for name, community, tlp in (("jp-green", "apcert", "green"), ("kr-amber", "apcert", "amber"),
                                 ("au-clear", "apcert", "clear"), ("local-isac", "local", "amber+strict")):
        r = partner("add", name, "--community", community, "--tlp", tlp)
        secrets[name] = r.stdout.strip()
        checks.check(r.returncode == 0 and secrets[name].startswith("ksp_") and len(secrets[name]) == 47,
                     f"partner add {name} prints a secret once", r.stdout + r.stderr)
    for args, words in ((["x", "--community", "nowhere", "--tlp", "green"], "not configured"),
                        (["x", "--community", "apcert", "--tlp", "red"], "--tlp"),
                        (["x", "--community", "apcert", "--tlp", "purple"], "--tlp"),
                        (["x y", "--community", "apcert", "--tlp", "green"], "partner name"),
                        (["jp-green", "--community", "apcert", "--tlp", "green"], "exists")):
        r = partner("add", *args)
        checks.check(r.returncode == 1 and words in r.stderr and r.stderr.count("\n") == 1 and not r.stdout,
                     f"partner add refuses ({words}) with one line", r.stdout + r.stderr)
    r = partner("list", "--json")
    listed = {json.loads(line)["name"]: json.loads(line) for line in r.stdout.splitlines()}
    checks.check(set(listed) == set(secrets) and listed["kr-amber"]["tlp"] == "amber", "partner list --json",
                 r.stdout + r.stderr)
    raw = store.raw_text()
    checks.check(all(s.encode() not in raw for s in secrets.values()), "no secret is stored, only its hash")

    serve, ready = center_lab.start_serve(kansoku, config, work, port)
    if not checks.check(ready, "kansoku serve listens", (work / "serve.log").read_text()):
        return serve
    http = Http(port)
    auth = {name: basic(name, secret) for name, secret in secrets.items()}
    admin = f"Bearer {ADMIN}"

    # Discovery and roots per community.
    status, headers, body = http.request("GET", "/taxii2/", auth["jp-green"])
    discovery = json.loads(body) if status == 200 else {}
    checks.check(status == 200 and headers.get("Content-Type") == TAXII
                 and discovery.get("api_roots") == [f"http://127.0.0.1:{port}/taxii2/apcert/"],
                 "discovery lists only the partner's own API root, in TAXII's media type", f"{status} {headers} {body}")
    status, _, body = http.request("GET", "/taxii2/", admin)
    checks.check(status == 200 and len(json.loads(body)["api_roots"]) == 2, "the admin sees both roots", body)
    status, _, body = http.request("GET", "/taxii2/local/", auth["jp-green"])
    checks.check(status == 404 and json.loads(body).get("http_status") == "404",
                 "another community's root is a TAXII 404 error", body)
    status, _, body = http.request("GET", "/taxii2/apcert/", auth["jp-green"])
    root = json.loads(body) if status == 200 else {}
    checks.check(status == 200 and root.get("versions") == [TAXII] and root.get("max_content_length", 0) > 0,
                 "API root information", body)
    status, _, body = http.request("GET", "/taxii2/apcert/collections/", auth["jp-green"])
    collections = {c["alias"]: c for c in json.loads(body).get("collections", [])} if status == 200 else {}
    checks.check(set(collections) == {"kansoku", "contributions"}
                 and collections["contributions"]["can_write"] and not collections["kansoku"]["can_write"],
                 "collections: kansoku read-only, contributions writable", body)
    if not collections:
        return serve
    contributions = f"/taxii2/apcert/collections/{collections['contributions']['id']}"

    # Credentials and media types.
    for what, credentials, expected in (("no credentials", None, 401), ("a wrong secret", basic("jp-green", "ksp_x"), 401),
                                        ("another partner's name", basic("kr-amber", secrets["jp-green"]), 401),
                                        ("a bearer secret", "Bearer " + secrets["jp-green"], 200)):
        status, headers, body = http.request("GET", "/taxii2/", credentials)
        checks.check(status == expected and (expected != 401 or "Basic" in headers.get("WWW-Authenticate", "")),
                     f"{what}: {expected}", f"{status} {headers} {body}")
    for accept in ("application/json", "*/*", "application/taxii+json;version=2.0", None):
        status, _, body = http.request("GET", "/taxii2/", auth["jp-green"], accept=accept)
        checks.check(status == 406, f"Accept {accept}: 406", f"{status} {body}")
    status, _, body = http.request("POST", contributions + "/objects/", auth["jp-green"],
                                   body={"objects": []}, content_type="application/json")
    checks.check(status == 415, "POST with Content-Type application/json: 415", f"{status} {body}")

    # Contributions: every TLP, a second version, invalid objects.
    objects = {tlp: [indicator(f"198.51.100.{i + 10 * n}", tlp) for i in range(4)]
               for n, tlp in enumerate(("clear", "green", "amber", "amber+strict", "red"))}
    newer = dict(objects["green"][0], modified="2026-12-02T00:00:00.000Z", name="C2 198.51.100.10, seen again")
    invalid = [{"type": "indicator", "id": "indicator--not-a-uuid"}, dict(indicator("192.0.2.9", "green"), created="yesterday"),
               {k: v for k, v in indicator("192.0.2.10", "green").items() if k != "object_marking_refs"}, "text"]
    batch = [o for tlp in objects for o in objects[tlp]] + invalid
    status, _, body = http.request("POST", contributions + "/objects/", auth["kr-amber"], body={"objects": batch})
    result = json.loads(body) if status == 202 else {}
    checks.check(status == 202 and result.get("success_count") == 20 and result.get("failure_count") == 4
                 and result.get("status") == "complete", "POST: 20 objects kept, 4 invalid refused with reasons",
                 f"{status} {body[:600]}")
    status, _, body = http.request("POST", contributions + "/objects/", auth["kr-amber"], body={"objects": [newer]})
    checks.check(status == 202 and json.loads(body).get("success_count") == 1, "POST a newer version", body)
    status, _, body = http.request("GET", f"/taxii2/apcert/status/{result.get('id')}/", auth["kr-amber"])
    checks.check(status == 200 and json.loads(body).get("id") == result.get("id"), "the poster reads its status", body)
    status, _, _ = http.request("GET", f"/taxii2/apcert/status/{result.get('id')}/", auth["jp-green"])
    checks.check(status == 404, "another partner cannot read that status")
    status, _, body = http.request("POST", f"/taxii2/apcert/collections/{collections['kansoku']['id']}/objects/",
                                   auth["kr-amber"], body={"objects": [indicator("192.0.2.1", "green")]})
    checks.check(status == 403, "a partner cannot write the read-only collection", f"{status} {body}")
    status, _, body = http.request("POST", contributions + "/objects/", auth["kr-amber"], body=b"{not json")
    checks.check(status == 400, "a body that is not JSON: 400", f"{status} {body}")

    # TLP on every endpoint: scan every answer a partner gets for markings above its ceiling.
    ceilings = {"au-clear": ["clear"], "jp-green": ["clear", "green"], "kr-amber": ["clear", "green", "amber"]}
    for name, allowed in ceilings.items():
        forbidden = [TLP[t] for t in TLP if t not in allowed]
        answers = []
        for path in ("/objects/", "/manifest/", "/objects/?match[version]=all"):
            answers.append(http.request("GET", contributions + path, auth[name]))
        for tlp in TLP:
            for o in objects[tlp]:
                answers.append(http.request("GET", f"{contributions}/objects/{o['id']}/", auth[name]))
                answers.append(http.request("GET", f"{contributions}/objects/{o['id']}/versions/", auth[name]))
        leaked = [b for s, _, b in answers if any(m in b for m in forbidden)]
        hidden_ids = [o["id"] for t in TLP if t not in allowed for o in objects[t]]
        # A 404 names the id the caller asked for; only answers that carry objects can leak one.
        leaked_ids = [b for s, _, b in answers if s == 200 and any(i in b for i in hidden_ids)]
        _, _, listing = answers[0]
        got = len(json.loads(listing).get("objects", []))
        checks.check(not leaked and not leaked_ids and got == 4 * len(allowed),
                     f"{name} (TLP:{allowed[-1].upper()}) gets {4 * len(allowed)} objects and nothing above its ceiling "
                     "on any endpoint", f"got {got}; leaks: {(leaked + leaked_ids)[:1]}")
    status, _, _ = http.request("GET", f"{contributions}/objects/{objects['amber'][0]['id']}/", auth["jp-green"])
    checks.check(status == 404, "an object above the ceiling is a 404, like one that does not exist")
    status, _, body = http.request("GET", "/taxii2/apcert/collections/", auth["local-isac"])
    checks.check(status == 404, "amber+strict partner of another community sees nothing of apcert", body)

    # Pagination: limit, next, added_after on every page, a token with other filters refused.
    pages, path, seen = 0, contributions + "/objects/?limit=3&match[version]=all", []
    first_headers = None
    while path and pages < 20:
        status, headers, body = http.request("GET", path, auth["kr-amber"])
        envelope = json.loads(body)
        first_headers = first_headers or headers
        seen += [o["id"] + o["modified"] for o in envelope.get("objects", [])]
        pages += 1
        path = (contributions + f"/objects/?limit=3&match[version]=all&next={envelope['next']}"
                if envelope.get("more") else None)
    checks.check(pages == 5 and len(seen) == 13 and len(set(seen)) == 13,
                 "13 versions in 5 pages of 3 with next, none twice", f"{pages} pages, {len(seen)} objects")
    checks.check("X-TAXII-Date-Added-First" in first_headers and "X-TAXII-Date-Added-Last" in first_headers,
                 "X-TAXII-Date-Added-First/Last headers", str(first_headers))
    status, headers, body = http.request("GET", contributions + "/objects/?limit=3", auth["kr-amber"])
    token = json.loads(body).get("next", "")
    status, _, body = http.request("GET", contributions + f"/objects/?limit=3&match[type]=indicator&next={token}",
                                   auth["kr-amber"])
    checks.check(status == 400 and "next" in body, "a next token with other filters is refused (400)", body)
    last_added = first_headers.get("X-TAXII-Date-Added-Last", "")
    status, _, body = http.request("GET", contributions + f"/objects/?added_after={last_added}&limit=1",
                                   auth["kr-amber"])
    after = json.loads(body) if status == 200 else {}
    checks.check(status == 200 and len(after.get("objects", [])) == 1 and after.get("objects")[0]["id"] == newer["id"],
                 "added_after: only what was added later", body[:300])
    status, _, body = http.request("GET", contributions + f"/objects/?added_after={last_added}&limit=1&next="
                                   + (after.get("next") or "x"), auth["kr-amber"])
    checks.check(status in (200, 400) and objects["clear"][0]["id"] not in body,
                 "added_after holds on the next page too", body[:300])

    # Filters, versions, manifest.
    one = objects["green"][0]["id"]
    for query, expected in ((f"match[id]={one}", 1), (f"match[id]={one}&match[version]=all", 2),
                            (f"match[id]={one}&match[version]=first", 1), ("match[type]=indicator", 12),
                            ("match[type]=malware", 0), ("match[spec_version]=2.1", 12),
                            (f"match[id]={one}&match[version]=2026-12-02T00:00:00.000Z", 1)):
        status, _, body = http.request("GET", contributions + f"/objects/?{query}", auth["kr-amber"])
        got = len(json.loads(body).get("objects", [])) if status == 200 else -1
        checks.check(got == expected, f"objects?{query}: {expected}", f"{status} {body[:200]}")
    status, _, body = http.request("GET", contributions + f"/objects/?match[id]={one}", auth["kr-amber"])
    checks.check(status == 200 and json.loads(body)["objects"][0]["modified"] == "2026-12-02T00:00:00.000Z",
                 "the default version is the last", body[:200])
    for query in ("limit=0", "limit=abc", "added_after=yesterday", "match[version]=sometime", "match[colour]=red",
                  "match[id]=nonsense", "next=zzz"):
        status, headers, body = http.request("GET", contributions + f"/objects/?{query}", auth["kr-amber"])
        checks.check(status == 400 and headers.get("Content-Type") == TAXII and json.loads(body).get("title"),
                     f"bad filter {query}: a TAXII 400 error", f"{status} {body}")
    status, _, body = http.request("GET", f"{contributions}/objects/{one}/versions/", auth["kr-amber"])
    checks.check(status == 200 and json.loads(body).get("versions") ==
                 ["2026-12-01T00:00:00.000Z", "2026-12-02T00:00:00.000Z"], "versions of one object", body)
    status, _, body = http.request("GET", contributions + "/manifest/", auth["kr-amber"])
    manifest = json.loads(body).get("objects", []) if status == 200 else []
    checks.check(len(manifest) == 12 and all(m.get("media_type") == "application/stix+json;version=2.1"
                                             and m.get("date_added") for m in manifest), "manifest", body[:300])
    status, _, body = http.request("GET", "/taxii2/apcert/collections/nope/objects/", auth["kr-amber"])
    checks.check(status == 404, "an unknown collection: 404", body)
    status, _, body = http.request("GET", "/taxii2/apcert/nothing-here/", auth["kr-amber"])
    checks.check(status == 404 and json.loads(body).get("http_status") == "404",
                 "an unknown path under /taxii2/ is a TAXII error", body)

    # The OASIS client walks everything and every object validates (strict).
    for name in ("jp-green", "kr-amber"):
        r = ic.run([walker, "--user", name, "--password", secrets[name], "--page-size", "5", "--validate",
                    f"http://127.0.0.1:{port}/taxii2/"], timeout=120)
        checks.check(r.returncode == 0, f"taxii-walk --validate as {name}: discovery, roots, collections, all pages",
                     r.stdout[-1500:] + r.stderr[-1500:])

    # Rotation and removal take effect.
    r = partner("rotate", "au-clear")
    new_secret = r.stdout.strip()
    status_old, _, _ = http.request("GET", "/taxii2/", basic("au-clear", secrets["au-clear"]))
    status_new, _, _ = http.request("GET", "/taxii2/", basic("au-clear", new_secret))
    checks.check(r.returncode == 0 and status_old == 401 and status_new == 200,
                 "partner rotate: the old secret stops working, the new one works", f"{status_old} {status_new}")
    r = partner("remove", "au-clear")
    status, _, _ = http.request("GET", "/taxii2/", basic("au-clear", new_secret))
    checks.check(r.returncode == 0 and status == 401, "partner remove: its secret stops working")

    # The sharing log.
    r = ic.run([kansoku, "sharing", "log", "--json", "--config", str(config)], timeout=30)
    log = [json.loads(line) for line in r.stdout.splitlines()]
    checks.check(r.returncode == 0 and {"jp-green", "kr-amber"} <= {row["recipient"] for row in log}
                 and all(row["channel"] == "taxii" and row["objects"] > 0 for row in log),
                 "sharing log: what was given to whom", r.stdout[-800:] + r.stderr)
    return serve


if __name__ == "__main__":
    sys.exit(main())
