"""Versions of an imported dataset folder: each import writes a new version, then switches.

    DIR/
      versions/0001/ …     each a complete plain dataset folder (the six tables, dataset.toml)
      CURRENT              the live version's name ("0003"), replaced atomically
      originals/           every uploaded file byte for byte, named by its sha256
      rejects/             rows dropped by an import, with the reason, per version
      history.jsonl        one JSON record per import and per restore, appended

A version folder is never changed once its name is in `versions/`: a new version is written
under a temporary name, synced, renamed, and only then named in CURRENT (`os.replace`), so a
reader sees wholly the old or wholly the new version whatever happens mid-write. A plain folder
(six files, no `versions/`) keeps working as it is; its first import turns it into version 0001
and writes the import as 0002. No Streamlit and no DuckDB here.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kesiapan import paths
from kesiapan.access import private
from kesiapan.contract import schema
from kesiapan.store.dataset import (
    CACHE_PREFIX,
    CURRENT_FILE,
    VERSIONS_DIR,
    data_files,
    resolve_folder,
)

ORIGINALS_DIR = "originals"
REJECTS_DIR = "rejects"
HISTORY_FILE = "history.jsonl"
LOCK_FILE = ".kunci-impor"
SWITCH_LOCK_FILE = ".kunci-versi"  # held for the moment a new version is named and switched
RECORD_FILE = "impor.json"  # in each version folder: the record of the import that made it
VERSION_RE = re.compile(r"[0-9]{4,}")
TEMP_PREFIX = ".baru-"
CONFIG_FILE = "dataset.toml"
LOCK_TIMEOUT = 60.0  # seconds to wait for another import or restore to finish
BUNDLED_SAMPLE = paths.SAMPLE
# Tests only: "<step>:<marker file>" makes the process write the marker at that step of a commit
# and wait there, so a test can kill it mid-commit (tests/importer/test_atomic.py).
PAUSE_ENV = "KESIAPAN_UJI_TAHAN"
LAYOUT = {VERSIONS_DIR, CURRENT_FILE, ORIGINALS_DIR, REJECTS_DIR, HISTORY_FILE}


class VersionError(Exception):
    """A version operation that cannot be done; the message is for people (Indonesian)."""


@dataclass(frozen=True)
class Version:
    name: str
    record: dict[str, object]
    live: bool


def checkpoint(step: str) -> None:
    """A named point in a commit where a test may stop the process (see PAUSE_ENV)."""
    spec = os.environ.get(PAUSE_ENV, "")
    wanted, _, marker = spec.partition(":")
    if spec and wanted == step:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        while True:
            time.sleep(1)


def is_bundled_sample(folder: Path) -> bool:
    return folder.resolve() == BUNDLED_SAMPLE.resolve()


def current(folder: Path) -> str | None:
    """The live version's name, or None for a plain (never imported) folder."""
    live = resolve_folder(folder) if folder.is_dir() else folder
    return live.name if live != folder else None


