"""`python -m kesiapan presensi bench`: what one mark costs, from the tap to the figures.

On the Sampang sample or synthetic national data (kesiapan.devtools.bench makes it), with the
precomputed store already built, it measures (medians of `repeat` runs):

- writing one mark to the journal (SQLite, synchronous FULL);
- applying it to an open store (`Overlay.refresh`: read the new record, update `jurnal.tanda`,
  recompute what the marks add to the store);
- the Ringkasan page's queries, with no mark, and with a journal of 1, 1.000 and 20.000 marks
  in force (a kabupaten's Bimtek week taken live).

Nothing is asserted; the journal lives in a temporary folder, never in the dataset.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kesiapan.devtools import bench as page_bench
from kesiapan.store import journal, overlay
from kesiapan.store.dataset import Dataset

SIZES = (0, 1, 1_000, 20_000)


def _median_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 2)


def _ringkasan(data: Dataset, view: page_bench.View) -> float:
    start = time.perf_counter()
    for name, args in page_bench.page_queries("Ringkasan", view):
        data.query(name, **args)  # type: ignore[arg-type]
    return time.perf_counter() - start


def _bulk(path: Path, pairs: list[tuple[str, str]]) -> None:
    """Marks written in one transaction (only to set a bench up: the app writes one by one)."""
    con = sqlite3.connect(path)
    now = datetime.now(UTC).isoformat()
    con.executemany(
        "insert into presensi_jurnal (waktu, pengguna, kode_sesi, nik, aksi, cara) "
        "values (?, 'bench', ?, ?, 'hadir', 'cari')",
        [(now, sesi, nik) for sesi, nik in pairs],
    )
    con.commit()
    con.close()


def run(scale: str, repeat: int = 15) -> dict[str, Any]:
    folder = page_bench.dataset_for(scale)
    work = Path(tempfile.mkdtemp(prefix="kesiapan-presensi-bench-"))
    try:
        return _run(folder, work, scale, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(folder: Path, work: Path, scale: str, repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    data = Dataset.open(folder)
    opened = time.perf_counter() - started
    # The journal of this bench only: the dataset's own folder is never written.
    data.journal = overlay.Overlay(data._con, work, precomputed=True)
    jurnal = journal.open_journal(work)
    assert jurnal is not None
    con = data._con
    sessions = con.execute("select kode_sesi, kode_kecamatan from bimtek_sesi").fetchall()
    by_kecamatan: dict[str, list[str]] = {}
    for kode, kecamatan in sessions:
        by_kecamatan.setdefault(kecamatan, []).append(kode)
    members = con.execute(
        "select a.nik, w.kode_kecamatan, a.tanggal_bimtek_pertama is null from anggota as a "
        "inner join wilayah as w on a.kode_desa = w.kode_desa where a.tanggal_berhenti is null"
    ).fetchall()
    rng = random.Random(16)  # noqa: S311 - a reproducible choice of members, not a secret
    rng.shuffle(members)
    # Untrained members first (their marks change the figures), then the others.
    members.sort(key=lambda m: not m[2])
    pairs = [(rng.choice(by_kecamatan[k]), n) for n, k, _ in members if k in by_kecamatan]
    kecamatan = members[0][1]
    views = {
        "semua wilayah": page_bench.View("semua wilayah", data.default_as_of),
        "satu kecamatan": page_bench.View(
            "satu kecamatan", data.default_as_of, kecamatan=(kecamatan,)
        ),
    }
    result: dict[str, Any] = {
        "skala": scale,
        "baris_kpps": data.sources["kpps"].rows,
        "buka_ms": round(opened * 1000, 1),
        "ringkasan_ms": {},
    }
    used = 0
    for size in [n for n in SIZES if n + repeat <= len(pairs)]:
        if size > used:
            _bulk(journal.sqlite_path(work), pairs[used:size])
            used = size
            data.journal_stamp(force=True)
        for label, view in views.items():
            _ringkasan(data, view)  # warm
            times = [_ringkasan(data, view) for _ in range(repeat)]
            result["ringkasan_ms"][f"{size} tanda · {label}"] = _median_ms(times)
    # One more mark, repeatedly: the write, then making it visible to the open store.
    writes, applies = [], []
    for sesi, nik in pairs[used : used + repeat]:
        start = time.perf_counter()
        jurnal.mark(pengguna="bench", kode_sesi=sesi, nik=nik)
        writes.append(time.perf_counter() - start)
        start = time.perf_counter()
        data.journal_stamp(force=True)
        applies.append(time.perf_counter() - start)
    start = time.perf_counter()
    data.journal_stamp(force=True)
    result["lihat_tanpa_tanda_baru_ms"] = round((time.perf_counter() - start) * 1000, 2)
    result["tulis_satu_tanda_ms"] = _median_ms(writes)
    result["terapkan_satu_tanda_ms"] = _median_ms(applies)
    result["tanda_di_jurnal_saat_diterapkan"] = used
    jurnal.close()
    return result


def format_table(result: dict[str, Any]) -> str:
    lines = [
        f"Skala {result['skala']} ({result['baris_kpps']:,} baris KPPS); buka tabel praolah "
        f"{result['buka_ms']} ms".replace(",", "."),
        f"tulis satu tanda hadir (SQLite): {result['tulis_satu_tanda_ms']} ms",
        f"terapkan satu tanda ke tabel praolah yang terbuka "
        f"(jurnal {result['tanda_di_jurnal_saat_diterapkan']:,} tanda): "
        f"{result['terapkan_satu_tanda_ms']} ms".replace(",", "."),
        f"lihat jurnal tanpa tanda baru: {result['lihat_tanpa_tanda_baru_ms']} ms",
        "",
        "| Ringkasan | ms |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v} |" for k, v in result["ringkasan_ms"].items()]
    return "\n".join(lines)
