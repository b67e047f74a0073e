"""A throwaway PostgreSQL server for the tests and the load check (issue 16).

Debian's `postgresql` package (`initdb`, `pg_ctl`), a cluster in a temporary folder, listening
on 127.0.0.1 only, on a free port, with a random password (scram-sha-256): never a shared
socket folder, never trust authentication. PostgreSQL refuses to run as root, so as root the
cluster belongs to an unprivileged user (`nobody`) and its programs run through `runuser`.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "kesiapan"
UNPRIVILEGED = "nobody"
MISSING = (
    "PostgreSQL belum terpasang (initdb/pg_ctl tidak ditemukan di /usr/lib/postgresql): "
    "jalankan 'make test' sebagai root atau 'apt-get install postgresql'"
)


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int
    password: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's programs."""
    found = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextlib.contextmanager
def running() -> Iterator[Server]:
    """Start a new cluster, yield it, stop it and remove its folder."""
    programs = bin_dir()
    if programs is None:
        raise RuntimeError(MISSING)
    owner = UNPRIVILEGED if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="kesiapan-pg-"))
    data = folder / "data"
    password = secrets.token_hex(16)
    try:
        (folder / "sandi").write_text(password, encoding="utf-8")
        if owner:
            info = pwd.getpwnam(owner)
            for path in (folder, folder / "sandi"):
                os.chown(path, info.pw_uid, info.pw_gid)
        os.chmod(folder, 0o700)
        os.chmod(folder / "sandi", 0o600)
        subprocess.run(
            _as_owner(
                [
                    str(programs / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={folder / 'sandi'}",
                    "--encoding=UTF8",
                    "--no-sync",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
            cwd=folder,
        )
        for attempt in range(5):
            port = _free_port()
            started = subprocess.run(
                _as_owner(
                    [
                        str(programs / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(folder / "log"),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        f"-p {port} -c listen_addresses=127.0.0.1 "
                        "-c unix_socket_directories='' -c max_connections=200 -c fsync=on",
                        "start",
                    ],
                    owner,
                ),
                capture_output=True,
                cwd=folder,
            )
            if started.returncode == 0:
                break
            if attempt == 4:
                log = (folder / "log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL tidak dapat dinyalakan: {log}")
        try:
            yield Server(folder, port, password)
        finally:
            # Immediate: no shutdown checkpoint (10-25 s of fsync on a busy disk, measured),
            # since the cluster's folder is removed right after.
            subprocess.run(
                _as_owner(
                    [str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner
                ),
                capture_output=True,
                cwd=folder,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server: Server, name: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return server.url(name)
