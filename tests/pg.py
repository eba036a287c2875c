"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started on
a free loopback port as an unprivileged user, one fresh database per test, stopped at the end.

Needs Debian's postgresql package (`.ci/run` installs it). Where it is missing or cannot
start, the PostgreSQL half of the store tests is skipped with a message saying why.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import uuid
from pathlib import Path

from tests.helpers import free_port


def pg_bin() -> Path | None:
    """The folder with initdb and pg_ctl (Debian keeps them off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    try:
        return int(path.split("/")[4])
    except (IndexError, ValueError):
        return 0


class Cluster:
    """One running PostgreSQL server owned by the test session."""

    def __init__(self, root: Path) -> None:
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bindir, self.root = bindir, root
        self.data, self.sock = root / "data", root / "sock"
        self.port = free_port()
        self.user = _unprivileged_user()
        root.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if self.user is not None:  # root may not run PostgreSQL: hand the folder over
            uid, gid = pwd.getpwnam(self.user).pw_uid, pwd.getpwnam(self.user).pw_gid
            for p in (root, self.sock):
                os.chown(p, uid, gid)
        self._run(
            str(bindir / "initdb"), "-D", str(self.data), "-U", "mentor",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self._run(
            str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(root / "server.log"),
            "-w", "-t", "60", "-o",
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200",
            "start",
        )  # fmt: skip

    def _run(self, *cmd: str) -> None:
        if self.user is not None:
            cmd = ("runuser", "-u", self.user, "--", *cmd)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(cmd[-1]).name} failed: {done.stderr.strip()[-400:]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://mentor@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=mentor dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")


def _unprivileged_user() -> str | None:
    """None when not root; else a system user to run the server as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL")
