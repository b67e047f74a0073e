"""Imports by an account with an area scope (`scope`): rows outside it are errors, the current
rows outside it are never replaced or dropped, and commit refuses a candidate that changed them.

The corpus base holds two kabupaten: Bangkalan (35.26, one desa) and Sampang (35.27) with the
kecamatan Torjun (35.27.02: desa Torjun 2001 and Kara 2002), Sampang (35.27.03) and
Kedungdung (35.27.06)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.store.dataset import resolve_folder
from tests.importer.conftest import BASE, messages

HEADER = "NIK,Nama Lengkap,L/P,Tgl Lahir,No HP,Kode TPS,Jabatan,Tgl SK\n"
# Two members for TPS 002 of desa Torjun, one for kecamatan Sampang, one for kabupaten
# Bangkalan and one for a TPS that does not exist.
MIXED = HEADER + (
    "3527021505910007,Hendra Wijaya,L,1991-05-15,081231000007,3527022001002,KPPS 1,2024-01-10\n"
    "3527026208930008,Dewi Lestari,P,1993-08-22,081231000008,3527022001002,KPPS 2,2024-01-10\n"
    "3527034101900009,Rina Sari,P,1990-01-01,,3527031001001,KPPS 2,2024-01-10\n"
    "3526020505850010,Agus Salim,L,1985-05-05,,3526022001001,KPPS 2,2024-01-10\n"
    "3527020907870009,Joko Susilo,L,1987-07-09,,3527022001009,KPPS 3,2024-01-10\n"
)
UNKNOWN_TPS = (
    "galat: kpps.csv, baris 6, kolom kode_tps: kode tidak dikenal: tidak ada TPS di tabel tps "
    '(tertulis "3527022001009")'
)


def _outside(row: int, value: str, scope: str) -> str:
    return (
        f"galat: kpps.csv, baris {row}, kolom kode_tps: TPS ini di luar cakupan akun Anda "
        f'({scope}) (tertulis "{value}")'
    )


def _csv_rows(path: Path) -> list[tuple[str | None, ...]]:
    """A CSV file's rows as text, a blank cell as None (as the import keeps them)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    return [tuple(cell or None for cell in row) for row in rows]


def _live_rows(folder: Path, table: str) -> list[tuple[str | None, ...]]:
    """The rows of one table of the live version, as the Parquet file the import wrote."""
    path = resolve_folder(folder) / f"{table}.parquet"
    return duckdb.sql(f"select * from read_parquet('{path}')").fetchall()


def _counts(preview: importer.Preview) -> list[tuple[int, int, int, int, int]]:
    return [
        (f.rows_rejected, f.rows_accepted, f.added, f.removed, f.changed) for f in preview.files
    ]


# -- rows outside the scope are errors ---------------------------------------------------------
def test_a_kecamatan_operator_loads_only_its_own_tps(base: Path, write, prepared) -> None:
    preview = prepared(base, write("kpps.csv", MIXED), scope=("35.27.02",))
    assert messages(preview) == [
        _outside(4, "3527031001001", "35.27.02"),
        _outside(5, "3526022001001", "35.27.02"),
        # Already an error (the TPS does not exist): not reported a second time.
        UNKNOWN_TPS,
    ]
    # Hendra Wijaya and Dewi Lestari are new; by default nothing is removed (contract §5).
    assert _counts(preview) == [(3, 2, 2, 0, 0)]
    assert preview.scope == ("35.27.02",)
    assert preview.refusal(drop_errors=True) is None


def test_a_kabupaten_operator_and_a_scope_of_two_codes(base: Path, write, prepared) -> None:
    sampang = prepared(base, write("kpps.csv", MIXED), scope=("35.27",))
    assert messages(sampang) == [_outside(5, "3526022001001", "35.27"), UNKNOWN_TPS]
    # Rina Sari (kecamatan Sampang) comes too; nobody goes.
    assert _counts(sampang) == [(2, 3, 3, 0, 0)]
    two = prepared(base, write("kpps_2.csv", MIXED), scope=("35.27.02", "35.26"))
    assert [m.replace("kpps_2.csv", "kpps.csv") for m in messages(two)] == [
        _outside(4, "3527031001001", "35.27.02, 35.26"),
        UNKNOWN_TPS,
    ]
    assert _counts(two) == [(2, 3, 3, 0, 0)]


