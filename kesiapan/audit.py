"""The audit log (issue 5): who signed in, imported, restored or downloaded names, and when.

`<akses folder>/audit.jsonl`, one JSON record per line, only ever appended (O_APPEND under a
lock, then fsync). Each record carries the hash of the one before it, so an edited, removed or
reordered line shows up in `verify` (`python -m kesiapan audit --periksa`). No Streamlit here.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

from kesiapan import private

AUDIT_FILE = "audit.jsonl"
GENESIS = "0" * 64

# Events.
MASUK = "masuk"
GAGAL_MASUK = "gagal_masuk"
TERKUNCI = "akun_terkunci"
KELUAR = "keluar"
DITOLAK = "akses_ditolak"
IMPOR = "impor"
PULIHKAN = "pulihkan"
UNDUH = "unduh"
AKUN = "kelola_akun"
PERISTIWA = {
    MASUK: "masuk",
    GAGAL_MASUK: "gagal masuk",
    TERKUNCI: "akun terkunci",
    KELUAR: "keluar",
    DITOLAK: "akses ditolak",
    IMPOR: "impor data",
    PULIHKAN: "pemulihan versi",
    UNDUH: "unduhan berisi nama",
    AKUN: "pengelolaan akun",
}


def _digest(previous: str, body: dict[str, object]) -> str:
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + text).encode("utf-8")).hexdigest()


def _last_hash(path: Path) -> str:
    """The hash of the last record (reads the file's tail only)."""
    if not path.exists() or path.stat().st_size == 0:
        return GENESIS
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        chunk = min(size, 65536)
        f.seek(size - chunk)
        lines = f.read().splitlines()
    for line in reversed(lines):
        if line.strip():
            return str(json.loads(line)["hash"])
    return GENESIS


def record(folder: Path, peristiwa: str, pengguna: str | None, **rincian: object) -> dict:
    """Append one event: its time, who (user name, or what was typed for a failed sign-in)
    and its details (filters, row counts, file names)."""
    private.make_dir(folder)
    path = folder / AUDIT_FILE
    body: dict[str, object] = {
        "waktu": datetime.now().astimezone().isoformat(timespec="seconds"),
        "peristiwa": peristiwa,
        "pengguna": pengguna,
        **{k: v for k, v in rincian.items() if v is not None},
    }
    body = json.loads(json.dumps(body, ensure_ascii=False, default=str))  # dates as text
    fd = private.open_fd(path, os.O_WRONLY | os.O_APPEND)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        previous = _last_hash(path)
        entry = {**body, "sebelum": previous, "hash": _digest(previous, body)}
        os.write(fd, (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock
    return entry


def read(folder: Path) -> list[dict]:
    path = folder / AUDIT_FILE
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def verify(folder: Path) -> list[str]:
    """Where the chain breaks (Indonesian, by line number); empty when intact."""
    path = folder / AUDIT_FILE
    if not path.exists():
        return []
    problems: list[str] = []
    previous = GENESIS
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                body = {k: v for k, v in entry.items() if k not in ("sebelum", "hash")}
                expected = _digest(previous, body)
                if entry.get("sebelum") != previous:
                    problems.append(f"baris {number}: tidak menyambung ke catatan sebelumnya")
                elif entry.get("hash") != expected:
                    problems.append(f"baris {number}: isi catatan berubah setelah ditulis")
                previous = str(entry.get("hash"))
            except (ValueError, AttributeError):
                problems.append(f"baris {number}: bukan catatan JSON yang sah")
    return problems
