#!/usr/bin/env python3
"""Security between sites (issue 14 item 6, docs/transport.md "Security between sites"): one
nats-server with JetStream on a loopback port, TLS only, client certificates required (`verify`),
and one NATS user per sensor allowed to publish only its own subjects. The CA, the server's and the
clients' certificates (and a rogue CA's) are made with openssl in the test's temporary directory.

- a sensor over TLS with its certificate and password: its events are stored by a center that also
  connects over TLS;
- plain TCP is refused (the server announces tls_required and never answers a plain client; a
  sensor configured with nats:// stores nothing);
- a sensor authenticating with an nkey (nkey, nkey_seed) instead of a password is stored too;
- a wrong password, a wrong nkey seed, no client certificate, and a certificate from another CA
  are refused, and nothing of theirs is stored;
- a sensor publishing on another sensor's event or sample subjects is refused by the server;
- on its own subjects, an event whose body claims another sensor is dead-lettered by the center
  (sensor_mismatch), and so is a sample manifest claiming another sensor.
"""

import json
import os
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
from nats_cluster import (NatsCluster, center_config, failed_run, keep_if_failed, make_nkey,  # noqa: E402
                          nats_server, raw_publish, transport_section)

SENSORS = {"tokyo-1": "tokyo-secret", "osaka-2": "osaka-secret"}
NKEY_SENSOR = "nagoya-3"  # authenticates with an nkey instead of a password
EVENTS = 200


