"""The Presensi page's queries on the hand-checked `mini` fixture (tests/fixtures/mini/README.md),
through the precomputed store and straight from the tables."""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest

from kesiapan.store.dataset import Dataset
from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"
TORJUN = ["35.27.02"]
D1 = date(2024, 1, 20)


@pytest.fixture(scope="module", params=[True, False], ids=["simpan", "langsung"])
def mini(request: pytest.FixtureRequest) -> Dataset:
    return Dataset.open(MINI, precomputed=request.param)


def test_presensi_sesi_lists_the_kecamatan_sessions_by_date(mini: Dataset) -> None:
    frame = mini.query("presensi_sesi", kecamatan=TORJUN)
    assert list(frame["kode_sesi"]) == ["BT-352702-01", "BT-352702-02", "BT-352702-03"]
    assert list(frame["tanggal"].dt.date) == [date(2024, 1, d) for d in (15, 17, 26)]
    assert list(frame["kapasitas"].astype("Int64")) == [20, pd.NA, 10]
    assert set(frame["kecamatan"]) == {"Torjun"}
    assert set(frame["tempat"]) == {"Aula Kecamatan Torjun"}
    # Sreseh's two; Kamal has none; a desa scope sees its kecamatan's.
    assert len(mini.query("presensi_sesi", kecamatan=["35.27.01"])) == 2
    assert mini.query("presensi_sesi", kecamatan=["35.26.01"]).empty
    assert len(mini.scoped(("35.27.02.2002",)).query("presensi_sesi")) == 3


def test_presensi_peserta_is_the_active_roster_untrained_first(mini: Dataset) -> None:
    frame = mini.query("presensi_peserta", as_of=D1, kecamatan=TORJUN)
    # At D1: TPS A has A1–A4, A7 (stops after D1) and A8 (PAW before D1); A5, A6 stopped and
    # A9 comes later. B has six, C seven, D none.
    assert frame.groupby("kode_tps").size().to_dict() == {
        "3527022001001": 6,
        "3527022001002": 6,
        "3527022002001": 7,
    }
    trained = frame["tanggal_bimtek"].notna().tolist()
    assert trained == sorted(trained)  # untrained first
    assert any(trained) and not all(trained)
    assert set(frame["nomor_tps"]) == {1, 2}
    assert frame.loc[frame["jabatan"] == "ketua", "kode_tps"].tolist() in (
        ["3527022001001", "3527022001002"],
        ["3527022001002", "3527022001001"],
    )


def test_presensi_hadir_kertas_are_the_present_rows_of_the_kecamatan(mini: Dataset) -> None:
    with (MINI / "bimtek_sesi.csv").open(encoding="utf-8") as handle:
        torjun = {
            r["kode_sesi"] for r in csv.DictReader(handle) if r["kode_kecamatan"] == TORJUN[0]
        }
    with (MINI / "bimtek_hadir.csv").open(encoding="utf-8") as handle:
        expected = sorted(
            {
                (r["kode_sesi"], r["nik"])
                for r in csv.DictReader(handle)
                if r["kode_sesi"] in torjun and r["hadir"].strip().lower() in ("ya", "hadir")
            }
        )
    frame = mini.query("presensi_hadir_kertas", kecamatan=TORJUN)
    assert list(zip(frame["kode_sesi"], frame["nik"], strict=True)) == expected
    assert len(expected) > 5