def test_without_a_scope_nothing_changes(base: Path, write, prepared) -> None:
    """None is the admin: the same file loads every row that is right, as before."""
    for options in ({}, {"scope": None}):
        preview = prepared(base, write("kpps.csv", MIXED), **options)
        assert messages(preview) == [UNKNOWN_TPS]
        assert _counts(preview) == [(1, 4, 4, 0, 0)]
        assert preview.scope is None
    result = import_writing.commit(preview, drop_errors=True, who="Admin")
    assert "cakupan" not in result.record


def test_attendance_at_a_session_of_another_kecamatan(base: Path, write, prepared) -> None:
    hadir = write(
        "hadir.csv",
        "kode_sesi,nik,hadir,nilai_pre,nilai_post\n"
        "BT-352702-01,3527022311900003,ya,50,75\n"
        "BT-352703-01,3527031505880006,tidak,,\n",
    )
    preview = prepared(base, hadir, mode="perbarui", scope=("35.27.02",))
    assert messages(preview) == [
        "galat: hadir.csv, baris 3, kolom kode_sesi: sesi ini untuk kecamatan di luar cakupan "
        'akun Anda (35.27.02) (tertulis "BT-352703-01")'
    ]
    (report,) = preview.files
    assert report.about == "sesi BT-352702-01 (Torjun, 25 Januari 2024)"
    # Abdul Rahman's roll call is added; the session's other two rows stay.
    assert _counts(preview) == [(1, 1, 1, 0, 0)]
    # As the complete list of Torjun's session, it removes those two; Sampang's row stays.
    replaced = prepared(base, hadir, mode="ganti-bagian", scope=("35.27.02",))
    assert _counts(replaced) == [(1, 1, 1, 2, 0)]
    assert sorted(replaced.removal_frame("bimtek_hadir")["nik"]) == [
        "3527021203800001",
        "3527024407850002",
    ]


@pytest.mark.parametrize(
    ("scope", "rejected"),
    [
        (("35.27.02",), False),
        (("35.27",), False),
        # A session serves the whole kecamatan: not for an operator of one desa.
        (("35.27.02.2001",), True),
        (("35.26",), True),
    ],
)
def test_a_session_belongs_to_its_kecamatan(scope, rejected, base, write, prepared) -> None:
    sesi = write(
        "sesi.csv",
        "kode_sesi,kode_kecamatan,tanggal,tempat,kapasitas\n"
        "BT-352702-01,35.27.02,2024-01-25,Aula Kantor Kecamatan Torjun,60\n"
        "BT-352702-02,35.27.02,2024-01-30,Balai Desa Kara,40\n",
    )
    preview = prepared(base, sesi, mode="perbarui", scope=scope)
    expected = [
        f"galat: sesi.csv, baris {row}, kolom kode_kecamatan: kecamatan sesi ini di luar "
        f'cakupan akun Anda ({scope[0]}) (tertulis "35.27.02")'
        for row in (2, 3)
    ]
    # Outside the scope, Torjun's stored session is kept as it is.
    assert messages(preview) == (expected if rejected else [])
    # Accepted, Torjun's session is kept as it was and the new one added.
    assert _counts(preview) == [(2, 0, 0, 0, 0) if rejected else (0, 2, 1, 0, 0)]


