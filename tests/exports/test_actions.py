"""Action packs: the zip of PPK workbooks, each sheet opened and counted against the report."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from collections import Counter
from datetime import date

import pytest

from kesiapan.access import privacy
from kesiapan.outputs import actions, exports
from tests.conftest import ROOT, SAMPLE
from tests.exports.conftest import FIXTURES, D, read_workbook

POSITION = (
    "Posisi per tanggal: 28 Januari 2024 · H-17 menuju hari pemungutan suara (14 Februari 2024)"
)
UNTRAINED_HEADER = [
    "Kode desa", "Desa/Kelurahan", "Kode TPS", "Nomor TPS", "Nama", "NIK", "Jabatan", "L/P",
    "No. HP", "Kali absen", "Sesi Bimtek rencana", "Tanggal sesi rencana", "Tempat sesi rencana",
]  # fmt: skip
ZIP_MAX_BYTES = 1_000_000


@pytest.fixture(scope="module")
def plan_fixture():
    from kesiapan.store.dataset import Dataset

    return Dataset.open(FIXTURES / "rencana")


@pytest.fixture(scope="module")
def sampang_zip(sample) -> tuple[bytes, float]:
    scope = exports.Scope.of(sample, D, kabupaten=["35.27"])
    started = time.perf_counter()
    data = actions.zip_bytes(actions.collect(sample, scope))
    return data, time.perf_counter() - started


def test_sampang_zip_has_one_workbook_per_kecamatan(sampang_zip, figures) -> None:
    data, seconds = sampang_zip
    # Speed is measured, not asserted (the guide): the time is printed, the size is checked.
    print(f"paket aksi Sampang: {len(data):,} bytes in {seconds:.1f} s")
    assert len(data) < ZIP_MAX_BYTES
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
    planned = sample.query("rencana_sesi", as_of=D)
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
            actions.SHEET_PLAN: int((planned["kode_kecamatan"] == code).sum()),
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


def test_banyuates_on_28_january_fills_each_session_to_its_seats_and_names_the_shortfall(
    sampang_zip,
) -> None:
    # Issue 14: 1.110 untrained in Banyuates on 28 January, five sessions on the 29th with
    # 175 + 200 + 200 + 175 + 150 = 900 seats. The plan fills them in date then code order and
    # leaves 210 without a seat: two more sessions of Banyuates' average 180 seats.
    archive = zipfile.ZipFile(io.BytesIO(sampang_zip[0]))
    banyuates = read_workbook(archive.read("aksi_ppk_35.27.09_banyuates_2024-01-28.xlsx"))
    sheet = banyuates[actions.SHEET_UNTRAINED]
    assert Counter(sheet.column("Sesi Bimtek rencana")) == {
        "BT-352709-06": 175,
        "BT-352709-07": 200,
        "BT-352709-08": 200,
        "BT-352709-09": 175,
        "BT-352709-10": 150,
        actions.NO_SEAT: 210,
    }
    placed = [d for d in sheet.column("Tanggal sesi rencana") if d is not None]
    assert {d.date() for d in placed} == {date(2024, 1, 29)} and len(placed) == 900
    plan = banyuates[actions.SHEET_PLAN]
    assert [(r[1], r[3], r[4], r[5]) for r in plan.rows] == [
        ("BT-352709-06", 175, 175, 0),
        ("BT-352709-07", 200, 200, 0),
        ("BT-352709-08", 200, 200, 0),
        ("BT-352709-09", 175, 175, 0),
        ("BT-352709-10", 150, 150, 0),
    ]
    assert plan.header == [
        "Tanggal", "Kode sesi", "Tempat", "Kapasitas", "Rencana peserta", "Kursi sisa"
    ]  # fmt: skip
    shortfall = (
        f"Tidak mendapat kursi: 210 KPPS (tertulis '{actions.NO_SEAT}' di lembar "
        f"{actions.SHEET_UNTRAINED}); perlu 2 sesi tambahan."
    )
    assert shortfall in plan.lines
    summary = banyuates[actions.SHEET_SUMMARY]
    assert (
        "Kecamatan Banyuates — jadwal tidak cukup: 1.110 KPPS belum Bimtek; 5 sesi sesudah "
        "28 Januari 2024 (mulai 29 Januari 2024) menampung 900, 210 tidak mendapat kursi: "
        "perlu 2 sesi tambahan." in summary.lines
    )
    assert (
        "Sesi Bimtek berikutnya: BT-352709-06, 29 Januari 2024, Aula SMP Negeri 1 Banyuates "
        "(5 sesi terjadwal)" in summary.lines
    )
    counts = dict(zip(summary.column("Butir"), summary.column("Jumlah"), strict=True))
    assert counts["KPPS belum Bimtek tanpa kursi di sesi mendatang"] == 210
    assert counts["Kursi sesi mendatang terisi rencana"] == 900
    # Torjun has no session left: nobody gets a seat, said in words, not left blank.
    torjun = read_workbook(archive.read("aksi_ppk_35.27.02_torjun_2024-01-28.xlsx"))
    assert set(torjun[actions.SHEET_UNTRAINED].column("Sesi Bimtek rencana")) == {actions.NO_SEAT}
    assert torjun[actions.SHEET_PLAN].rows == []
    assert "Tidak ada sesi Bimtek sesudah 28 Januari 2024." in torjun[actions.SHEET_PLAN].lines
    assert (
        "Kecamatan Torjun — jadwal tidak cukup: 27 KPPS belum Bimtek; tidak ada sesi lagi "
        "sesudah 28 Januari 2024: perlu 1 sesi tambahan." in torjun[actions.SHEET_SUMMARY].lines
    )
    assert torjun[actions.SHEET_SUMMARY].worksheet["E11"].hyperlink.location == (
        "'TPS belum siap'!A1"
    )


def test_capacity_plan_per_kecamatan_on_the_hand_checked_fixture(plan_fixture) -> None:
    """tests/fixtures/rencana/README.md at D = 20 January 2024: overbooked, exactly full,
    spare seats, no session left."""
    scope = exports.Scope.of(plan_fixture, date(2024, 1, 20))
    packs = {pack.nama: pack for pack in actions.collect(plan_fixture, scope)}
    books = {name: read_workbook(actions.workbook(pack)) for name, pack in packs.items()}
    sentences = {name: book[actions.SHEET_SUMMARY].lines[5] for name, book in books.items()}
    assert sentences == {
        "Sreseh": "Kecamatan Sreseh — jadwal tidak cukup: 5 KPPS belum Bimtek; 3 sesi sesudah "
        "20 Januari 2024 (mulai 21 Januari 2024) menampung 3, 2 tidak mendapat kursi: perlu 1 "
        "sesi tambahan.",
        "Torjun": "Kecamatan Torjun — tertinggal dari jadwal: 3 KPPS belum Bimtek (terlatih 0, "
        "sasaran jadwal 3); 1 sesi sesudah 20 Januari 2024 (mulai 25 Januari 2024) menampung 3, "
        "semua mendapat kursi (sisa 0).",
        "Sampang": "Kecamatan Sampang — belum dijadwalkan: 2 KPPS belum Bimtek; 2 sesi sesudah "
        "20 Januari 2024 (mulai 21 Januari 2024) menampung 9, semua mendapat kursi (sisa 7).",
        "Camplong": "Kecamatan Camplong — jadwal tidak cukup: 2 KPPS belum Bimtek; tidak ada "
        "sesi lagi sesudah 20 Januari 2024: perlu 1 sesi tambahan.",
    }
    sreseh = books["Sreseh"]
    untrained = sreseh[actions.SHEET_UNTRAINED]
    assert dict(
        zip(untrained.column("Nama"), untrained.column("Sesi Bimtek rencana"), strict=True)
    ) == {
        "Ahmad": "BT-352701-A",
        "Budi": "BT-352701-B",
        "Citra": "BT-352701-A",
        "Dedi": actions.NO_SEAT,
        "Eka": actions.NO_SEAT,
    }
    assert [(r[1], r[3], r[4], r[5]) for r in sreseh[actions.SHEET_PLAN].rows] == [
        ("BT-352701-A", 2, 2, 0),
        ("BT-352701-C", None, 0, 0),
        ("BT-352701-B", 1, 1, 0),
    ]
    sampang = books["Sampang"][actions.SHEET_PLAN]
    assert [(r[1], r[4], r[5]) for r in sampang.rows] == [
        ("BT-352703-A", 2, 2),
        ("BT-352703-B", 0, 5),
    ]
    assert "Semua KPPS belum Bimtek mendapat kursi di sesi mendatang." in sampang.lines


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
    # A: 6 of 7 with the ketua A7, A8 untrained; D: nobody. Both kurang_petugas, D first
    # (worst first: 7 empty seats before 1), then C (all anggota: tanpa_ketua), then B (B6
    # never trained: belum_bimtek).
    assert [row[2:] for row in tps.rows] == [
        ("3527022002002", 2, 7, 0, 7, "Tidak", 0, "Kurang petugas",
         "7 kursi kosong; belum ada ketua"),
        ("3527022001001", 1, 7, 6, 1, "Ya", 1, "Kurang petugas",
         "1 kursi kosong; 1 anggota belum Bimtek"),
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
        ("KPPS belum Bimtek tanpa kursi di sesi mendatang", 0, 2),
        ("Kursi sesi mendatang terisi rencana", 2, 10),
        ("Desa/kelurahan belum dikunjungi supervisi", 1, 2),
        ("Sesi Bimtek belum disupervisi", 1, 2),
    ]
    assert (
        "Sesi Bimtek berikutnya: BT-352702-03, 26 Januari 2024, Aula Kecamatan Torjun"
        in summary.lines
    )
    # docs/jadwal.md, Torjun at D1 (tests/queries/test_jadwal.py): 17 of 19 trained, the two
    # left fit S5's 10 seats.
    assert (
        "Kecamatan Torjun — sesuai jadwal: 2 KPPS belum Bimtek; 1 sesi sesudah 20 Januari 2024 "
        "(mulai 26 Januari 2024) menampung 10, semua mendapat kursi (sisa 8)." in summary.lines
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
