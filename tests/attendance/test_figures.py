"""Every figure counts the journal's marks exactly like bimtek_hadir rows (contract §2), from the
precomputed store and straight from the tables alike, on both journal backends.

The `small` dataset (tests/conftest.py), worked by hand: session BT-352702-01 on 26 January
2024 (Torjun); TPS 1 of Bringin Nonggal has one member for seven seats, Moh. Hasan (ketua,
present on the paper list); TPS 1 of Kodak has its two seats filled by Siti Aminah (KPPS 1,
the ketua, absent on the paper list) and Abd. Rahman (KPPS 2, not on the roll call).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kesiapan.store import journal
from kesiapan.store.dataset import Dataset

SESSION = "BT-352702-01"
HASAN, SITI, RAHMAN = "3527020101900001", "3527024202950001", "3527020303880001"
KODAK_TPS = "3527022002001"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=[True, False], ids=["simpan", "langsung"])
def precomputed(request: pytest.FixtureRequest) -> bool:
    return request.param


def _figures(folder: Path, precomputed: bool, as_of: date | None = None) -> dict[str, object]:
    data = Dataset.open(folder, precomputed=precomputed)
    data.journal_stamp(force=True)
    total = data.query("ringkasan_total", as_of=as_of).iloc[0]
    tps = data.query("tps_status", as_of=as_of).set_index("kode_tps")
    sesi = data.query("bimtek_sesi_kehadiran", as_of=as_of).set_index("kode_sesi")
    belum = data.query("kpps_belum_bimtek", as_of=as_of).set_index("nik")
    curve = data.query("bimtek_kumulatif", as_of=as_of)
    return {
        "terlatih": int(total["kpps_terlatih"]),
        "siap": int(total["tps_siap"]),
        "belum_bimtek": int(total["tps_belum_bimtek"]),
        "kodak": (int(tps.loc[KODAK_TPS, "kpps_terlatih"]), tps.loc[KODAK_TPS, "status"]),
        "sesi": (
            None
            if pd.isna(sesi.loc[SESSION, "dipanggil"])
            else int(sesi.loc[SESSION, "dipanggil"]),
            None if pd.isna(sesi.loc[SESSION, "hadir"]) else int(sesi.loc[SESSION, "hadir"]),
        ),
        "belum": {nik: int(belum.loc[nik, "kali_absen"]) for nik in belum.index},
        "kurva": int(curve["terlatih_kumulatif"].iloc[-1]) if len(curve) else 0,
    }


def test_marks_and_undos_count_like_paper_rows(small: Path, backend: str, precomputed: bool):
    before = _figures(small, precomputed)
    assert before == {
        "terlatih": 1,
        "siap": 0,
        "belum_bimtek": 1,
        "kodak": (0, "belum_bimtek"),
        "sesi": (2, 1),
        "belum": {SITI: 1, RAHMAN: 0},
        "kurva": 1,
    }
    jurnal = journal.open_journal(small)
    # Siti, absent on paper, is marked present at the venue: trained; Kodak still lacks Rahman.
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=SITI)
    assert _figures(small, precomputed) == {
        "terlatih": 2,
        "siap": 0,
        "belum_bimtek": 1,
        "kodak": (1, "belum_bimtek"),
        "sesi": (2, 2),  # already on the roll call: called once, now present
        "belum": {RAHMAN: 0},
        "kurva": 2,
    }
    # Rahman, not on the roll call at all: called and present; Kodak is ready.
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=RAHMAN)
    assert _figures(small, precomputed) == {
        "terlatih": 3,
        "siap": 1,
        "belum_bimtek": 0,
        "kodak": (2, "siap"),
        "sesi": (3, 3),
        "belum": {},
        "kurva": 3,
    }
    # Hasan, present on paper, marked again at the venue: counted once.
    jurnal.mark(pengguna="budi", kode_sesi=SESSION, nik=HASAN)
    assert _figures(small, precomputed)["terlatih"] == 3
    assert _figures(small, precomputed)["sesi"] == (3, 3)
    # Siti's mark undone: back to her paper row (absent), Kodak not ready again.
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=SITI, aksi=journal.BATAL)
    assert _figures(small, precomputed) == {
        "terlatih": 2,
        "siap": 0,
        "belum_bimtek": 1,
        "kodak": (1, "belum_bimtek"),
        "sesi": (3, 2),
        "belum": {SITI: 1},
        "kurva": 2,
    }
    # The day before the session nothing of it counts, marks or paper.
    assert _figures(small, precomputed, as_of=date(2024, 1, 25)) == {
        "terlatih": 0,
        "siap": 0,
        "belum_bimtek": 1,
        "kodak": (0, "belum_bimtek"),
        "sesi": (None, None),
        "belum": {HASAN: 0, SITI: 0, RAHMAN: 0},
        "kurva": 0,
    }
    jurnal.close()


def test_a_mark_for_a_session_or_member_the_data_does_not_know_counts_nowhere(
    small: Path, backend: str, precomputed: bool
) -> None:
    jurnal = journal.open_journal(small)
    jurnal.mark(pengguna="sari", kode_sesi="BT-TIDAK-ADA", nik=RAHMAN)
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik="3527029999999999")
    after = _figures(small, precomputed)
    assert (after["terlatih"], after["kodak"], after["belum"]) == (
        1,
        (0, "belum_bimtek"),
        {SITI: 1, RAHMAN: 0},
    )
    jurnal.close()


def test_an_open_dataset_sees_a_new_mark_without_reopening(small: Path, backend: str) -> None:
    data = Dataset.open(small)
    stamp = data.journal_stamp(force=True)
    assert stamp == 0 and data.query("ringkasan_total").iloc[0]["kpps_terlatih"] == 1
    jurnal = journal.open_journal(small)
    mark = jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=RAHMAN).catatan
    assert data.journal_stamp(force=True) == mark.id
    assert data.query("ringkasan_total").iloc[0]["kpps_terlatih"] == 2
    # A scoped view shares the journal: Kodak (Rahman's desa) sees it, Bringin Nonggal not.
    assert data.scoped(("35.27.02.2002",)).query("ringkasan_total").iloc[0]["kpps_terlatih"] == 1
    assert data.scoped(("35.27.02.2001",)).query("ringkasan_total").iloc[0]["kpps_terlatih"] == 1
    jurnal.close()


def test_the_report_command_counts_the_journal(small: Path, backend: str) -> None:
    jurnal = journal.open_journal(small)
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=SITI)
    jurnal.mark(pengguna="sari", kode_sesi=SESSION, nik=RAHMAN)
    jurnal.close()
    result = subprocess.run(
        [sys.executable, "-m", "kesiapan", "report", "--data", str(small), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["kpps_aktif"], row["kpps_terlatih"], row["tps_siap"]) == (3, 3, 1)


def test_precomputed_and_straight_agree_on_the_sample_with_many_marks(
    sample_copy: Path, monkeypatch
) -> None:
    """300 marks and 60 undos on the Sampang sample, spread over sessions and members (some
    already present on paper, some absent, some not on any roll call): every level of the
    report, at three dates, is the same from the precomputed store and from the tables."""
    import random

    from kesiapan.outputs.report import report_table

    monkeypatch.delenv(journal.URL_ENV, raising=False)
    plain = Dataset.open(sample_copy, precomputed=False)
    sessions = [s for (s,) in plain._con.execute("select kode_sesi from bimtek_sesi").fetchall()]
    niks = [n for (n,) in plain._con.execute("select nik from kpps order by nik").fetchall()]
    baseline = report_table(plain, "kecamatan")
    rng = random.Random(16)
    jurnal = journal.open_journal(sample_copy)
    pairs = [(rng.choice(sessions), rng.choice(niks)) for _ in range(300)]
    for sesi, nik in pairs:
        jurnal.mark(pengguna="uji", kode_sesi=sesi, nik=nik)
    for sesi, nik in rng.sample(pairs, 60):
        jurnal.mark(pengguna="uji", kode_sesi=sesi, nik=nik, aksi=journal.BATAL)
    jurnal.close()
    stored = Dataset.open(sample_copy)
    straight = Dataset.open(sample_copy, precomputed=False)
    for data in (stored, straight):
        data.journal_stamp(force=True)
    for as_of in (date(2024, 1, 26), date(2024, 1, 28), stored.default_as_of):
        for level in ("kecamatan", "desa", "tps"):
            pd.testing.assert_frame_equal(
                report_table(stored, level, as_of=as_of),
                report_table(straight, level, as_of=as_of),
            )
    # And the marks moved the figures (the test would pass on a journal the store ignores).
    after = report_table(stored, "kecamatan")
    assert after["kpps_terlatih"].sum() > baseline["kpps_terlatih"].sum()
    for name in ("bimtek_sesi_kehadiran", "kpps_belum_bimtek", "paw", "bimtek_kumulatif"):
        pd.testing.assert_frame_equal(stored.query(name), straight.query(name))