def test_visits_of_a_desa_operator(base: Path, write, prepared) -> None:
    visits = write(
        "supervisi.csv",
        "tanggal,pengawas,lembaga,kode_kecamatan,kode_desa,kode_sesi,temuan\n"
        "2024-01-26,Ani,KPU Kabupaten Sampang,35.27.02,35.27.02.2001,,rapat desa\n"
        "2024-01-26,Ani,KPU Kabupaten Sampang,35.27.02,,,rapat kecamatan\n"
        "2024-01-26,Ani,KPU Kabupaten Sampang,35.27.02,35.27.02.2001,BT-352702-01,bimtek\n"
        "2024-01-26,Ani,KPU Kabupaten Sampang,35.27.02,35.27.02.2002,,desa tetangga\n",
    )
    preview = prepared(base, visits, mode="perbarui", scope=("35.27.02.2001",))
    assert messages(preview) == [
        "galat: supervisi.csv, baris 3, kolom kode_kecamatan: kecamatan ini di luar cakupan "
        'akun Anda (35.27.02.2001) (tertulis "35.27.02")',
        "galat: supervisi.csv, baris 4, kolom kode_sesi: sesi ini untuk kecamatan di luar "
        'cakupan akun Anda (35.27.02.2001) (tertulis "BT-352702-01")',
        "galat: supervisi.csv, baris 5, kolom kode_desa: desa/kelurahan ini di luar cakupan "
        'akun Anda (35.27.02.2001) (tertulis "35.27.02.2002")',
    ]
    # The current visit observed Torjun's session: not the desa operator's to replace.
    assert _counts(preview) == [(3, 1, 1, 0, 0)]


def test_areas_a_kecamatan_operator_may_load(base: Path, write, prepared) -> None:
    wilayah = write(
        "wilayah.csv",
        "kode_provinsi,provinsi,kode_kabupaten,kabupaten,kode_kecamatan,kecamatan,kode_desa,"
        "desa,jenis,lat,lon\n"
        "35,Jawa Timur,35.27,Sampang,35.27.02,Torjun,35.27.02.2001,Torjun,desa,-7.181,113.20\n"
        "35,Jawa Timur,35.27,Sampang,35.27.02,Torjun,35.27.02.2002,Kara,desa,-7.16,113.22\n"
        "35,Jawa Timur,35.27,Sampang,35.27.02,Torjun,35.27.02.2003,Jeruk,desa,,\n"
        "35,Jawa Timur,35.28,Pamekasan,35.28.01,Tlanakan,35.28.01.2001,Ambat,desa,,\n"
        "35,Jawa Timur,35.27,Sampang,35.27.03,Torjun,35.27.02.2004,Salah Induk,desa,,\n"
        "35,Jawa Timur,35.27,SAMPANG,35.27.02,Torjun,35.27.02.2005,Patarongan,desa,,\n",
    )
    preview = prepared(base, wilayah, scope=("35.27.02",))
    assert messages(preview) == [
        # A new kabupaten outside the scope.
        "galat: wilayah.csv, baris 5, kolom kode_desa: desa/kelurahan ini di luar cakupan akun "
        'Anda (35.27.02) (tertulis "35.28.01.2001")',
        # A desa of Torjun put in kecamatan Sampang would count in Sampang's figures.
        "galat: wilayah.csv, baris 6, kolom kode_kecamatan: kecamatan ini di luar cakupan akun "
        "Anda (35.27.02) dan kode_desa baris ini tidak terletak di dalamnya "
        '(tertulis "35.27.03")',
        # The kabupaten's name is everybody's.
        "galat: wilayah.csv, baris 7, kolom kabupaten: nama ini berbeda dengan yang tercatat "
        "untuk 35.27 (Sampang); nama wilayah di luar cakupan akun Anda (35.27.02) tidak dapat "
        'diubah (tertulis "SAMPANG")',
    ]
    # Mode ganti within the scope: Torjun's two desa stay (one changed), Jeruk is new; the
    # four desa elsewhere are not removed.
    assert _counts(preview) == [(3, 3, 1, 0, 1)]
    assert preview.refusal(drop_errors=True) is None


