"""The audit log (issue 5): who signed in, imported, restored or downloaded names, and when.

`<akses folder>/audit.jsonl`, one JSON record per line, only ever appended (O_APPEND under a
lock, then fsync). Issue 12 made it tamper-evident against more than an edited line:

- Each record carries a keyed hash (HMAC-SHA256) of the record before it and of itself. The
  key is a random secret in its own owner-only file (`.kunci-audit` beside the log, or the file
  named by `KESIAPAN_KUNCI_AUDIT`, which may live elsewhere), so somebody who can write the log
  but not read the key cannot re-chain the records after removing or editing one.
- After every append, a checkpoint (the number of records and the last hash, itself keyed) is
  written to `audit.titik`; the users file carries a copy of it each time it is rewritten
  (`kesiapan.access.accounts`). A cut tail, a log rewritten from some point on, or a log that is
  gone while a checkpoint remembers it are named by `verify` (`python -m kesiapan audit --periksa`).

What it cannot detect (README, Akses): somebody who can read the key and rewrite the log, the
checkpoint and the users file together; the log, the checkpoint and the users file all put
back to an older copy of themselves (a restored backup); records never written because the
server was stopped. Copies of the log kept elsewhere close those gaps.

Records written before the key existed (hash without a key) still verify as they were; a
record without a key after a keyed one is reported. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime
from pathlib import Path

from kesiapan.access import private

AUDIT_FILE = "audit.jsonl"
CHECKPOINT_FILE = "audit.titik"
KEY_FILE = ".kunci-audit"
KEY_ENV = "KESIAPAN_KUNCI_AUDIT"  # path of the key file, when it is kept away from the log
GENESIS = "0" * 64
KEYED = 2  # `rantai` of a record hashed with the key

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
SESI_BERAKHIR = "sesi_berakhir"
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
    SESI_BERAKHIR: "sesi diakhiri",
}


class AuditError(Exception):
    """The log cannot be read or written; the message is Indonesian."""


def key_path(folder: Path) -> Path:
    configured = os.environ.get(KEY_ENV)
    return Path(configured) if configured else folder / KEY_FILE


def _key(folder: Path, create: bool) -> bytes | None:
    """The log's secret key (made on first use, owner-only); None when absent and not made."""
    path = key_path(folder)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        private.make_dir(path.parent, close_existing=path.parent == folder)
        fd = private.open_fd(path, os.O_WRONLY | os.O_EXCL)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"kunci log audit {path} tidak dapat dibaca: {exc}") from exc
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise AuditError(f"kunci log audit {path} rusak") from exc