def table_files(folder: Path) -> list[Path]:
    """The files that make a plain dataset: the six tables and dataset.toml."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and (
            p.name.lower() == CONFIG_FILE
            or (p.stem.lower() in schema.TABLE_NAMES and p.suffix.lower() in schema.FILE_SUFFIXES)
        )
    )


def history(folder: Path) -> list[dict[str, object]]:
    path = folder / HISTORY_FILE
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            # A line cut short by a crash is skipped, not fatal.
            records.append(json.loads(line))
    return records


def versions(folder: Path) -> list[Version]:
    """Every version an import made (newest first), with the record that made it."""
    live = current(folder)
    made = [r for r in history(folder) if r.get("aksi") in ("awal", "impor")]
    record_path = folder / VERSIONS_DIR / str(live) / RECORD_FILE
    if live and live not in {str(r["versi"]) for r in made} and record_path.exists():
        # Live, but its line in history.jsonl was lost (the process died right after the
        # switch); the next import or restore writes it back (`_repair`).
        made.append(json.loads(record_path.read_text(encoding="utf-8")))
    existing = {p.name for p in (folder / VERSIONS_DIR).glob("*") if VERSION_RE.fullmatch(p.name)}
    return [
        Version(str(r["versi"]), r, str(r["versi"]) == live)
        for r in reversed(made)
        if str(r["versi"]) in existing
    ]


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@contextlib.contextmanager
def lock(folder: Path, *, shared: bool = False) -> Iterator[None]:
    """One import or restore at a time per dataset folder (other processes wait). `shared`
    (issue 18): an import that writes only some kabupaten; such imports run side by side
    (each holds its kabupaten's own lock, `partitions.kabupaten_locks`), while a whole-dataset
    import or a restore waits for them and they for it."""
    folder.mkdir(parents=True, exist_ok=True)
    with private.open_text(folder / LOCK_FILE, "a") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise VersionError(
                        "impor atau pemulihan lain sedang berjalan pada dataset ini; "
                        "coba lagi sebentar lagi"
                    ) from None
                time.sleep(0.2)
        try:
            if not shared:
                # Only with the dataset to itself: a shared holder's half-written version
                # folder is its own, still being written.
                _repair(folder)
                close_layout(folder)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def switch_lock(folder: Path) -> Iterator[None]:
    """The moment a version is named and made live, one import at a time (milliseconds)."""
    with private.open_text(folder / SWITCH_LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _repair(folder: Path) -> None:
    """Clean up after a commit that died: its half-written version folder goes; a live version
    whose record did not reach history.jsonl gets it back from the version folder."""
    for partial in (folder / VERSIONS_DIR).glob(f"{TEMP_PREFIX}*"):
        shutil.rmtree(partial, ignore_errors=True)
    live = current(folder)
    if live and live not in {str(r.get("versi")) for r in history(folder)}:
        record_path = folder / VERSIONS_DIR / live / RECORD_FILE
        if record_path.exists():
            append_history(folder, json.loads(record_path.read_text(encoding="utf-8")))


def close_layout(folder: Path) -> None:
    """Everything an import keeps (versions, originals, rejects, history, CURRENT) closed to
    other local users: files 0600, folders 0700 (issue 12). Run under the lock before every
    import or restore, so a folder made by an older version is closed at its next change."""
    for name in sorted(LAYOUT):
        path = folder / name
        if (path.exists() or path.is_symlink()) and not path.is_symlink():
            private.restrict_tree(path)


def append_history(folder: Path, record: dict[str, object]) -> None:
    with private.open_text(folder / HISTORY_FILE, "a") as handle:
        handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def next_name(folder: Path) -> str:
    names = [p.name for p in (folder / VERSIONS_DIR).glob("*") if VERSION_RE.fullmatch(p.name)]
    return f"{max((int(n) for n in names), default=0) + 1:04d}"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def link_tree(source: Path, target: Path, skip: set[Path] | None = None) -> None:
    """A table stored per kabupaten shared with the version it comes from, file by file
    (`skip`: the source files not to share, relative to `source`)."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and (skip is None or relative not in skip):
            (target / relative.parent).mkdir(parents=True, exist_ok=True)
            link_or_copy(path, target / relative)


def fsync_tree(folder: Path) -> None:
    """Every file and folder under `folder` (and itself) on disk. On Linux one `syncfs` of the
    filesystem holding it (issue 18: a national version is a thousand kabupaten folders, and
    a folder's fsync is a journal commit each: 1,9–3,6 s on a busy machine, against 0,01–0,2 s
    for syncfs). Elsewhere each file and folder: a file with other links is an earlier
    version's, synced when that version was written, so only its new name (the folder) is."""
    if _syncfs(folder):
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            if path.stat().st_nlink == 1:
                fsync_file(path)
        elif path.is_dir():
            fsync_dir(path)
    fsync_dir(folder)


def _syncfs(folder: Path) -> bool:
    """Linux's syncfs(2) on the filesystem holding `folder`; False where there is none."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if call(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(folder))
    finally:
        os.close(fd)
    return True


def link_or_copy(source: Path, target: Path) -> None:
    """Versions share unchanged files: nothing ever writes into a version's file in place."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def switch(folder: Path, name: str) -> None:
    """Make `name` the live version: the one atomic step of a commit or a restore."""
    temporary = folder / f"{CURRENT_FILE}.{os.getpid()}.tmp"
    with private.open_text(temporary, "w") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / CURRENT_FILE)
    fsync_dir(folder)


