#!/usr/bin/env python3
"""Sensors at two sites publish to a three-node NATS JetStream cluster; centers consume it into
SQLite (issue 14, docs/transport.md). No root needed: every server is on loopback ports.

- two sensors replay recorded events (`kansoku darknet analyze --jsonl` of a generated capture,
  `kansoku sensor --replay`) while one NATS node is killed (SIGKILL) mid-stream and restarted:
  every event is stored exactly once;
- the center is stopped, a sensor publishes meanwhile, the center restarts: nothing is lost;
- the whole cluster is down: the sensor spools, is killed with SIGKILL, the cluster comes back,
  the sensor restarts and its spool resumes: no duplicates, nothing missing;
- two centers consume one durable consumer together: no event twice, none missing;
- a wrong password, and a sensor publishing under another sensor's subject, are refused by the
  server; an event claiming another sensor on the right subject, malformed, oversized, unknown
  types and versions are dead-lettered and counted by the center, and good events still flow;
- the events stored per sensor equal what the sensor numbered (its last heartbeat's seq + 1);
- a gap made on purpose (a message skipping nine sequence numbers) shows in /api/v1/sensors and
  /metrics and raises an alert (kind sensor.sequence_gap).
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
from nats_cluster import (NatsCluster, center_config, failed_run, keep_if_failed, nats_server,  # noqa: E402
                          raw_publish, transport_section)

SENSORS = {"tokyo-1": "tokyo-secret", "osaka-2": "osaka-secret"}


def sensor_config(work, name, password, servers, user=None, spool_tag=""):
    spool = work / (name + spool_tag) / "spool"
    path = work / f"{name}{spool_tag}.toml"
    path.write_text(f"""[sensor]
