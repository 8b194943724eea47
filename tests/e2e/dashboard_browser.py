#!/usr/bin/env python3
"""The dashboard in a real browser against the main job (issue 13 item 2 and its checks).

`kansoku run` with the embedded default starts in a network namespace of its own with only loopback
(so the default ports are free and nothing leaves the machine); its demo capture is the darknet
traffic. A telnet client logs into the honeypot on 127.0.0.1:2323 with a username carrying markup
(`<img/src=x/onerror=...>`), fails once, gets in on the second try and runs commands. Then
dashboard_browser.mjs drives Debian's chromium (playwright-core) through every view: each loads with
no console errors and no failed requests, the charts fed by the traffic are drawn with data, the map
drills down to a source, the hostile username is text on the honeypot view and in the session
replay, Japanese labels, the keyboard and a phone's width work; the first meaningful paint is
measured. Screenshots and the paint figure are kept under ARTIFACTS_DIR.

Usage: dashboard_browser.py PATH/TO/kansoku UI_DIR ARTIFACTS_DIR
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

BASE = "http://127.0.0.1:8470"
# No spaces (login takes the first word of the line, as BusyBox does; "/" separates HTML attributes) and under
# the honeypot's 64-byte username limit.
HOSTILE = "<img/src=x/onerror=__pwned=1><b>r00t</b>"


def get_json(path: str):
    with urllib.request.urlopen(BASE + path, timeout=5) as response:
        return json.loads(response.read())


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (OSError, ValueError, KeyError, urllib.error.HTTPError):
            pass
        time.sleep(0.2)
    return False


def telnet_session(checks: ic.Checks) -> None:
    """Two logins with the hostile username (the honeypot lets a source in on its second try), then commands."""
    client = hl.TelnetClient("127.0.0.1", 2323)
    try:
        client.read_until(b"login: ", 10)
        client.line(HOSTILE)
        client.read_until(b"Password: ", 10)
        client.line("wrong")
        client.read_until(b"login: ", 10)  # after "Login incorrect" (3 s)
        client.line(HOSTILE)
        client.read_until(b"Password: ", 10)
        client.line("admin")
        got_in = client.read_until(b"# ", 10).endswith(b"# ")
        checks.check(got_in, "telnet: logged in on the second try with the hostile username")
        for command in ("uname -a", "cat /proc/cpuinfo"):
            client.line(command)
            client.read_until(b"# ", 10)
        client.line("exit")
        client.read_until(b"\n", 2)
    finally:
        client.close()


def main() -> int:
    if len(sys.argv) < 4:
        print(f"usage: {sys.argv[0]} KANSOKU UI_DIR ARTIFACTS_DIR", file=sys.stderr)
        return 2
    kansoku, ui_dir, artifacts = os.path.abspath(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    if os.geteuid() != 0:
        ic.skip("needs root for its own network namespace (unshare -n)")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        ic.skip("chromium is not installed (scripts/setup installs it)")
    if not (ui_dir / "node_modules" / "playwright-core").is_dir() or shutil.which("node") is None:
        ic.skip("node or ui/node_modules/playwright-core missing (the build runs npm ci in ui/)")
    ic.reexec_in_outer_netns()  # from here on only loopback exists
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-dashboard-")
    process = None
    try:
        log = (work / "run.log").open("w")
        started = time.monotonic()
        process = subprocess.Popen([kansoku, "run"], cwd=work, stdout=log, stderr=subprocess.STDOUT)
        up = ic.wait_for_text(work / "run.log", f"{BASE}/", 30, process)
        checks.check(up, f"kansoku run printed the dashboard's URL {BASE}/ after {time.monotonic() - started:.1f} s",
                     (work / "run.log").read_text())
        if not up:
            return checks.exit_code()
        served = wait_until(lambda: get_json("/api/v1/overview?from=30d")["scans"] > 0, 30)
        checks.check(served, f"the demo capture's scans are in the API after {time.monotonic() - started:.1f} s")
        telnet_session(checks)
        stored = wait_until(lambda: any(i.get("username") == HOSTILE for i in
                                        get_json("/api/v1/top/credentials?from=30d&limit=50")["items"]), 20)
        checks.check(stored, "the hostile login is in the API")
        artifacts.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CHROMIUM=browser)
        result = subprocess.run(["node", str(Path(__file__).with_name("dashboard_browser.mjs")), BASE, str(artifacts),
                                 HOSTILE], cwd=ui_dir, env=env, capture_output=True, text=True, timeout=240)
        for line in result.stdout.splitlines():
            print(f"  {line}", flush=True)
        checks.check(result.returncode == 0, "the browser checks passed (lines above)", result.stderr[-3000:])
    finally:
        ic.stop_process(process)
        if process is not None:
            checks.check(process.returncode == 0, f"kansoku run stopped cleanly on SIGTERM (exit {process.returncode})",
                         (work / "run.log").read_text()[-2000:])
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