def adopt_plain(folder: Path, who: str) -> str | None:
    """Turn a plain dataset folder into version 0001 (its files moved, byte for byte); None
    when the folder holds no table. Call under `lock`."""
    if (folder / VERSIONS_DIR).is_dir() and current(folder):
        return current(folder)
    files = table_files(folder)
    if not files:
        return None
    name = next_name(folder)
    partial = folder / VERSIONS_DIR / f"{TEMP_PREFIX}{name}"
    private.make_dir(partial)
    extras = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == ".geojson" and not p.name.startswith(".")
    ]
    for path in [*files, *extras]:
        link_or_copy(path, partial / path.name)
    record = {
        "versi": name,
        "aksi": "awal",
        "waktu": now(),
        "oleh": who,
        "berkas": [p.name for p in files],
    }
    private.write_text(partial / RECORD_FILE, json.dumps(record, ensure_ascii=False))
    private.restrict_tree(partial)  # the linked files share their inode with the plain ones
    fsync_dir(partial)
    os.rename(partial, folder / VERSIONS_DIR / name)
    fsync_dir(folder / VERSIONS_DIR)
    switch(folder, name)
    append_history(folder, record)
    # The files now live in the version; left at the top they would look editable. The store's
    # cache of the plain folder is of no use any more either.
    for path in [*files, *folder.glob(f"{CACHE_PREFIX}*")]:
        path.unlink(missing_ok=True)
    return name


def restore(folder: Path, name: str, who: str) -> str:
    """Make an earlier version live again; returns the version that was live before."""
    with lock(folder):
        made = {v.name for v in versions(folder)}
        if name not in made:
            listed = ", ".join(sorted(made)) or "belum ada"
            raise VersionError(f"versi {name} tidak ada; versi yang ada: {listed}")
        before = current(folder)
        if before == name:
            raise VersionError(f"versi {name} sudah aktif")
        switch(folder, name)
        append_history(
            folder,
            {"versi": name, "aksi": "pulihkan", "waktu": now(), "oleh": who, "dari": before},
        )
        return str(before)


def dataset_files(folder: Path) -> dict[str, bytes]:
    """The live dataset's files and bytes (tables, each kabupaten's file of a table stored per
    kabupaten, and dataset.toml), for comparisons."""
    live = resolve_folder(folder)
    return {str(p.relative_to(live)): p.read_bytes() for p in data_files(live)}


def when(record: dict[str, object]) -> str:
    """'28 November 2026 13.05' from a record's time."""
    from kesiapan.contract import labels

    try:
        moment = datetime.fromisoformat(str(record.get("waktu")))
    except ValueError:
        return str(record.get("waktu", "-"))
    return f"{labels.tanggal(moment.date())} {moment:%H.%M}"


def summary(record: dict[str, object]) -> str:
    """One line saying what a version holds, for the version list: each file with the table it
    went into, in the words of the contract (schema.table_word), never the table's code."""
    from kesiapan.contract import labels, schema

    if record.get("aksi") == "awal":
        return "versi awal: berkas yang sudah ada di folder"
    parts = []
    for item in record.get("berkas", []):  # type: ignore[union-attr]
        word = schema.table_word(str(item["tabel"]))
        text = f"{item['nama']} → {word}: {labels.angka(item['baris_diterima'])} diterima"
        if item.get("baris_ditolak"):
            text += f", {labels.angka(item['baris_ditolak'])} ditolak"
        parts.append(text)
    files = record.get("berkas", [])
    removed = sum(int(item.get("dihapus") or 0) for item in files)  # type: ignore[union-attr]
    # Versions made before contract §5 said which kecamatan a "perbarui" replaced.
    covered = sorted({k for item in files for k in item.get("kecamatan", [])})  # type: ignore[union-attr]
    if covered:
        mode = f" (ganti kecamatan {', '.join(covered)})"
    else:
        words = {
            "perbarui": "tambah dan perbarui",
            "ganti-bagian": "ganti isi sesi/TPS",
            "ganti": "ganti seluruh tabel",
        }
        mode = f" ({words.get(str(record.get('cara')), str(record.get('cara')))}"
        mode += f", {labels.angka(removed)} baris dihapus)" if removed else ")"
    return "; ".join(parts) + mode
