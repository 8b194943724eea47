"""Which store engine an integration test runs its center on: SQLite (the default) or PostgreSQL, chosen by
KANSOKU_TEST_STORE=postgres (CTest's *_postgres variants set it; tests/integration/CMakeLists.txt). For
PostgreSQL each test gets a new database on the fixture's server (tests/support/postgres_server.py), or on a
server of its own when run by hand. Tests read and write rows through `rows()`, whatever the engine."""

import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))
import postgres_server  # noqa: E402

import integ_common as ic  # noqa: E402


def engine() -> str:
    return os.environ.get("KANSOKU_TEST_STORE", "sqlite")


class TestStore:
    """The database of one test: `location` is what storage.url / storage.database and --db take."""

    def __init__(self, sqlite_path: Path, prefix: str = "integ"):
        self.engine = engine()
        self.sqlite_path = Path(sqlite_path)
        if self.engine == "postgres":
            try:
                self.location = postgres_server.fresh_database(prefix)
            except (RuntimeError, OSError) as e:
                ic.skip(f"no PostgreSQL server for this test: {e}")
        else:
            self.location = str(self.sqlite_path)

    def storage_toml(self) -> str:
        """The [storage] keys that choose this database (database stays set: SQLite's file, unused with url)."""
        lines = f'database = "{self.sqlite_path}"\n'
        if self.engine == "postgres":
            lines += f'url = "{self.location}"\n'
        return lines

    def rows(self, sql: str, params=()):
        """Runs `sql` ('?' parameters, values inlined for psql) and returns its rows as tuples of text (psql) or
        of SQLite's values."""
        if self.engine != "postgres":
            con = sqlite3.connect(self.sqlite_path)
            with con:
                result = con.execute(sql, params).fetchall()
            con.close()
            return result
        for value in params:
            literal = str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"
            sql = sql.replace("?", literal, 1)
        out = postgres_server.psql(self.location, sql)
        return [tuple(_number(v) for v in line.split("|")) for line in out.splitlines() if line]

    def raw_text(self) -> bytes:
        """Everything the database holds, as bytes to search for secrets: the file (and its WAL), or a dump."""
        if self.engine != "postgres":
            wal = self.sqlite_path.with_name(self.sqlite_path.name + "-wal")
            return self.sqlite_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        bin_dir = postgres_server._bin_dir()
        r = ic.run([f"{bin_dir}/pg_dump", "-d", self.location], timeout=60)
        return r.stdout.encode()


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        return text
