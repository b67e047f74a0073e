"""`python -m kesiapan report` as a person runs it: a real process, real files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kesiapan.outputs import report
from tests.conftest import ROOT, SAMPLE

REFERENCE = ROOT / "data" / "referensi" / "sampang"
SUMMARY_COLUMNS = [
    "desa",
    "tps",
    "kebutuhan_kpps",
    "kpps_aktif",
    "kursi_kosong",
    "kpps_terlatih",
    "cakupan_bimtek",
    "tps_siap",
    "tps_kurang_petugas",
    "tps_tanpa_ketua",
    "tps_belum_bimtek",
    "sesi_bimtek",
    "kunjungan_supervisi",
    "sesi_disupervisi",
    "desa_dikunjungi",
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kesiapan", "report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_of_small_dataset(small: Path) -> None:
    result = run("--data", str(small), "--level", "kecamatan", "--format", "json")
    assert result.returncode == 0, result.stderr
    # Hand count: 3 members on 24 Jan, all active at D = 26 Jan (the latest date); TPS 001 has
    # only its ketua (1 of 7 seats), TPS 002 its ketua and one anggota (2 of 2). Moh. Hasan
    # attended on 26 Jan, Siti Aminah was absent: 1 of 3 trained. One session, visited once.
    assert json.loads(result.stdout) == [
        {
            "kode_kecamatan": "35.27.02",
            "kecamatan": "Torjun",
            "desa": 2,
            "tps": 2,
            "kebutuhan_kpps": 9,
            "kpps_aktif": 3,
            "kursi_kosong": 6,
            "kpps_terlatih": 1,
            "cakupan_bimtek": 0.3333,
            "tps_siap": 0,
            "tps_kurang_petugas": 1,
            "tps_tanpa_ketua": 0,
            "tps_belum_bimtek": 1,
            "sesi_bimtek": 1,
            "kunjungan_supervisi": 1,
            "sesi_disupervisi": 1,
            "desa_dikunjungi": 0,
            # docs/jadwal.md: the one session (26 Jan, 100 seats) is held, none to come; 3
            # could have been trained, 1 was; the 2 left have no seat: 'jadwal tidak cukup'.
            "kursi_sampai_d": 100,
            "kursi_mendatang": 0,
            "target_terlatih": 3,
            "target_akhir": 3,
            "selisih_jadwal": 2,
            "tanpa_kursi": 2,
            # One more session of this kecamatan's size (100 seats) takes them.
            "sesi_tambahan": 1,
            "status_jadwal": "jadwal tidak cukup",
        }
    ]


def test_tps_level_csv_and_as_of_before_training(small: Path) -> None:
    result = run("--data", str(small), "--level", "tps", "--as-of", "2024-01-25")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "kode_tps,kode_desa,kode_kecamatan,kebutuhan_kpps,kpps_aktif,kpps_terlatih,ada_ketua,status",
        "3527022001001,35.27.02.2001,35.27.02,7,1,0,True,kurang_petugas",
        "3527022002001,35.27.02.2002,35.27.02,2,2,0,True,belum_bimtek",
    ]


def test_xlsx_output_with_area_filter(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "laporan.xlsx"
    result = run(
        "--data", str(small), "--level", "desa", "--format", "xlsx", "--output", str(out),
        "--area", "35.27.02.2002",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("kode_kecamatan", "kecamatan", "kode_desa", "desa", "tps")
    assert rows[1][:8] == ("35.27.02", "Torjun", "35.27.02.2002", "Kodak", 1, 2, 2, 0)
    assert len(rows) == 2


def test_dataset_with_errors_exits_non_zero_in_indonesian(small: Path) -> None:
    path = small / "kpps.csv"
    path.write_text(path.read_text().replace("1995-02-02", "2/30/1995"), encoding="utf-8")
    result = run("--data", str(small))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "belum dapat dipakai: 1 galat" in result.stderr
    assert "kpps.csv, baris 3, kolom tanggal_lahir: tanggal tidak dapat dibaca" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "tidak/ada"], "Folder data tidak ditemukan"),
        (["--data", "data/sample", "--as-of", "28-01-2024"], "tulis sebagai YYYY-MM-DD"),
        (["--data", "data/sample", "--level", "provinsi"], "pilihan tidak dikenal"),
        (["--data", "data/sample", "--format", "xlsx"], "format xlsx perlu --output"),
        (["--data", "data/sample", "--area", "35.27.02.2001.1"], "kode wilayah"),
        (["--data", "data/sample", "--area", "35.27' or '1'='1"], "kode wilayah '35.27' or"),
    ],
)
def test_usage_mistakes_get_indonesian_messages(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_area_codes_are_sorted_by_level() -> None:
    assert report.area_filters([" 35.27 ", "35.27.02", "35.27.01", "35.27.02.2001"]) == {
        "kabupaten": ["35.27"],
        "kecamatan": ["35.27.02", "35.27.01"],
        "desa": ["35.27.02.2001"],
    }
    assert report.area_filters(None) == {"kabupaten": None, "kecamatan": None, "desa": None}


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("35", "35"),  # a province: no --area level
        ("3527", "3527"),
        ("35.2", "35.2"),
        ("35.27.2", "35.27.2"),
        ("35.27.02.201", "35.27.02.201"),
        ("35.27.02.2001.1", "35.27.02.2001.1"),
        ("35.27x", "35.27x"),
        ("35.27' or '1'='1", "35.27' or '1'='1"),
        ("35.27\n35.26", "35.27\\n35.26"),
        ("35.27\x00' --", "35.27\\x00' --"),
        ("\uff13\uff15.\uff12\uff17", "\uff13\uff15.\uff12\uff17"),  # full-width digits
        ("35.27\u202e", "35.27\\u202e"),
        ("35.27'" + "a" * 9994, "35.27'" + "a" * 34 + "…"),
    ],
)
def test_a_malformed_area_code_is_refused_and_shown_safely(code: str, shown: str) -> None:
    with pytest.raises(ValueError) as raised:
        report.area_filters(["35.27", code])
    assert str(raised.value) == (
        f"kode wilayah '{shown}' tidak dikenal: pakai kode kabupaten (35.27), kecamatan (35.27.02) "
        "atau desa (35.27.02.2001)"
    )


def _reference_tps() -> dict[str, int]:
    with (REFERENCE / "kecamatan.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["kode_kecamatan"]: int(row["tps_pemilu_2024"]) for row in rows}


def test_sample_on_25_january_shows_the_official_figures() -> None:
    result = run(
        "--data", str(SAMPLE), "--as-of", "2024-01-25", "--level", "kecamatan", "--format", "json"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["kode_kecamatan"]: r["tps"] for r in rows} == _reference_tps()
    assert len(rows) == 14
    assert sum(r["desa"] for r in rows) == 186
    assert sum(r["tps"] for r in rows) == 2726
    assert sum(r["kpps_aktif"] for r in rows) == 19082
    assert sum(r["kebutuhan_kpps"] for r in rows) == 19082
    assert sum(r["kursi_kosong"] for r in rows) == 0
    assert sum(r["tps_kurang_petugas"] + r["tps_tanpa_ketua"] for r in rows) == 0
    for row in rows:
        assert list(row)[2:] == SUMMARY_COLUMNS + report.SCHEDULE_COLUMNS
    # docs/jadwal.md on 25 Jan: Banyuates (sessions 28-29 Jan) and Ketapang (from 27 Jan) have
    # nothing due; Torjun held one session of 175 seats and trained 136 < 0.80 * 175 = 140;
    # Sreseh the same seats and 151 >= 140.
    status = {r["kode_kecamatan"]: r["status_jadwal"] for r in rows}
    assert status["35.27.09"] == status["35.27.12"] == "belum dijadwalkan"
    assert status["35.27.02"] == "tertinggal dari jadwal"
    assert status["35.27.01"] == "sesuai jadwal"
    torjun = next(r for r in rows if r["kode_kecamatan"] == "35.27.02")
    assert (torjun["kursi_sampai_d"], torjun["target_terlatih"], torjun["selisih_jadwal"]) == (
        175,
        175,
        39,
    )


def test_sample_later_shows_the_planted_gaps() -> None:
    result = run("--data", str(SAMPLE), "--level", "kabupaten", "--format", "csv")
    assert result.returncode == 0, result.stderr
    (total,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert int(total["tps"]) == 2726
    assert int(total["kursi_kosong"]) > 0
    assert int(total["tps_tanpa_ketua"]) > 0
    assert int(total["tps_belum_bimtek"]) > 0
    assert 0.8 < float(total["cakupan_bimtek"]) < 1
    assert int(total["sesi_bimtek"]) > int(total["sesi_disupervisi"]) > 0
    statuses = ["tps_siap", "tps_kurang_petugas", "tps_tanpa_ketua", "tps_belum_bimtek"]
    assert sum(int(total[s]) for s in statuses) == 2726