def test_an_area_that_cannot_be_told_is_outside(base: Path, write, prepared) -> None:
    """Fail closed: a TPS of the current data without kode_desa is nobody's."""
    with (base / "tps.csv").open("a", encoding="utf-8") as handle:
        handle.write("3527022003001,,1,100,\n")
    with (base / "kpps.csv").open("a", encoding="utf-8") as handle:
        handle.write("3527020202900011,Tanpa Desa,L,1990-02-02,,3527022003001,ketua,,,\n")
    roster = write(
        "kpps.csv",
        HEADER + "3527021203800001,Moh. Hasan,L,1980-03-12,081231000001,3527022001001,KPPS 1,"
        "2024-01-10\n"
        "3527020303900012,Hasan Basri,L,1990-03-03,,3527022003001,KPPS 2,2024-01-10\n",
    )
    preview = prepared(base, roster, scope=("35.27.02",))
    assert messages(preview) == [
        "galat: kpps.csv, baris 3, kolom kode_tps: wilayah baris ini tidak dapat ditentukan, "
        "jadi tidak dapat dipastikan berada dalam cakupan akun Anda (35.27.02) "
        '(tertulis "3527022003001")'
    ]
    # Moh. Hasan is as stored (his phone number is the same); nothing is removed.
    assert _counts(preview) == [(1, 1, 0, 0, 0)]
    # Replacing his TPS's roster would remove Siti Aminah and Abdul Rahman; the member of the
    # TPS without a desa stays, like Slamet Riyadi's row.
    replaced = prepared(base, roster, mode="ganti-bagian", scope=("35.27.02",))
    assert _counts(replaced) == [(1, 1, 0, 2, 0)]


# -- what a commit with a scope writes -----------------------------------------------------------
def test_replace_keeps_every_row_outside_the_scope_byte_for_byte(base, write, prepared) -> None:
    tps = write(
        "tps.csv",
        "kode_tps,kode_desa,nomor_tps,jumlah_dpt,kebutuhan_kpps\n"
        "3527022001001,35.27.02.2001,1,281,\n"
        "3527022002001,35.27.02.2002,1,250,3\n",
    )
    kpps = write("kpps.csv", MIXED.replace("3527022001002", "3527022001001"))
    preview = prepared(base, tps, kpps, mode="ganti", scope=("35.27.02",))
    assert messages(preview) == [
        _outside(4, "3527031001001", "35.27.02"),
        _outside(5, "3526022001001", "35.27.02"),
        UNKNOWN_TPS,
    ]
    # tps: TPS 002 of Torjun removed, TPS 001's voters changed; kpps as in the first test.
    assert _counts(preview) == [(0, 2, 0, 1, 1), (3, 2, 2, 5, 0)]
    result = import_writing.commit(
        preview, drop_errors=True, who="Operator Torjun", confirm_removal=True
    )

    base_tps, base_kpps = _csv_rows(BASE / "tps.csv"), _csv_rows(BASE / "kpps.csv")
    outside_tps = [r for r in base_tps if not r[1].startswith("35.27.02.")]
    assert [r[0] for r in outside_tps] == [
        "3527031001001",
        "3527032002001",
        "3527062001001",
        "3526022001001",
    ]
    # Updated rows keep their place in the table; TPS 002 of desa Torjun is gone.
    assert _live_rows(base, "tps") == [
        ("3527022001001", "35.27.02.2001", "1", "281", None),
        ("3527022002001", "35.27.02.2002", "1", "250", "3"),
        *outside_tps,
    ]
    slamet = [r for r in base_kpps if r[5] == "3527031001001"]
    assert [r[1] for r in slamet] == ["Slamet Riyadi"]
    assert _live_rows(base, "kpps") == [
        *slamet,
        ("3527021505910007", "Hendra Wijaya", "L", "1991-05-15", "081231000007",
         "3527022001001", "KPPS 1", "2024-01-10", None, None),
        ("3527026208930008", "Dewi Lestari", "P", "1993-08-22", "081231000008",
         "3527022001001", "KPPS 2", "2024-01-10", None, None),
    ]  # fmt: skip
    assert result.record["cakupan"] == ["35.27.02"]
    assert versions.history(base)[-1]["cakupan"] == ["35.27.02"]


