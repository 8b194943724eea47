#!/usr/bin/env python3
"""The subscriber notice page in a real browser (issue 11 item 6).

A temporary database gets two infected hosts (seeded through the store's interfaces): A, whose
family name carries HTML, and B. `kansoku notice issue` gives A a link; `kansoku serve` serves it;
Debian's chromium, headless, renders the page in English and in Japanese (--dump-dom for the
DOM after parsing, --screenshot for the picture). Checks: A's address, family and times are on
the page in the right language and time zone; B's address and family are not; the hostile family
is text, not markup (no script element, nothing executed); an unknown token is a 404 page that
says the link is invalid. Everything runs in a network namespace of its own with only loopback
(the browser cannot reach anything else). The screenshots are kept under ARTIFACTS.

Usage: notice_page_browser.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel ARTIFACTS_DIR
"""

import os
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402

HOST_A = "198.51.100.7"
HOST_B = "192.0.2.44"
FAMILY_A = "mirai<script>document.title='pwned'</script>"
FAMILY_B = "gafgyt-other"
PORT = 8470  # the namespace is ours: the default port is free


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def chromium(binary, work, args, timeout=60):
    profile = work / "chrome-profile"
    return ic.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage",
                   f"--user-data-dir={profile}", *args], timeout=timeout)


def main() -> int:
    if len(sys.argv) < 4:
        print(f"usage: {sys.argv[0]} KANSOKU SEED_TOOL ARTIFACTS_DIR", file=sys.stderr)
        return 2
    kansoku, seed_tool, artifacts = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), Path(sys.argv[3])
    if os.geteuid() != 0:
        ic.skip("needs root for its own network namespace (unshare -n)")
    browser = chromium_binary()
    if browser is None:
        ic.skip("chromium is not installed (scripts/setup installs it)")
    ic.reexec_in_outer_netns()  # from here on only loopback exists
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-notice-")
    server = None
    try:
        server = run_checks(kansoku, seed_tool, browser, artifacts, work, checks)
    finally:
        if server is not None:
            ic.stop_process(server)
        ic.remove_temp_dir(work)
    return checks.exit_code()


