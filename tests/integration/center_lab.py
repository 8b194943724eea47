"""Helpers for tests that run the center (`kansoku serve`) over a seeded database: the config, the
seeding (tests/e2e/seed_intel.cpp, through the store's own interfaces) and the server's start."""

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import integ_common as ic


def write_config(work: Path, name: str, port: int, web_extra: str = "", store=None) -> Path:
    """A config keeping every file under `work`; `web_extra` is appended to [web] (and may open
    sections of its own after it). `store` (store_choice.TestStore) chooses the database; default
    work/kansoku.db."""
    path = work / "kansoku.toml"
    storage = store.storage_toml() if store else f'database = "{work / "kansoku.db"}"\n'
    path.write_text(f"""[sensor]
name = "{name}"
[storage]
data_dir = "{work / 'var'}"
{storage}events_jsonl = "{work / 'var' / 'events.jsonl'}"
[web]
port = {port}
access_log = "{work / 'access.log'}"
{web_extra}""")
    return path


def seed(seed_tool: str, work: Path, content: dict, store=None) -> subprocess.CompletedProcess:
    """Puts `content` ({"hosts", "c2", "isps", "feedback"}) into `store`'s database (default work/kansoku.db)."""
    (work / "seed.json").write_text(json.dumps(content))
    location = store.location if store else str(work / "kansoku.db")
    return ic.run([seed_tool, location, str(work / "seed.json")], timeout=30)


def start_serve(kansoku: str, config: Path, work: Path, port: int, timeout: float = 15.0):
    """Starts `kansoku serve`; returns the process and whether /api/v1/status answered in time."""
    process = subprocess.Popen([kansoku, "serve", "--config", str(config)], stdout=subprocess.DEVNULL,
                               stderr=(work / "serve.log").open("w"), cwd=work)
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/status", timeout=1)
            return process, True
        except urllib.error.HTTPError:
            return process, True
        except OSError:
            time.sleep(0.1)
    return process, False
