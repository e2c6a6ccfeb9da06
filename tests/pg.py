"""A throwaway PostgreSQL server for tests: initdb in a temp dir, unix socket only.

Used by the ``pg_url`` fixture (tests/test_store.py). The server is started by the tests
themselves (CI only installs the Debian packages); tests skip only when the binaries or
psycopg are absent, and say why. As root, initdb/postgres run as the ``postgres`` user
(PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional


def find_bin_dir() -> Optional[Path]:
    """Directory holding initdb and pg_ctl: $PG_BIN, PATH, then Debian's layout."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
        reverse=True,
    )
    candidates += [Path(p) for p in debian]
    for d in candidates:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    return None


def why_unavailable() -> Optional[str]:
    """None when a server can be started here, else the reason."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'newsfold[postgres]')"
    if find_bin_dir() is None:
        return (
            "PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BIN, PATH or "
            "/usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


class TempPostgres:
    """Start with :meth:`start` (returns a URL), stop with :meth:`stop`."""

    def __init__(self) -> None:
        self.bin = find_bin_dir()
        self.dir: Optional[Path] = None
        self.port = 54000 + (os.getpid() % 1000)
        self.url: Optional[str] = None

    def _cmd(self, args: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def start(self) -> str:
        assert self.bin is not None, why_unavailable()
        self.dir = Path(tempfile.mkdtemp(prefix="newsfold-pg-"))
        data = self.dir / "data"
        if os.geteuid() == 0:
            pg = pwd.getpwnam("postgres")
            os.chown(self.dir, pg.pw_uid, pg.pw_gid)
        os.chmod(self.dir, 0o700)
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        subprocess.run(
            self._cmd([str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                       "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True, env=env,
        )
        opts = (
            f"-c listen_addresses='' -k {self.dir} -p {self.port} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB "
            "-c max_connections=20"
        )
        subprocess.run(
            self._cmd([str(self.bin / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-t", "60",
                       "-l", str(self.dir / "server.log"), "start"]),
            check=True, capture_output=True, env=env,
        )
        self.url = f"postgresql://postgres@/postgres?host={self.dir}&port={self.port}"
        return self.url

    def new_database(self) -> str:
        """A fresh empty database on this server; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@/{name}?host={self.dir}&port={self.port}"

    def stop(self) -> None:
        if self.dir is None:
            return
        try:
            subprocess.run(
                self._cmd([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                           "-w", "stop"]),
                capture_output=True, timeout=60,
            )
        finally:
            for _ in range(3):
                try:
                    shutil.rmtree(self.dir)
                    break
                except OSError:
                    time.sleep(0.5)
            self.dir = None
