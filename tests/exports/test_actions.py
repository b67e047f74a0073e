"""Action packs: the zip of PPK workbooks, each sheet opened and counted against the report."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from datetime import date

import pytest

from kesiapan import actions, exports, privacy
from tests.conftest import ROOT, SAMPLE
from tests.exports.conftest import D, read_workbook

POSITION = (
    "Posisi per tanggal: 28 Januari 2024 · H-17 menuju hari pemungutan suara (14 Februari 2024)"
)
UNTRAINED_HEADER = [
    "Kode desa", "Desa/Kelurahan", "Kode TPS", "Nomor TPS", "Nama", "NIK", "Jabatan", "L/P",
    "No. HP", "Kali absen", "Sesi Bimtek berikutnya", "Tanggal sesi berikutnya",
    "Tempat sesi berikutnya",
]  # fmt: skip
ZIP_MAX_BYTES = 1_000_000
ZIP_MAX_SECONDS = 30  # a few seconds on 2 cores; generous for a loaded CI machine


@pytest.fixture(scope="module")
def sampang_zip(sample) -> tuple[bytes, float]:
    scope = exports.Scope.of(sample, D, kabupaten=["35.27"])
    started = time.perf_counter()
    data = actions.zip_bytes(actions.collect(sample, scope))
    return data, time.perf_counter() - started


def test_sampang_zip_has_one_workbook_per_kecamatan(sampang_zip, figures) -> None:
    data, seconds = sampang_zip
    assert len(data) < ZIP_MAX_BYTES and seconds < ZIP_MAX_SECONDS
    kecamatan = figures("kecamatan")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == [
        f"aksi_ppk_{code}_{exports.slug(name, '_')}_2024-01-28.xlsx"
        for code, name in zip(kecamatan["kode_kecamatan"], kecamatan["kecamatan"], strict=True)
    ]
    assert len(names) == 14
    assert names[1] == "aksi_ppk_35.27.02_torjun_2024-01-28.xlsx"


def test_every_sheet_counts_what_the_report_counts(sampang_zip, sample, figures) -> None:
    archive = zipfile.ZipFile(io.BytesIO(sampang_zip[0]))
    paw = sample.query("paw", as_of=D)
    for record in figures("kecamatan").to_dict("records"):
        code, name = record["kode_kecamatan"], record["kecamatan"]
        book = read_workbook(archive.read(f"aksi_ppk_{code}_{exports.slug(name, '_')}_{D}.xlsx"))
        assert list(book) == list(actions.SHEETS)
        waiting = int(
            ((paw["kode_kecamatan"] == code) & (paw["status"] == "pengganti_belum_bimtek")).sum()
        )
        expected = {
            actions.SHEET_TPS: record["tps"] - record["tps_siap"],
            actions.SHEET_UNTRAINED: record["kpps_aktif"] - record["kpps_terlatih"],
            actions.SHEET_PAW: waiting,
            actions.SHEET_DESA: record["desa"] - record["desa_dikunjungi"],
            actions.SHEET_SESSIONS: record["sesi_bimtek"] - record["sesi_disupervisi"],
        }
        for sheet_name, rows in expected.items():
            sheet = book[sheet_name]
            assert len(sheet.rows) == rows, (name, sheet_name)
            assert sheet.title == f"{sheet_name} — Kecamatan {name}"
            assert sheet.lines[:5] == [
                "Kabupaten/Kota: Sampang (35.27)",
                f"Kecamatan: {name} ({code})",
                "Desa/Kelurahan: semua",
                POSITION,
                "Data terakhir: 12 Februari 2024 · Pemilu 2024 — Kabupaten Sampang (data contoh)",
            ]
            assert sheet.worksheet.freeze_panes == f"A{sheet.header_row + 1}"
        # The summary sheet repeats every count with its denominator.
        summary = book[actions.SHEET_SUMMARY]
        assert summary.title == f"Daftar tindakan PPK Kecamatan {name}"
        counts = dict(zip(summary.column("Lembar"), summary.column("Jumlah"), strict=False))
        assert summary.column("Jumlah")[0] == expected[actions.SHEET_TPS]
        assert summary.column("Dari")[0] == record["tps"]
        assert counts[actions.SHEET_UNTRAINED] == expected[actions.SHEET_UNTRAINED]
        assert counts[actions.SHEET_SESSIONS] == expected[actions.SHEET_SESSIONS]
        untrained = book[actions.SHEET_UNTRAINED]
        assert untrained.header == UNTRAINED_HEADER
        assert privacy.MASKED_NOTE in untrained.lines
        assert all("•" in nik for nik in untrained.column("NIK"))


def test_next_session_of_the_kecamatan(sampang_zip) -> None:
    archive = zipfile.ZipFile(io.BytesIO(sampang_zip[0]))
    # Banyuates has five sessions after 28 January, the first BT-352709-06 on the 29th.
    banyuates = read_workbook(archive.read("aksi_ppk_35.27.09_banyuates_2024-01-28.xlsx"))
    sheet = banyuates[actions.SHEET_UNTRAINED]
    assert set(sheet.column("Sesi Bimtek berikutnya")) == {"BT-352709-06"}
    assert {d.date() for d in sheet.column("Tanggal sesi berikutnya")} == {date(2024, 1, 29)}
    assert set(sheet.column("Tempat sesi berikutnya")) == {"Aula SMP Negeri 1 Banyuates"}
    assert (
        "Sesi Bimtek berikutnya: BT-352709-06, 29 Januari 2024, Aula SMP Negeri 1 Banyuates "
        "(5 sesi terjadwal)" in banyuates[actions.SHEET_SUMMARY].lines
    )
    # Torjun has none left: said in words, not left blank.
    torjun = read_workbook(archive.read("aksi_ppk_35.27.02_torjun_2024-01-28.xlsx"))
    assert set(torjun[actions.SHEET_UNTRAINED].column("Sesi Bimtek berikutnya")) == {
        "Belum dijadwalkan"
    }
    assert torjun[actions.SHEET_SUMMARY].worksheet["E10"].hyperlink.location == (
        "'TPS belum siap'!A1"
    )


def test_hand_checked_pack_for_torjun_in_the_mini_fixture(mini) -> None:
    """tests/fixtures/mini/README.md, kecamatan Torjun at D1 = 20 January 2024."""
    scope = exports.Scope.of(mini, date(2024, 1, 20), kecamatan=["35.27.02"])
    (pack,) = actions.collect(mini, scope)
    book = read_workbook(actions.workbook(pack))
    # No dataset.toml: no voting day, so no countdown.
    assert book[actions.SHEET_TPS].lines[3] == "Posisi per tanggal: 20 Januari 2024"
    tps = book[actions.SHEET_TPS]
    assert tps.header == [
        "Kode desa", "Desa/Kelurahan", "Kode TPS", "Nomor TPS", "Kursi KPPS", "KPPS aktif",
        "Kursi kosong", "Ada ketua", "Belum Bimtek", "Status", "Yang kurang",
    ]  # fmt: skip
    # A: 6 of 7 with the ketua A7, A8 untrained; D: nobody. Both kurang_petugas, then C
    # (all anggota: tanpa_ketua), then B (B6 never trained: belum_bimtek).
    assert [row[2:] for row in tps.rows] == [
        ("3527022001001", 1, 7, 6, 1, "Ya", 1, "Kurang petugas",
         "1 kursi kosong; 1 anggota belum Bimtek"),
        ("3527022002002", 2, 7, 0, 7, "Tidak", 0, "Kurang petugas",
         "7 kursi kosong; belum ada ketua"),
        ("3527022002001", 1, 7, 7, 0, "Tidak", 0, "Tanpa ketua", "belum ada ketua"),
        ("3527022001002", 2, 5, 6, 0, "Ya", 1, "Belum Bimtek", "1 anggota belum Bimtek"),
    ]  # fmt: skip
    # A8 Rofiqoh (trained only on 01-26) and B6 Yuliana (never), each with Torjun's next
    # session after 01-20: S5 BT-352702-03 on 01-26.
    untrained = book[actions.SHEET_UNTRAINED]
    assert [(r[2], r[4], r[5], r[8], r[9], r[10]) for r in untrained.rows] == [
        ("3527022001001", "Rofiqoh", "3527••••••••0008", "0812•••••008", 0, "BT-352702-03"),
        ("3527022001002", "Yuliana", "3527••••••••0015", "0812•••••015", 2, "BT-352702-03"),
    ]
    assert untrained.rows[0][11].date() == date(2024, 1, 26)
    # A5 stopped on 01-19 and A8 replaced them the same day; A8 is not trained yet.
    paw = book[actions.SHEET_PAW]
    assert [(r[4], r[7], r[10]) for r in paw.rows] == [
        ("Rofiqoh", "Slamet Riyadi", "mengundurkan diri")
    ]
    # Visits up to 01-20 named desa Torjun only; Kara (TPS C and D, 7 of 7 trained) is left.
    desa = book[actions.SHEET_DESA]
    assert desa.rows == [("35.27.02.2002", "Kara", 2, 0, 7, 7, 1)]
    # S1 was supervised on 01-15, S2 (01-17) by nobody.
    sessions = book[actions.SHEET_SESSIONS]
    assert [(r[0].date(), r[1]) for r in sessions.rows] == [(date(2024, 1, 17), "BT-352702-02")]
    summary = book[actions.SHEET_SUMMARY]
    assert [r[:3] for r in summary.rows] == [
        ("TPS belum siap", 4, 4),
        ("Kursi KPPS kosong", 8, 26),
        ("TPS tanpa ketua aktif", 2, 4),
        ("KPPS belum Bimtek", 2, 19),
        ("PAW belum Bimtek", 1, 1),
        ("Desa/kelurahan belum dikunjungi supervisi", 1, 2),
        ("Sesi Bimtek belum disupervisi", 1, 2),
    ]
    assert (
        "Sesi Bimtek berikutnya: BT-352702-03, 26 Januari 2024, Aula Kecamatan Torjun"
        in summary.lines
    )


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kesiapan", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_writes_one_workbook_per_kecamatan(tmp_path, figures) -> None:
    out = tmp_path / "paket"
    done = _cli("actions", "--data", str(SAMPLE), "--area", "35.27.02", "--area", "35.27.09",
                "--as-of", "2024-01-28", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "aksi_ppk_35.27.02_torjun_2024-01-28.xlsx",
        "aksi_ppk_35.27.09_banyuates_2024-01-28.xlsx",
    ]
    (banyuates,) = figures("kecamatan", areas=["35.27.09"]).to_dict("records")
    book = read_workbook((out / "aksi_ppk_35.27.09_banyuates_2024-01-28.xlsx").read_bytes())
    assert len(book[actions.SHEET_UNTRAINED].rows) == (
        banyuates["kpps_aktif"] - banyuates["kpps_terlatih"]
    )
    assert book[actions.SHEET_TPS].lines[1] == "Kecamatan: Banyuates (35.27.09)"
    assert "Banyuates: 236 TPS belum siap · 1.110 KPPS belum Bimtek" in done.stdout
    assert done.stdout.strip().endswith(f"ditulis ke {out}")


def test_cli_zip_and_errors(tmp_path) -> None:
    target = tmp_path / "paket.zip"
    done = _cli("actions", "--data", str(SAMPLE), "--area", "35.27.13", "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert zipfile.ZipFile(target).namelist() == [
        "aksi_ppk_35.27.13_pangarengan_2024-02-12.xlsx"  # the default D: the data's last date
    ]
    nothing = _cli("actions", "--data", str(SAMPLE), "--area", "35.27.99", "--out", str(tmp_path))
    assert nothing.returncode == 1
    assert "tidak ada kecamatan yang cocok dengan --area 35.27.99" in nothing.stderr
    bad = _cli("actions", "--data", str(SAMPLE), "--area", "3527", "--out", str(tmp_path))
    assert bad.returncode == 2 and "kode wilayah '3527' tidak dikenal" in bad.stderr


def test_before_any_session_the_pack_does_not_say_all_supervised(mini) -> None:
    # Torjun's first session (S1) is on 15 January: on the 14th none has been held.
    scope = exports.Scope.of(mini, date(2024, 1, 14), kecamatan=["35.27.02"])
    (pack,) = actions.collect(mini, scope)
    sessions = read_workbook(actions.workbook(pack))[actions.SHEET_SESSIONS]
    assert sessions.rows == []
    assert "Belum ada sesi Bimtek yang berlangsung sampai 14 Januari 2024." in sessions.lines
    assert not any("telah disupervisi" in line for line in sessions.lines)
