#!/usr/bin/env python3
"""Samples travel from sensors to the center over JetStream (issue 14 item 1, docs/transport.md
"Samples"). One nats-server with JetStream on a loopback port, a `kansoku center`, and two
`kansoku sensor`s whose telnet honeypots are driven with the real telnet client; the attacker's
wget fetches from a loopback HTTP server.

- tokyo-1's honeypot downloads a 300 kB ELF: the sensor sends it in 64 KiB chunks; the center's
  sample store holds it once, with the same SHA-256, and its triage ran on it (triage document, a
  `sample` event from the center);
- osaka-2's honeypot downloads the same file: the center still holds one copy, now with both
  sensors' sources (a sighting: no chunk is read again);
- while the NATS server is down, tokyo-1 downloads another file: it waits in the sensor's sample
  queue and reaches the center when the server is back;
- a file above max_sample is not sent (the sensor counts it), and a manifest claiming more than
  max_sample is refused by the center (oversized).
"""

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402
from nats_cluster import (NatsCluster, center_config, failed_run, keep_if_failed, nats_server,  # noqa: E402
                          raw_publish)

SENSORS = {"tokyo-1": "tokyo-secret", "osaka-2": "osaka-secret"}
ACCEPTED = ("root", "xc3511")


def elf(seed: int, size: int) -> bytes:
    return b"\x7fELF\x01\x01\x01\x00" + bytes(8) + b"\x02\x00\x28\x00" + random.Random(seed).randbytes(size)


def sensor_lab(kansoku, work, name, cluster):
    (work / name).mkdir(parents=True, exist_ok=True)
    overrides = {
        "sensor": {"name": name},
        "transport": {"heartbeat_interval": "1s"},
        "transport.nats": {"servers": cluster.urls(), "user": name, "password": SENSORS[name],
                           "spool_dir": str(work / name / "spool"), "replicas": 1, "ack_timeout": "2s",
                           "reconnect_wait": "100ms", "connect_timeout": "500ms", "sample_chunk": "64KiB",
                           "max_sample": "1MiB"},
    }
    return hl.HoneypotLab(kansoku, work / name, overrides, accepted=ACCEPTED, command="sensor",
                          args=["--no-darknet", "--drain", "10"])


