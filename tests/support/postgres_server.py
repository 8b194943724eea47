#!/usr/bin/env python3
"""A real PostgreSQL server for tests: `initdb` into a directory, started on a unix socket in that directory
(and, when asked, a loopback port), stopped and removed afterwards. PostgreSQL refuses to run as root, so as
root the server runs as the `postgres` system user (Debian's postgresql package creates it) through runuser.

As a CTest fixture (FIXTURES_SETUP / FIXTURES_CLEANUP):
    postgres_server.py start DIR    # prints and writes DIR/url; without PostgreSQL, says so and writes none
    postgres_server.py stop DIR     # stops the server and removes DIR
The URL is `postgresql:///kansoku?host=DIR&user=kansoku`; tests read it from KANSOKU_TEST_PG_URL.

From python tests: `fresh_database(prefix)` gives the URL of a new, empty database on the fixture's server
(KANSOKU_TEST_PG_URL), or on a server of its own started for this process and stopped at exit.
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional

USER = "kansoku"  # the cluster's superuser (initdb -U); trust authentication on the socket and loopback only


def _bin_dir() -> Optional[str]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _as_server_user(args):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def url_for(socket_dir: Path, database: str = "kansoku") -> str:
    return f"postgresql:///{database}?host={socket_dir}&user={USER}"


class PostgresServer:
    """One cluster in `directory` (created), listening on its socket there and on 127.0.0.1:`port` if given."""

    def __init__(self, directory: Path, port: int = 0):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = port
        self.bin = _bin_dir()

    def available(self) -> Optional[str]:
        """None when a server can be started here, else why not."""
        if self.bin is None:
            return "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb; scripts/setup installs it)"
        if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            return "running as root and there is no postgres user to run the server as"
        return None

    def start(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            os.chmod(self.directory, 0o755)
        run = lambda args, **kw: subprocess.run(_as_server_user(args), capture_output=True, text=True, **kw)
        r = run([f"{self.bin}/initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync"], timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed: {r.stderr.strip()}")
        # Tests need no durability: fsync off keeps a 2-core machine shared by builders responsive.
        listen = f"-c listen_addresses=127.0.0.1 -p {self.port}" if self.port else "-c listen_addresses=''"
        options = (f"-k {self.directory} {listen} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB")
        r = run([f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "-t",
                 "60", "-o", options, "start"], timeout=90)
        if r.returncode != 0:
            log = (self.directory / "server.log")
            raise RuntimeError(f"pg_ctl start failed: {r.stderr.strip()} {log.read_text() if log.exists() else ''}")
        self.create_database("kansoku")
        url = url_for(self.directory)
        (self.directory / "url").write_text(url + "\n")
        return url

    def create_database(self, name: str) -> str:
        return create_database(url_for(self.directory, "postgres"), name)

    def stop(self) -> None:
        if self.bin and (self.data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "immediate", "-w",
                                            "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(self.directory, ignore_errors=True)


def psql(url: str, sql: str, check: bool = True) -> str:
    """Runs `sql` with psql on `url`; its output, unaligned, without headers."""
    bin_dir = _bin_dir()
    psql_bin = f"{bin_dir}/psql" if bin_dir else "psql"
    r = subprocess.run([psql_bin, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise RuntimeError(f"psql: {r.stderr.strip()}")
    return r.stdout


def create_database(admin_url: str, name: str) -> str:
    """Creates database `name` on the server of `admin_url`; the new database's URL."""
    psql(admin_url, f'CREATE DATABASE "{name}"')
    if "/postgres?" in admin_url or "/kansoku?" in admin_url:
        return admin_url.replace("/postgres?", f"/{name}?", 1).replace("/kansoku?", f"/{name}?", 1)
    raise ValueError(f"cannot derive a database URL from {admin_url}")


_own_server: Optional[PostgresServer] = None


def fresh_database(prefix: str = "t") -> str:
    """The URL of a new empty database: on the fixture's server (KANSOKU_TEST_PG_URL) if there is one, else on a
    server started for this process (stopped at exit). Raises RuntimeError with the reason when neither works."""
    global _own_server
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    fixture = os.environ.get("KANSOKU_TEST_PG_URL", "")
    if fixture and os.path.exists(fixture.split("host=")[-1].split("&")[0] + "/url"):
        return create_database(fixture, name)
    if _own_server is None:
        server = PostgresServer(Path(tempfile.mkdtemp(prefix="ks-pg-")))
        why = server.available()
        if why:
            raise RuntimeError(why)
        atexit.register(server.stop)
        server.start()
        _own_server = server
    return _own_server.create_database(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        print("usage: postgres_server.py start|stop DIR", file=sys.stderr)
        return 2
    server = PostgresServer(Path(sys.argv[2]))
    if sys.argv[1] == "stop":
        server.stop()
        return 0
    why = server.available()
    if why:
        # Not a failure of the fixture: the tests that need the server skip, each saying why.
        print(f"no PostgreSQL server for the tests: {why}", file=sys.stderr)
        return 0
    server.stop()  # a previous run's leftovers
    started = time.time()
    try:
        url = server.start()
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"postgres_server: {e}", file=sys.stderr)
        server.stop()
        return 1
    print(f"{url} (started in {time.time() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