def run_checks(kansoku, seed_tool, browser, artifacts, work, checks):
    config = center_lab.write_config(work, "e2e-notice", PORT, 'notice_ttl = "14d"\n')
    seed = {"hosts": [
        {"ip": HOST_A, "family": FAMILY_A, "first_seen": "2026-11-30T00:53:20Z", "last_seen": "2026-12-01T12:53:20Z",
         "evidence": ["honeypot.login", "honeypot.download"]},
        {"ip": HOST_B, "family": FAMILY_B, "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z",
         "evidence": ["darknet.scan"]},
    ]}
    seeded = center_lab.seed(seed_tool, work, seed)
    checks.check(seeded.returncode == 0, "the database holds two infected hosts", seeded.stderr)

    issued = ic.run([kansoku, "notice", "issue", HOST_A, "--config", str(config)], timeout=30)
    url = issued.stdout.strip()
    checks.check(issued.returncode == 0 and url.startswith(f"http://127.0.0.1:{PORT}/notice/") and len(url) > 40,
                 f"`kansoku notice issue` printed the link ({url[:40]}...)", issued.stderr)
    again = ic.run([kansoku, "notice", "issue", HOST_A, "--config", str(config)], timeout=30)
    checks.check(again.stdout.strip() == url, "issuing again keeps the link", again.stdout + again.stderr)
    other = ic.run([kansoku, "notice", "issue", HOST_B, "--config", str(config)], timeout=30)
    checks.check(other.returncode == 0, "host B has a link of its own", other.stderr)
    stranger = ic.run([kansoku, "notice", "issue", "203.0.113.200", "--config", str(config)], timeout=30)
    checks.check(stranger.returncode == 1 and "not an infected host" in stranger.stderr,
                 "an address that is no infected host gets no link", stranger.stderr)

    shown = ic.run([kansoku, "notice", "show", url.rsplit("/", 1)[-1], "--config", str(config)], timeout=30)
    checks.check(shown.returncode == 0 and HOST_A in shown.stdout, "`kansoku notice show TOKEN` names the host",
                 shown.stdout + shown.stderr)
    for args, what in ((["show", "A" * 32], "an unknown token"), (["issue", "not-an-ip"], "a bad address"),
                       (["issue", HOST_A, "--ttl", "soon"], "a bad --ttl")):
        bad = ic.run([kansoku, "notice", *args, "--config", str(config)], timeout=30)
        checks.check(bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1,
                     f"kansoku notice {args[0]} with {what}: one line, exit 1", bad.stderr)

    server, up = center_lab.start_serve(kansoku, config, work, PORT)
    if not checks.check(up, "kansoku serve is up", (work / "serve.log").read_text()):
        return server

    artifacts.mkdir(parents=True, exist_ok=True)
    for lang, expect in (("en", ["lang=\"en\"", "Change default passwords", "1 December 2026, 12:53 UTC"]),
                         ("ja", ["lang=\"ja\"", "初期設定のパスワードを変更してください", "2026年12月1日 21時53分（日本時間）"])):
        page_url = f"{url}?lang={lang}"
        dom = chromium(browser, work, ["--enable-logging=stderr", "--dump-dom", page_url])
        text = dom.stdout
        checks.check(dom.returncode == 0 and "</html>" in text, f"[{lang}] chromium rendered the page",
                     dom.stderr[-2000:])
        for needle in expect + [HOST_A]:
            checks.check(needle in text, f"[{lang}] the page shows {needle!r}")
        checks.check("mirai&lt;script&gt;document.title='pwned'&lt;/script&gt;" in text,
                     f"[{lang}] the hostile family is shown as text")
        checks.check("<script" not in text and "pwned</title>" not in text,
                     f"[{lang}] no script element exists, the title was not changed")
        checks.check(HOST_B not in text and FAMILY_B not in text, f"[{lang}] host B's address and family are absent")
        checks.check("seed-sensor" not in text, f"[{lang}] no sensor name is shown")
        checks.check("Content Security Policy" not in dom.stderr,
                     f"[{lang}] the Content-Security-Policy refused nothing (the style's hash matches)",
                     "\n".join(l for l in dom.stderr.splitlines() if "Content Security Policy" in l))
        shot = artifacts / f"notice-{lang}.png"
        if shot.exists():
            shot.unlink()
        taken = chromium(browser, work, [f"--screenshot={shot}", "--window-size=1000,1800", "--hide-scrollbars",
                                         page_url])
        size = shot.stat().st_size if shot.exists() else 0
        with shot.open("rb") if shot.exists() else open(os.devnull, "rb") as f:
            signature = f.read(8)
        checks.check(taken.returncode == 0 and signature == b"\x89PNG\r\n\x1a\n" and size > 20000,
                     f"[{lang}] screenshot kept: {shot} ({size} bytes)", taken.stderr[-2000:])

    bogus = f"http://127.0.0.1:{PORT}/notice/" + "A" * 32
    dom = chromium(browser, work, ["--dump-dom", bogus])
    checks.check("This link is invalid or has expired" in dom.stdout and HOST_A not in dom.stdout,
                 "an unknown link shows the invalid-link page", dom.stdout[-1000:])
    try:
        urllib.request.urlopen(bogus, timeout=5)
        checks.check(False, "an unknown link is 404")
    except urllib.error.HTTPError as e:
        checks.check(e.code == 404 and e.headers.get("Referrer-Policy") == "no-referrer",
                     "an unknown link is 404 with Referrer-Policy: no-referrer")
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Language": "ja,en;q=0.5"}),
                                timeout=5) as response:
        body = response.read().decode()
        checks.check(response.headers.get("Content-Language") == "ja" and "日本時間" in body,
                     "Accept-Language: ja without ?lang gives the Japanese page")
        csp = response.headers.get("Content-Security-Policy", "")
        checks.check(csp.startswith("default-src 'none'; style-src 'sha256-"), f"CSP header: {csp[:60]}...")
    return server


if __name__ == "__main__":
    sys.exit(main())