def wget(lab, url, path):
    """The real telnet client logs in and runs the attacker's wget; True when every prompt came back."""
    client = hl.PtyProcess(["telnet", "127.0.0.1", str(lab.ports["telnet"])],
                           env={"TERM": "vt100", "PATH": os.environ.get("PATH", "")})
    try:
        steps = [client.expect(b"login: ", 10)]
        client.sendline(ACCEPTED[0])
        steps.append(client.expect(b"Password: ", 10))
        client.sendline(ACCEPTED[1])
        steps.append(client.expect(hl.PROMPT, 10))
        client.sendline(f"cd /tmp; wget {url} -O {path}; chmod 777 {path}")
        steps.append(client.expect(hl.PROMPT, 30))
        client.sendline("exit")
        client.expect(b"Connection closed", 5)
        return all(steps)
    finally:
        client.close()


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def main() -> int:
    kansoku = ic.kansoku_binary()
    if not nats_server():
        ic.skip("nats-server is not installed (scripts/setup installs Debian's nats-server)")
    if shutil.which("telnet") is None:
        ic.skip("/usr/bin/telnet is not installed (scripts/setup installs it)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-nats-samples-")
    cluster = NatsCluster(work, SENSORS, nodes=1)
    files = {"/x": elf(1, 300_000), "/y": elf(2, 20_000), "/z": elf(3, 1_200_000)}
    sha = {name: hl.sha256_of(data) for name, data in files.items()}
    server = hl.SampleServer(files)
    center = None
    labs = []
    started = time.monotonic()
    try:
        cluster.start_all()
        database = work / "center.db"
        config = center_config(work, "center", ic.free_port(), cluster.urls(), database, replicas=1,
                               extra='max_sample = "1MiB"\n')
        center_log = work / "center.log"
        center = subprocess.Popen([kansoku, "center", "--config", str(config)], stdout=subprocess.DEVNULL,
                                  stderr=center_log.open("w"), cwd=work)
        if not ic.wait_for_text(center_log, "consuming stream", 30, center):
            raise RuntimeError(f"the center did not start: {center_log.read_text()[-1500:]}")
        store = work / "center" / "samples"

        def held(name):
            return store / sha[name][:2] / sha[name]

        def record(name):
            path = held(name).with_name(sha[name] + ".json")
            return json.loads(path.read_text()) if path.exists() else {}

        tokyo = sensor_lab(kansoku, work, "tokyo-1", cluster)
        labs.append(tokyo)
        tokyo.start()
        url = f"http://127.0.0.1:{server.port}"

        # 1. A download at tokyo-1 reaches the center's store, once, and is triaged there.
        checks.check(wget(tokyo, f"{url}/x", ".x"), "tokyo-1: the telnet session ran the wget")
        wait_for(lambda: held("/x").with_name(sha["/x"] + ".triage.json").exists(), 30)
        stored = held("/x").read_bytes() if held("/x").exists() else b""
        checks.check(hl.sha256_of(stored) == sha["/x"] and len(stored) == len(files["/x"]),
                     f"the center's store holds tokyo-1's download with the same SHA-256 ({len(stored)} bytes)")
        checks.check(held("/x").with_name(sha["/x"] + ".triage.json").exists(),
                     "the center's triage ran on it (triage document beside the sample)")
        sources = record("/x").get("sources", [])
        checks.check([s.get("sensor") for s in sources] == ["tokyo-1"] and sources[0].get("kind") == "download" and
                     str(sources[0].get("url", "")).endswith("/x"),
                     "its record names tokyo-1's download as the source", json.dumps(sources))

        def center_sample_events(name):
            with sqlite3.connect(database, timeout=10) as db:
                return db.execute("SELECT COUNT(*) FROM events WHERE type = 'sample' AND sensor = 'center' AND "
                                  "json_extract(body, '$.sha256') = ?", (sha[name],)).fetchone()[0]

        checks.check(wait_for(lambda: center_sample_events("/x") >= 1, 15),
                     "the center's pipeline published a `sample` event for it")

        # 2. The same file at osaka-2: still one copy at the center, with both sensors' sources.
        osaka = sensor_lab(kansoku, work, "osaka-2", cluster)
        labs.append(osaka)
        osaka.start()
        checks.check(wget(osaka, f"{url}/x", ".x"), "osaka-2: the telnet session ran the wget")
        checks.check(wait_for(lambda: len(record("/x").get("sources", [])) == 2, 30),
                     "the center's record of the sample gains osaka-2's source",
                     json.dumps(record("/x").get("sources", [])))
        copies = [p for p in store.rglob(sha["/x"])]
        checks.check(len(copies) == 1, f"the center holds the sample once ({len(copies)} files)")

        # 3. The NATS server is down: the sample waits in tokyo-1's queue and goes when the server is back.
        cluster.stop_all()
        checks.check(wget(tokyo, f"{url}/y", ".y"), "tokyo-1 downloads while the NATS server is down")
        queued = work / "tokyo-1" / "spool" / "samples" / (sha["/y"] + ".json")
        checks.check(wait_for(queued.exists, 15), "the sample waits in the sensor's queue while the server is down")
        time.sleep(1)
        checks.check(not held("/y").exists(), "nothing reached the center meanwhile")
        cluster.start_all()
        checks.check(wait_for(lambda: held("/y").exists() and not queued.exists(), 45),
                     "the server is back: the queued sample reaches the center and leaves the queue")

        # 4. Oversized: a 1.2 MB download is not sent; a manifest claiming 10 MB is refused by the center.
        checks.check(wget(tokyo, f"{url}/z", ".z"), "tokyo-1 downloads a file above max_sample")
        big = "cd" * 32
        manifest = {"sha256": big, "size": 10_000_000, "chunk_size": 65536, "chunks": 153, "sensor": "tokyo-1",
                    "sources": []}
        raw_publish(cluster.client_ports[0], "tokyo-1", SENSORS["tokyo-1"],
                    [(f"kansoku.samples.tokyo-1.{big}.manifest", {"Nats-Msg-Id": f"tokyo-1:{big}:manifest"},
                      json.dumps(manifest).encode())])
        time.sleep(3)
        for lab in labs:
            lab.stop(timeout=30)
        ic.stop_process(center, timeout=20)
        checks.check(not held("/z").exists(), "the sample above max_sample did not reach the center")
        checks.check(hl.re.search(r"nats samples: 3 queued, 2 sent .* 0 still queued, 1 too large", tokyo.stderr_text)
                     is not None, "tokyo-1 counted 3 samples queued, 2 sent and 1 too large",
                     "\n".join(line for line in tokyo.stderr_text.splitlines() if "nats" in line))
        text = center_log.read_text()
        checks.check("2 new samples stored, 1 sightings of held samples, refused: oversized 1" in text,
                     "the center counted 2 samples stored, 1 sighting and the oversized manifest refused",
                     "\n".join(line for line in text.splitlines() if "samples" in line))
        print(f"elapsed {time.monotonic() - started:.1f} s", flush=True)
    except Exception as e:  # a failure to run is a failed check, with the logs
        failed_run(checks, e, sorted(work.rglob("*.log")) + sorted(work.rglob("honeypot.err")))
    finally:
        for lab in labs:
            lab.stop(timeout=30)
        if center is not None:
            ic.stop_process(center, timeout=20)
        cluster.stop_all()
        server.stop()
        keep_if_failed(checks, work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