def test_update_never_drops_a_row_outside_the_scope(base: Path, write, prepared) -> None:
    """A desa operator's roster covers kecamatan Torjun, yet Kara's members stay."""
    roster = write(
        "kpps.csv",
        HEADER + "3527021203800001,Moh. Hasan,L,1980-03-12,081231000001,3527022001001,KPPS 1,"
        "2024-01-10\n"
        "3527024407850002,Siti Aminah,P,1985-07-04,081231000002,3527022001001,KPPS 2,"
        "2024-01-10\n"
        "3527034101900009,Rina Sari,P,1990-01-01,,3527031001001,KPPS 2,2024-01-10\n",
    )
    update = prepared(base, roster, mode="perbarui")
    assert _counts(update) == [(0, 3, 1, 0, 0)]  # by default nobody goes
    admin = prepared(base, roster, mode="ganti-bagian")
    assert admin.files[0].about == (
        "2 TPS di desa/kelurahan Rongtengah dan Torjun, kecamatan Sampang dan Torjun"
    )
    assert _counts(admin) == [(0, 3, 1, 2, 0)]  # without a scope Abdul and Slamet would go

    preview = prepared(base, roster, mode="ganti-bagian", scope=("35.27.02.2001",))
    assert messages(preview) == [_outside(4, "3527031001001", "35.27.02.2001")]
    assert preview.files[0].about == "1 TPS di desa/kelurahan Torjun, kecamatan Torjun"
    assert _counts(preview) == [(1, 2, 0, 1, 0)]  # only Abdul Rahman goes
    import_writing.commit(
        preview, drop_errors=True, who="Operator Desa Torjun", confirm_removal=True
    )
    assert [(r[1], r[5]) for r in _live_rows(base, "kpps")] == [
        ("Moh. Hasan", "3527022001001"),
        ("Siti Aminah", "3527022001001"),
        ("Nur Aini", "3527022002001"),
        ("Ahmad Fauzi", "3527022002001"),
        ("Slamet Riyadi", "3527031001001"),
    ]


def test_commit_refuses_a_candidate_that_changed_rows_outside(base, write, prepared) -> None:
    """Defence in depth: were the candidate wrong, the rows written are checked again."""
    preview = prepared(base, write("kpps.csv", MIXED), scope=("35.27.02",))
    # A candidate that forgot Slamet Riyadi's row (Sampang) and kept the rejected ones.
    preview.con.execute(
        "create or replace view _calon_kpps as select *, _baris as _letak from _unggah_kpps"
    )
    with pytest.raises(importer.ImportRefused) as refused:
        import_writing.commit(preview, drop_errors=True, who="Operator Torjun")
    assert str(refused.value) == (
        "impor dibatalkan dan dataset tidak diubah: data di luar cakupan akun Anda (35.27.02) "
        "akan berubah di tabel kpps (4 baris); laporkan kejadian ini kepada admin"
    )
    # The plain folder became version 0001 (as every first import does); nothing else.
    assert versions.current(base) == "0001"
    assert [v.name for v in versions.versions(base)] == ["0001"]
    assert sorted(p.name for p in (base / "versions").iterdir()) == ["0001"]
    assert [r["versi"] for r in versions.history(base)] == ["0001"]


# -- the scope itself ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "scope",
    [("3527",), ("35.27.2",), ("35.27.02.201",), (" 35.27",), ("35\n",), ("35.27.",), ("35", 35)],
)
def test_an_invalid_scope_code_is_refused(scope, base: Path, write) -> None:
    upload = import_uploads.Upload(write("kpps.csv", MIXED), "kpps.csv")
    with pytest.raises(ValueError, match=r"^kode cakupan wilayah tidak sah: "):
        importer.prepare(base, [upload], scope=scope)


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ((), "^cakupan wilayah akun kosong"),
        ("35.27", "^cakupan wilayah harus berupa daftar kode, bukan satu teks: '35.27'$"),
    ],
)
def test_an_empty_scope_or_a_bare_text_is_refused(scope, message) -> None:
    with pytest.raises(ValueError, match=message):
        importer.validate_scope(scope)


def test_the_scope_rule() -> None:
    assert importer.validate_scope(["35.27", "35.27.02", "35.27"]) == ("35.27", "35.27.02")
    assert importer.validate_scope(None) is None
    scope = ("35.27", "35.26.02.2001")
    inside = ["35.27", "35.27.02", "35.27.02.2001", "35.26.02.2001"]
    outside = ["35", "35.270", "35.26", "35.26.02", "35.26.02.2002", "35.26.02.20011"]
    assert [importer.in_scope(k, scope) for k in inside + outside] == [True] * 4 + [False] * 6
    assert importer.in_scope("36", None)