def openssl(*args, cwd):
    subprocess.run(["openssl", *[str(a) for a in args]], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(pki):
    """A CA, a server certificate for 127.0.0.1/localhost, client certificates for the center and each
    sensor, and a rogue CA with a client certificate of its own."""
    pki.mkdir(parents=True, exist_ok=True)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "rogue-ca"):
        openssl("req", "-x509", *key, "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-days", "1",
                "-subj", f"/CN=kansoku test {ca}", cwd=pki)
    (pki / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    (pki / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name, ca, ext in [("server", "ca", "server.ext"), ("center", "ca", "client.ext"),
                          *[(s, "ca", "client.ext") for s in [*SENSORS, NKEY_SENSOR]],
                          ("rogue", "rogue-ca", "client.ext")]:
        openssl("req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=pki)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", "1", "-extfile", ext, cwd=pki)


def tls_lines(pki, cert=None):
    lines = f'tls_ca = "{pki / "ca.pem"}"\n'
    if cert:
        lines += f'tls_cert = "{pki / (cert + ".pem")}"\ntls_key = "{pki / (cert + ".key")}"\n'
    return lines


def client_context(pki, cert):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(pki / "ca.pem")
    if cert:
        context.load_cert_chain(pki / f"{cert}.pem", pki / f"{cert}.key")
    return context


def main() -> int:
    kansoku = ic.kansoku_binary()
    if not nats_server():
        ic.skip("nats-server is not installed (scripts/setup installs Debian's nats-server)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-nats-tls-")
    pki = work / "pki"
    cluster = None
    center = None
    started = time.monotonic()
    try:
        make_pki(pki)
        nkey, seed = make_nkey()
        _, wrong_seed = make_nkey()
        for name, text in (("nkey.seed", seed), ("wrong.seed", wrong_seed)):
            (pki / name).write_text(text + "\n")
            (pki / name).chmod(0o600)
        cluster = NatsCluster(work, {**SENSORS, NKEY_SENSOR: {"nkey": nkey}}, nodes=1,
                              tls={"ca": pki / "ca.pem", "cert": pki / "server.pem", "key": pki / "server.key",
                                   "verify": True})
        cluster.start_all()
        port = cluster.client_ports[0]
        database = work / "center.db"
        web_port = ic.free_port()
        config = center_config(work, "center", web_port, cluster.urls(), database, replicas=1,
                               extra=tls_lines(pki, "center"))
        center_log = work / "center.log"
        center = subprocess.Popen([kansoku, "center", "--config", str(config)], stdout=subprocess.DEVNULL,
                                  stderr=center_log.open("w"), cwd=work)
        checks.check(ic.wait_for_text(center_log, "consuming stream", 30, center),
                     "the center connects over TLS with its certificate", center_log.read_text()[-1500:])

        def stored(sensor):
            with sqlite3.connect(database, timeout=10) as db:
                return db.execute("SELECT COUNT(*) FROM events WHERE sensor = ? AND type = 'darknet.scan'",
                                  (sensor,)).fetchone()[0]

        events = work / "events.jsonl"
        events.write_text("".join(json.dumps({"type": "darknet.scan", "ts": "2026-12-07T10:00:00.000001Z",
                                              "sensor": "x", "v": 1, "src": f"198.51.100.{i % 250}"}) + "\n"
                                  for i in range(EVENTS)))

        def nkey_lines(seed_file):
            return f'nkey = "{nkey}"\nnkey_seed = "{pki / seed_file}"\n' + tls_lines(pki, NKEY_SENSOR)

        def sensor(tag, name, servers, extra, password=None, user=None, drain=20):
            path = work / f"{tag}.toml"
            path.write_text(f'[sensor]\nname = "{name}"\n[storage]\ndata_dir = "{work / tag}"\n'
                            f'[honeypot]\nenabled = false\n' +
                            transport_section(servers, user if user is not None else name,
                                              password if password is not None else SENSORS.get(name, ""),
                                              work / tag / "spool", extra=extra, replicas=1))
            log = work / f"{tag}.log"
            process = subprocess.Popen([kansoku, "sensor", "--config", str(path), "--no-darknet", "--no-honeypots",
                                        "--replay", str(events), "--once", "--drain", str(drain)],
                                       stdout=subprocess.DEVNULL, stderr=log.open("w"), cwd=work)
            return process, log

        # 1. A sensor over TLS with its own certificate and password.
        p, log = sensor("tokyo-tls", "tokyo-1", cluster.urls(), tls_lines(pki, "tokyo-1"))
        code = p.wait(timeout=60)
        deadline = time.monotonic() + 20
        while stored("tokyo-1") < EVENTS and time.monotonic() < deadline:
            time.sleep(0.2)
        checks.check(code == 0 and stored("tokyo-1") == EVENTS,
                     f"a sensor over TLS: its {EVENTS} events are stored ({stored('tokyo-1')}, exit {code})",
                     log.read_text()[-1500:])

        # 2. Refused: plain TCP, a wrong password, no client certificate, a certificate of another CA. Each runs
        # its replay and gives up after a short drain; nothing of theirs may reach the store.
        plain = f"nats://127.0.0.1:{port}"
        refused = [
            sensor("osaka-plain", "osaka-2", [plain], "", drain=2),
            sensor("osaka-wrong", "osaka-2", cluster.urls(), tls_lines(pki, "osaka-2"), password="wrong", drain=2),
            sensor("osaka-nocert", "osaka-2", cluster.urls(), tls_lines(pki), drain=2),
            sensor("osaka-rogue", "osaka-2", cluster.urls(), tls_lines(pki, "rogue"), drain=2),
            sensor("nagoya-wrong", NKEY_SENSOR, cluster.urls(), nkey_lines("wrong.seed"), user="", password="",
                   drain=2),
        ]
        for p, _ in refused:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        answer = raw_publish(port, "osaka-2", SENSORS["osaka-2"], [])
        checks.check('"tls_required":true' in answer and "PONG" not in answer,
                     "plain TCP is refused: the server asks for TLS and never answers a plain client", answer[-300:])
        answer = raw_publish(port, "osaka-2", "wrong", [], tls_context=client_context(pki, "osaka-2"))
        checks.check("Authorization Violation" in answer, "a wrong password over TLS is refused", answer[-300:])
        for what, cert in (("no client certificate", None), ("a certificate from another CA", "rogue")):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.load_verify_locations(pki / "ca.pem")
            if cert:
                context.load_cert_chain(pki / f"{cert}.pem", pki / f"{cert}.key")
            try:
                answer = raw_publish(port, "osaka-2", SENSORS["osaka-2"], [], tls_context=context)
            except (ssl.SSLError, OSError) as e:
                answer = f"refused: {type(e).__name__}: {e}"
            checks.check("PONG" not in answer, f"{what} is refused", answer[-300:])
        time.sleep(1)
        checks.check(stored("osaka-2") == 0, "nothing is stored from plain TCP, a wrong password, no certificate or "
                     f"a rogue certificate ({stored('osaka-2')})")
        checks.check(stored(NKEY_SENSOR) == 0, f"nothing is stored from a wrong nkey seed ({stored(NKEY_SENSOR)})")
        # The right seed: stored.
        p, log = sensor("nagoya-nkey", NKEY_SENSOR, cluster.urls(), nkey_lines("nkey.seed"), user="", password="")
        code = p.wait(timeout=60)
        deadline = time.monotonic() + 20
        while stored(NKEY_SENSOR) < EVENTS and time.monotonic() < deadline:
            time.sleep(0.2)
        checks.check(code == 0 and stored(NKEY_SENSOR) == EVENTS,
                     f"a sensor with an nkey over TLS: its events are stored ({stored(NKEY_SENSOR)}, exit {code})",
                     log.read_text()[-1500:])

        # 3. A sensor on another sensor's subjects: refused by the server.
        tokyo = client_context(pki, "tokyo-1")
        sha = "ab" * 32
        for subject in ("kansoku.events.osaka-2.darknet.scan", f"kansoku.samples.osaka-2.{sha}.manifest"):
            answer = raw_publish(port, "tokyo-1", SENSORS["tokyo-1"], [(subject, {"Nats-Msg-Id": "osaka-2:1"}, b"{}")],
                                 tls_context=tokyo)
            checks.check("Permissions Violation" in answer, f"tokyo-1 publishing on {subject} is refused",
                         answer[-300:])

        # 4. On its own subjects, a body claiming another sensor: refused by the center.
        claim = {"type": "darknet.scan", "ts": "2026-12-07T10:00:00.000001Z", "sensor": "osaka-2", "v": 1,
                 "src": "198.51.100.99"}
        manifest = {"sha256": sha, "size": 3, "chunk_size": 131072, "chunks": 1, "sensor": "osaka-2",
                    "sources": [{"kind": "download", "sensor": "osaka-2", "first_seen": claim["ts"]}]}
        answer = raw_publish(port, "tokyo-1", SENSORS["tokyo-1"], [
            ("kansoku.events.tokyo-1.darknet.scan", {"Nats-Msg-Id": "tokyo-1:900000"}, json.dumps(claim).encode()),
            (f"kansoku.samples.tokyo-1.{sha}.0", {"Nats-Msg-Id": f"tokyo-1:{sha}:0"}, b"abc"),
            (f"kansoku.samples.tokyo-1.{sha}.manifest", {"Nats-Msg-Id": f"tokyo-1:{sha}:manifest"},
             json.dumps(manifest).encode()),
        ], tls_context=tokyo)
        checks.check("-ERR" not in answer, "tokyo-1 may publish on its own subjects", answer[-300:])
        deadline = time.monotonic() + 15
        refusals = {}
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/api/v1/sensors", timeout=5) as r:
                refusals = json.loads(r.read())["transport"]["refused"]
            if refusals.get("sensor_mismatch"):
                break
            time.sleep(0.3)
        checks.check(refusals.get("sensor_mismatch") == 1 and stored("osaka-2") == 0,
                     "an event on tokyo-1's subject claiming osaka-2 is dead-lettered (sensor_mismatch)",
                     json.dumps(refusals))
        ic.stop_process(center, timeout=20)
        text = center_log.read_text()
        checks.check("sensor_mismatch 1" in text and not (work / "center" / "samples" / sha[:2] / sha).exists(),
                     "a sample manifest on tokyo-1's subject claiming osaka-2 is refused (sensor_mismatch)",
                     text[-1200:])
        print(f"elapsed {time.monotonic() - started:.1f} s", flush=True)
    except Exception as e:  # a failure to run is a failed check, with the logs
        failed_run(checks, e, sorted(work.glob("*.log")))
    finally:
        if center is not None:
            ic.stop_process(center, timeout=20)
        if cluster is not None:
            cluster.stop_all()
        keep_if_failed(checks, work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