name = "{name}"
[storage]
data_dir = "{work / name}"
[honeypot]
enabled = false
""" + transport_section(servers, user or name, password, spool))
    return path


class Site:
    def __init__(self, kansoku, work, cluster):
        self.kansoku = kansoku
        self.work = work
        self.cluster = cluster
        self.database = work / "center.db"
        self.centers = {}
        self.runs = 0
        self.last_log = None

    def start_center(self, name, timeout=30):
        port = ic.free_port()
        config = center_config(self.work, name, port, self.cluster.urls(), self.database)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.work / f"{name}.log"
            process = subprocess.Popen([self.kansoku, "center", "--config", str(config)], stdout=subprocess.DEVNULL,
                                       stderr=log.open("w"), cwd=self.work)
            if ic.wait_for_text(log, "consuming stream", 20, process):
                self.centers[name] = (process, port)
                return port
            ic.stop_process(process)
            time.sleep(0.5)  # JetStream may still be electing its meta leader
        raise RuntimeError(f"center {name} did not start: {(self.work / f'{name}.log').read_text()[-2000:]}")

    def stop_center(self, name):
        process, _ = self.centers.pop(name)
        ic.stop_process(process, timeout=20)
        return process.returncode

    def sensor(self, name, *args, user=None, password=None, spool_tag=""):
        config = sensor_config(self.work, name, password or SENSORS[name], self.cluster.urls(), user, spool_tag)
        self.runs += 1
        log = (self.work / f"sensor-{name}-{self.runs}.log").open("w")
        self.last_log = self.work / f"sensor-{name}-{self.runs}.log"
        return subprocess.Popen([self.kansoku, "sensor", "--config", str(config), "--no-darknet", "--no-honeypots",
                                 *[str(a) for a in args]], stdout=subprocess.DEVNULL, stderr=log, cwd=self.work)

    def api(self, port, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            body = r.read().decode()
        return json.loads(body) if path.startswith("/api") else body

    def rows(self, sql, args=()):
        with sqlite3.connect(self.database, timeout=10) as db:
            return db.execute(sql, args).fetchall()

    def stored(self, sensor):
        return self.rows("SELECT COUNT(*) FROM events WHERE sensor = ?", (sensor,))[0][0]

    def numbered(self, sensor):
        """What the sensor numbered: its last heartbeat's seq + 1 (the heartbeat itself)."""
        row = self.rows("SELECT MAX(CAST(json_extract(body, '$.seq') AS INTEGER)) FROM events "
                        "WHERE sensor = ? AND type = 'sensor.heartbeat'", (sensor,))
        return (row[0][0] or 0) + 1

    def duplicates(self):
        return self.rows("SELECT sensor, type, ts, COUNT(*) FROM events GROUP BY sensor, type, ts, body "
                         "HAVING COUNT(*) > 1 LIMIT 5")

    def wait_stored(self, sensors, timeout=60, extra=None):
        """Until each sensor's stored count equals what it numbered (plus `extra` per sensor)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.stored(s) == self.numbered(s) + (extra or {}).get(s, 0) for s in sensors):
                return True
            time.sleep(0.3)
        return False


def wait_exit(process, timeout):
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def main() -> int:
    kansoku = ic.kansoku_binary()
    if not nats_server():
        ic.skip("nats-server is not installed (scripts/setup installs Debian's nats-server)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-nats-")
    cluster = NatsCluster(work, SENSORS)
    site = Site(kansoku, work, cluster)
    started = time.monotonic()
    try:
        cluster.start_all()
        # Recorded events to replay: the analysis of a generated darknet capture.
        ic.run([kansoku, "darknet", "generate", "-o", work / "demo.pcap"], timeout=60)
        analysed = ic.run([kansoku, "darknet", "analyze", "--jsonl", work / "demo.pcap"], timeout=60)
        (work / "events.jsonl").write_text(analysed.stdout)
        per_replay = len(analysed.stdout.splitlines())
        checks.check(per_replay > 50, f"the replay file has {per_replay} events")
        repeat = max(1, 40000 // per_replay)

        port = site.start_center("center-a")

        # 1. Two sensors publish; one NATS node dies mid-stream and comes back.
        sensors = [site.sensor(name, "--replay", work / "events.jsonl", "--repeat", repeat, "--once", "--drain", 60)
                   for name in SENSORS]
        time.sleep(0.5)
        cluster.kill(1)
        time.sleep(2.0)
        cluster.start(1)
        codes = [wait_exit(p, 90) for p in sensors]
        checks.check(codes == [0, 0], f"both sensors sent everything and exited 0 ({codes})")
        checks.check(site.wait_stored(SENSORS), "node killed mid-stream: every event numbered by each sensor is stored",
                     f"stored {[site.stored(s) for s in SENSORS]} numbered {[site.numbered(s) for s in SENSORS]}")
        checks.check(not site.duplicates(), "node killed mid-stream: no event stored twice", str(site.duplicates()))
        checks.check(site.stored("tokyo-1") >= repeat * per_replay, "the replayed events all arrived")

        # 2. The center stops; a sensor publishes meanwhile; the center comes back.
        site.stop_center("center-a")
        p = site.sensor("tokyo-1", "--replay", work / "events.jsonl", "--repeat", 2, "--once", "--drain", 30)
        checks.check(wait_exit(p, 60) == 0, "a sensor publishes while the center is down")
        port = site.start_center("center-a")
        checks.check(site.wait_stored(SENSORS), "center restarted: nothing lost",
                     f"stored {site.stored('tokyo-1')} numbered {site.numbered('tokyo-1')}")

        # 3. The whole cluster is down: the sensor spools; SIGKILL mid-spool; cluster and sensor come back.
        site.stop_center("center-a")
        cluster.stop_all()
        p = site.sensor("osaka-2", "--replay", work / "events.jsonl", "--repeat", repeat)
        ic.wait_for_text(site.last_log, "events spooled", 30, p)
        time.sleep(0.5)
        p.kill()
        p.wait()
        spool = work / "osaka-2" / "spool"
        spooled = sum(f.stat().st_size for f in spool.glob("*.seg"))
        checks.check(spooled > 0, f"the sensor spooled {spooled} bytes while the cluster was down")
        cluster.start_all()
        port = site.start_center("center-a")
        p = site.sensor("osaka-2", "--once", "--drain", 60)
        checks.check(wait_exit(p, 90) == 0, "after SIGKILL the sensor restarts and sends its spool")
        checks.check(site.wait_stored(SENSORS), "spool resumed: every event stored",
                     f"stored {site.stored('osaka-2')} numbered {site.numbered('osaka-2')}")
        checks.check(not site.duplicates(), "spool resumed: no duplicates", str(site.duplicates()))

        # 4. Two centers share the durable consumer.
        site.start_center("center-b")
        sensors = [site.sensor(name, "--replay", work / "events.jsonl", "--repeat", repeat, "--once", "--drain", 60)
                   for name in SENSORS]
        codes = [wait_exit(p, 90) for p in sensors]
        checks.check(codes == [0, 0], "sensors publish to two centers")
        checks.check(site.wait_stored(SENSORS), "two centers: none missing")
        checks.check(not site.duplicates(), "two centers: none twice", str(site.duplicates()))
        b_status = site.api(site.centers["center-b"][1], "/api/v1/sensors")
        a_status = site.api(port, "/api/v1/sensors")
        checks.check(b_status["transport"]["acknowledged"] > 0 and a_status["transport"]["acknowledged"] > 0,
                     "both centers stored a share",
                     f'a {a_status["transport"]["acknowledged"]} b {b_status["transport"]["acknowledged"]}')
        site.stop_center("center-b")
        # Each center tracked sequence numbers of its share only (docs/transport.md "Loss accounting"):
        # restart center-a, so the gap below is judged by a center that sees everything from now on.
        site.stop_center("center-a")
        port = site.start_center("center-a")

        # 5. Refusals. A wrong password: the sensor never gets an acknowledgement.
        before = site.stored("tokyo-1")
        before_osaka = site.stored("osaka-2")
        p = site.sensor("tokyo-1", "--replay", work / "events.jsonl", "--once", "--drain", 2, password="wrong",
                        spool_tag="-wrong-password")
        wait_exit(p, 60)
        # Publishing under another sensor's subject with its own credentials: refused by the server.
        p = site.sensor("osaka-2", "--replay", work / "events.jsonl", "--once", "--drain", 2, user="tokyo-1",
                        password=SENSORS["tokyo-1"], spool_tag="-impostor")
        wait_exit(p, 60)
        answer = raw_publish(cluster.client_ports[0], "tokyo-1", SENSORS["tokyo-1"],
                             [("kansoku.events.osaka-2.darknet.scan", {"Nats-Msg-Id": "osaka-2:999999"}, b"{}")])
        checks.check("Permissions Violation" in answer, "the server refuses a sensor publishing as another",
                     answer[-300:])
        time.sleep(2)
        checks.check(site.stored("tokyo-1") == before, "nothing stored from a wrong password")
        checks.check(site.stored("osaka-2") == before_osaka, "nothing stored from a sensor publishing as another")
        # Hostile messages on its own subjects: dead-lettered and counted; a good one still passes. First the
        # restarted center hears from tokyo-1 (its start and stop heartbeats), so it knows where its numbers are.
        p = site.sensor("tokyo-1", "--once", "--drain", 30)
        checks.check(wait_exit(p, 60) == 0 and site.wait_stored(["tokyo-1"]), "tokyo-1 heard from again")
        seq = site.numbered("tokyo-1")
        ts = "2026-12-07T10:00:00.000001Z"

        def body(**fields):
            event = {"type": "darknet.scan", "ts": ts, "sensor": "tokyo-1", "v": 1, "src": "198.51.100.9"}
            event.update(fields)
            return json.dumps(event).encode()

        bad = [
            ("kansoku.events.tokyo-1.darknet.scan", {"Nats-Msg-Id": f"tokyo-1:{seq + 100}"}, body(sensor="osaka-2")),
            ("kansoku.events.tokyo-1.darknet.scan", {"Nats-Msg-Id": f"tokyo-1:{seq + 101}"}, b"{not json"),
            ("kansoku.events.tokyo-1.darknet.scan", {"Nats-Msg-Id": f"tokyo-1:{seq + 102}"}, b"[" * 70000),
            ("kansoku.events.tokyo-1.made.up", {"Nats-Msg-Id": f"tokyo-1:{seq + 103}"}, body(type="made.up")),
            ("kansoku.events.tokyo-1.darknet.scan", {"Nats-Msg-Id": f"tokyo-1:{seq + 104}"}, body(v=7)),
            ("kansoku.events.tokyo-1.darknet.scan", {}, body()),
            # Good, after the bad ones; its sequence number skips nine: the gap made on purpose.
            ("kansoku.events.tokyo-1.darknet.scan", {"Nats-Msg-Id": f"tokyo-1:{seq + 10}"}, body(src="198.18.7.7")),
        ]
        raw_publish(cluster.client_ports[2], "tokyo-1", SENSORS["tokyo-1"], bad)
        deadline = time.monotonic() + 30
        links = {}
        while time.monotonic() < deadline:
            links = site.api(port, "/api/v1/sensors")
            tokyo = next((s for s in links["sensors"] if s["sensor"] == "tokyo-1"), {})
            if tokyo.get("missing", 0) >= 9:
                break
            time.sleep(0.3)
        refused = links["transport"]["refused"]
        checks.check(refused.get("sensor_mismatch") == 1 and refused.get("malformed") == 1 and
                     refused.get("oversized") == 1 and refused.get("unknown_type") == 1 and
                     refused.get("unknown_version") == 1 and refused.get("no_message_id") == 1,
                     "hostile messages are dead-lettered and counted by reason", json.dumps(refused))
        good = site.rows("SELECT COUNT(*) FROM events WHERE sensor = 'tokyo-1' AND subject = '198.18.7.7'")[0][0]
        checks.check(good == 1, "the good event behind them is stored")
        tokyo = next((s for s in links["sensors"] if s["sensor"] == "tokyo-1"), {})
        checks.check(tokyo.get("missing") == 9 and tokyo.get("gaps") and tokyo["gaps"][-1]["first"] == seq + 1,
                     "the gap shows in /api/v1/sensors (9 missing)", json.dumps(tokyo)[:800])
        alerts = site.rows("SELECT body FROM events WHERE type = 'alert' AND "
                           "json_extract(body, '$.kind') = 'sensor.sequence_gap' AND "
                           "json_extract(body, '$.subject') = 'tokyo-1' AND "
                           "json_extract(body, '$.details.first') = ?", (seq + 1,))
        checks.check(len(alerts) == 1 and json.loads(alerts[0][0])["details"]["missing"] == 9,
                     "the gap raised one alert", str(alerts))
        metrics = site.api(port, "/metrics")
        checks.check('kansoku_sensor_missing_total{sensor="tokyo-1"} 9' in metrics,
                     "the gap shows in /metrics")
        heartbeat = tokyo.get("heartbeat") or {}
        checks.check(heartbeat.get("acknowledged", 0) > 0 and "spooled" in heartbeat,
                     "the sensor's own counters are reported", json.dumps(heartbeat))

        # Per sensor: stored = numbered (tokyo-1: plus its one good raw event).
        for name in SENSORS:
            extra = 1 if name == "tokyo-1" else 0
            checks.check(site.stored(name) == site.numbered(name) + extra,
                         f"{name}: events stored ({site.stored(name)}) = events it numbered "
                         f"({site.numbered(name)}{' + 1 raw' if extra else ''})")
        print(f"elapsed {time.monotonic() - started:.1f} s", flush=True)
    except Exception as e:  # a failure to run is a failed check, with the logs
        failed_run(checks, e, sorted(work.glob("*.log")))
    finally:
        for name in list(site.centers):
            site.stop_center(name)
        cluster.stop_all()
        keep_if_failed(checks, work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
