"""The journal's marks made visible to a dataset's DuckDB store, so that every figure counts
them like `bimtek_hadir` rows (issue 16, contract §2) within a second of the tap.

The precomputed store is built from the dataset's files only and never rewritten for a mark.
Every connection gets an in-memory database attached as `jurnal` (`attach`), holding the
marks in force (`jurnal.tanda`, one row per session and member whose latest record is a mark)
and, for a precomputed store, the few facts they add to it (`queries/jurnal/10_tambahan.sql`:
marks the paper lists do not already count, NIKs they train earlier, those NIKs' roster rows).
The macros read them: `queries/macros/hadir_gabungan.sql` (the seam: paper and live
attendance merged by session + NIK) over the typed tables, and small joins in
`queries/macros/simpan/` over the precomputed history.

`Overlay.refresh` reads the journal's records after the last one applied (ids become visible
in order, see `journal`), applies the net change of each pair to `jurnal.tanda` and recomputes
the added facts, in one DuckDB transaction: a query sees the marks before or after, never half.
It runs at most once per `INTERVAL` unless forced, and returns the stamp (the last record id
applied) that keys cached query results.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd

from kesiapan import paths
from kesiapan.store import journal

QUERIES = paths.QUERIES / "jurnal"
INTERVAL = 1.0  # seconds between two looks at the journal (a look costs well under 1 ms)
BATCH = 50_000  # records read at a time (a national journal is read in steps the first time)
_ATTACH = "attach if not exists ':memory:' as jurnal (read_only false)"

log = logging.getLogger(__name__)


def attach(con: duckdb.DuckDBPyConnection) -> None:
    """Attach the (empty) `jurnal` database to a store's connection; idempotent."""
    con.execute(_ATTACH)
    con.execute((QUERIES / "00_tabel.sql").read_text(encoding="utf-8"))


class Overlay:
    """The journal of the dataset at `root`, kept in step with `jurnal` of one connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        root: Path | None,
        *,
        precomputed: bool,
        interval: float = INTERVAL,
    ) -> None:
        self._con = con
        self.root = root
        self.precomputed = precomputed
        self.interval = interval
        self.stamp = 0  # id of the last journal record applied
        self.error: str | None = None  # why the journal could not be read, last time
        self._journal: journal.Journal | None = None
        self._looked = float("-inf")
        self._lock = threading.Lock()

    def refresh(self, *, force: bool = False) -> int:
        """Apply the journal's new records; the stamp after."""
        if not force and time.monotonic() - self._looked < self.interval:
            return self.stamp
        with self._lock:
            if not force and time.monotonic() - self._looked < self.interval:
                return self.stamp  # another thread looked while we waited
            try:
                self._refresh()
                self.error = None
            except (journal.JournalError, OSError, duckdb.Error) as exc:
                # Figures without the newest marks are better than no figures: say so.
                self.error = str(exc)
                log.warning("jurnal presensi tidak dapat dibaca: %s", exc)
                if self._journal is not None:
                    self._journal.close()
                    self._journal = None
            self._looked = time.monotonic()
            return self.stamp

    def _open(self) -> journal.Journal | None:
        if self._journal is None and self.root is not None:
            self._journal = journal.open_journal(self.root, create=False)
        return self._journal

    def _refresh(self) -> None:
        source = self._open()
        if source is None:
            return
        while True:
            records = source.since(self.stamp, limit=BATCH)
            if not records:
                return
            self._apply(records)
            self.stamp = records[-1].id
            if len(records) < BATCH:
                return

    def _apply(self, records: list[journal.Catatan]) -> None:
        net: dict[tuple[str, str], str] = {}
        for record in records:
            net[(record.kode_sesi, record.nik)] = record.aksi
        change = pd.DataFrame(
            [(sesi, nik, aksi == journal.HADIR) for (sesi, nik), aksi in net.items()],
            columns=["kode_sesi", "nik", "hadir"],
        )
        cursor = self._con.cursor()
        try:
            cursor.register("_perubahan", change)
            cursor.execute("begin transaction")
            try:
                cursor.execute(
                    "delete from jurnal.tanda as t using _perubahan as p "
                    "where t.kode_sesi = p.kode_sesi and t.nik = p.nik and not p.hadir"
                )
                cursor.execute(
                    "insert or ignore into jurnal.tanda "
                    "select kode_sesi, nik from _perubahan where hadir"
                )
                if self.precomputed:
                    cursor.execute((QUERIES / "10_tambahan.sql").read_text(encoding="utf-8"))
                cursor.execute("commit")
            except BaseException:
                cursor.execute("rollback")
                raise
        finally:
            cursor.close()

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