def _canonical(body: dict[str, object]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _digest(previous: str, body: dict[str, object], key: bytes | None = None) -> str:
    data = previous.encode("utf-8") + _canonical(body)
    if key is None:  # a record from before issue 12
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _seal(key: bytes, count: int, last: str) -> str:
    return hmac.new(key, f"{count}:{last}".encode(), hashlib.sha256).hexdigest()


def _tail_hash(path: Path) -> str:
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
            try:
                return str(json.loads(line)["hash"])
            except (ValueError, KeyError, TypeError) as exc:
                raise AuditError(f"catatan terakhir log audit {path} rusak") from exc
    return GENESIS


def _last(folder: Path, path: Path) -> tuple[str, int]:
    """The hash of the last record and the number of records: counted from the checkpoint
    when it agrees with the tail (a long log is not read whole for every record)."""
    last = _tail_hash(path)
    if last == GENESIS:
        return last, 0
    with contextlib.suppress(AuditError):
        held = checkpoint(folder)
        if held and held.get("hash") == last and isinstance(held.get("jumlah"), int):
            return last, int(held["jumlah"])  # type: ignore[call-overload]
    with open(path, "rb") as f:
        return last, sum(1 for line in f if line.strip())


def checkpoint(folder: Path) -> dict[str, object] | None:
    """The last checkpoint written (records, last hash), or None when there is none."""
    try:
        data = json.loads((folder / CHECKPOINT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AuditError(f"titik periksa log audit rusak: {exc}") from exc
    return data if isinstance(data, dict) else None


def _write_checkpoint(folder: Path, key: bytes, count: int, last: str) -> None:
    temp = folder / f".{CHECKPOINT_FILE}.baru"
    payload = {"jumlah": count, "hash": last, "segel": _seal(key, count, last)}
    with private.open_text(temp, "w") as out:
        json.dump(payload, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, folder / CHECKPOINT_FILE)


def record(folder: Path, peristiwa: str, pengguna: str | None, **rincian: object) -> dict:
    """Append one event: its time, who (user name, or what was typed for a failed sign-in)
    and its details (filters, row counts, file names); then the checkpoint."""
    private.make_dir(folder)
    path = folder / AUDIT_FILE
    body: dict[str, object] = {
        "waktu": datetime.now().astimezone().isoformat(timespec="seconds"),
        "peristiwa": peristiwa,
        "pengguna": pengguna,
        **{k: v for k, v in rincian.items() if v is not None},
        "rantai": KEYED,
    }
    body = json.loads(json.dumps(body, ensure_ascii=False, default=str))  # dates as text
    fd = private.open_fd(path, os.O_WRONLY | os.O_APPEND)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        key = _key(folder, create=True)
        assert key is not None
        previous, count = _last(folder, path)
        entry = {**body, "sebelum": previous, "hash": _digest(previous, body, key)}
        os.write(fd, (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
        os.fsync(fd)
        _write_checkpoint(folder, key, count + 1, str(entry["hash"]))
    finally:
        os.close(fd)  # releases the lock
    return entry


def witness(folder: Path) -> dict[str, object] | None:
    """The checkpoint as a copy kept elsewhere (the users file) carries it: records and last
    hash, or None when there is no log yet."""
    with contextlib.suppress(AuditError):
        held = checkpoint(folder)
        if held:
            return {"jumlah": held.get("jumlah"), "hash": held.get("hash")}
    return None


def read(folder: Path) -> list[dict]:
    """Every record; AuditError (Indonesian, naming the line) for a line that is not one."""
    path = folder / AUDIT_FILE
    if not path.exists():
        return []
    entries = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    raise AuditError(
                        f"log audit {path}, baris {number}: bukan catatan JSON yang sah"
                    ) from None
                if not isinstance(entry, dict):
                    raise AuditError(f"log audit {path}, baris {number}: bukan catatan yang sah")
                entries.append(entry)
    except UnicodeDecodeError as exc:
        raise AuditError(f"log audit {path} bukan teks UTF-8 ({exc.reason})") from exc
    except IsADirectoryError as exc:
        raise AuditError(f"log audit {path} adalah folder, bukan berkas") from exc
    return entries


def verify(folder: Path, witnesses: dict[str, dict[str, object]] | None = None) -> list[str]:
    """What is wrong with the log (Indonesian, by line number); empty when intact. Besides the
    chain, the log is held against the checkpoint and any `witnesses` (name → a copy of a
    checkpoint, such as the users file's)."""
    path = folder / AUDIT_FILE
    problems: list[str] = []
    try:
        key = _key(folder, create=False)
    except AuditError as exc:
        return [str(exc)]
    try:
        held = checkpoint(folder)
    except AuditError as exc:
        problems.append(str(exc))
        held = None
    if held is not None and key is not None:
        count, last = held.get("jumlah"), held.get("hash")
        if not isinstance(count, int) or not hmac.compare_digest(
            str(held.get("segel")), _seal(key, count, str(last))
        ):
            problems.append(f"titik periksa {CHECKPOINT_FILE} diubah: segelnya tidak cocok")
            held = {}
    hashes: list[str] = []
    keyed_seen = False
    if path.is_file():
        previous = GENESIS
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    body = {k: v for k, v in entry.items() if k not in ("sebelum", "hash")}
                    keyed = entry.get("rantai") == KEYED
                    if keyed and key is None:
                        problems.append(
                            f"baris {number}: kunci log audit ({key_path(folder)}) hilang, "
                            "catatan berkunci tidak dapat diperiksa"
                        )
                        return problems
                    if keyed_seen and not keyed:
                        problems.append(f"baris {number}: catatan tanpa kunci disisipkan")
                    keyed_seen = keyed_seen or keyed
                    expected = _digest(previous, body, key if keyed else None)
                    if entry.get("sebelum") != previous:
                        problems.append(f"baris {number}: tidak menyambung ke catatan sebelumnya")
                    elif not hmac.compare_digest(str(entry.get("hash")), expected):
                        problems.append(f"baris {number}: isi catatan berubah setelah ditulis")
                    previous = str(entry.get("hash"))
                except (ValueError, AttributeError):
                    problems.append(f"baris {number}: bukan catatan JSON yang sah")
                    previous = ""
                hashes.append(previous)
    elif path.exists():
        problems.append(f"{AUDIT_FILE} bukan berkas")
    marks = dict(witnesses or {})
    if held:
        marks = {f"titik periksa {CHECKPOINT_FILE}": held, **marks}
    elif held is None and keyed_seen:
        problems.append(f"titik periksa {CHECKPOINT_FILE} hilang")
    for name, mark in marks.items():
        count, last = mark.get("jumlah"), mark.get("hash")
        if not isinstance(count, int) or count <= 0:
            continue
        if not path.exists():
            problems.append(f"berkas log audit hilang; {name} mencatat {count} catatan")
        elif len(hashes) < count:
            what = "catatan log audit hilang" if problems else "ekor log audit terpotong"
            problems.append(
                f"{what}: {name} mencatat {count} catatan, log hanya memuat {len(hashes)}"
            )
        elif hashes[count - 1] != last:
            problems.append(
                f"log audit ditulis ulang: catatan ke-{count} tidak sama dengan yang dicatat {name}"
            )
    return problems
