"""Table downloads: the workbook and the CSV of a page's table, opened and read back."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kesiapan.access import privacy
from kesiapan.contract import labels
from kesiapan.outputs import exports
from tests.exports.conftest import TORJUN, D, read_csv, read_workbook

UNTRAINED_COLUMNS = [
    "kecamatan",
    "desa",
    "nomor_tps",
    "nama",
    "nik",
    "jabatan",
    "jenis_kelamin",
    "kali_absen",
    "no_hp",
]  # fmt: skip  (the columns pages/bimtek.py shows)
POSITION = (
    "Posisi per tanggal: 28 Januari 2024 · H-17 menuju hari pemungutan suara (14 Februari 2024)"
)
SOURCE = "Data terakhir: 12 Februari 2024 · Pemilu 2024 — Kabupaten Sampang (data contoh)"


def test_untrained_workbook_for_torjun(sample, figures, scope_of) -> None:
    scope = scope_of(sample, kecamatan=[TORJUN])
    frame = sample.query("kpps_belum_bimtek", **scope.args())
    files = exports.TableFiles(frame, UNTRAINED_COLUMNS, "KPPS belum Bimtek", scope)
    assert files.stem == "kpps_belum_bimtek_kecamatan-torjun_2024-01-28"
    (sheet,) = read_workbook(files.xlsx()).values()

    (torjun,) = figures("kecamatan", areas=[TORJUN]).to_dict("records")
    untrained = torjun["kpps_aktif"] - torjun["kpps_terlatih"]
    assert sheet.title == "KPPS belum Bimtek — Kecamatan Torjun"
    assert sheet.lines == [
        "Kabupaten/Kota: semua",
        "Kecamatan: Torjun (35.27.02)",
        "Desa/Kelurahan: semua",
        POSITION,
        SOURCE,
        f"Jumlah baris: {labels.angka(untrained)}",
        privacy.MASKED_NOTE,
    ]
    # The area hierarchy first (with the TPS), then the page's columns, Indonesian headers.
    assert sheet.header == [
        "Provinsi", "Kode kabupaten", "Kabupaten/Kota", "Kode kecamatan", "Kecamatan",
        "Kode desa", "Desa/Kelurahan", "Kode TPS", "Nomor TPS", "Nama", "NIK", "Jabatan", "L/P",
        "Kali absen", "No. HP",
    ]  # fmt: skip
    assert len(sheet.rows) == untrained == 27
    assert set(sheet.column("Kecamatan")) == {"Torjun"}
    assert set(sheet.column("Kode kecamatan")) == {TORJUN}
    assert set(sheet.column("Provinsi")) == {"Jawa Timur"}
    assert all(code.startswith("35.27.02.") for code in sheet.column("Kode desa"))
    assert set(sheet.column("Jabatan")) <= {"Ketua", "Anggota"}
    # Contract §4: no NIK or phone number leaves unmasked.
    raw = set(frame["nik"]) | set(frame["no_hp"].dropna())
    cells = {str(v) for row in sheet.rows for v in row}
    assert not raw & cells
    assert all("•" in nik for nik in sheet.column("NIK"))

    ws = sheet.worksheet
    assert ws.freeze_panes == f"A{sheet.header_row + 1}"
    assert ws.auto_filter.ref == f"A{sheet.header_row}:O{sheet.header_row + untrained}"
    assert ws.cell(sheet.header_row, 1).font.bold
    assert ws.cell(sheet.header_row + 1, 8).number_format == "@"  # codes stay text
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJKLMNO"]
    assert all(exports.MIN_WIDTH <= w <= exports.MAX_WIDTH for w in widths)
    assert ws.column_dimensions["J"].width > ws.column_dimensions["M"].width  # Nama > L/P


def test_untrained_csv_for_torjun(sample, figures, scope_of) -> None:
    scope = scope_of(sample, kecamatan=[TORJUN])
    frame = sample.query("kpps_belum_bimtek", **scope.args())
    csv = read_csv(exports.TableFiles(frame, UNTRAINED_COLUMNS, "KPPS belum Bimtek", scope).csv())
    (torjun,) = figures("kecamatan", areas=[TORJUN]).to_dict("records")
    assert len(csv) == torjun["kpps_aktif"] - torjun["kpps_terlatih"]
    assert list(csv.columns)[:9] == [
        "Provinsi", "Kode kabupaten", "Kabupaten/Kota", "Kode kecamatan", "Kecamatan",
        "Kode desa", "Desa/Kelurahan", "Kode TPS", "Nomor TPS",
    ]  # fmt: skip
    assert csv["Kode TPS"].str.fullmatch(r"352702\d{7}").all()  # text, never a number
    assert csv["NIK"].str.contains("•").all()


def test_summary_table_numbers_are_the_reports(sample, figures, scope_of) -> None:
    """The Ringkasan ranking as downloaded: every kecamatan, the report's numbers as numbers."""
    scope = scope_of(sample)
    frame = sample.query("ringkasan_kecamatan", **scope.args())
    frame = frame.assign(kesiapan="x")
    columns = [
        "kesiapan", "kecamatan", "tps", "tps_siap", "kpps_aktif", "kpps_terlatih",
        "cakupan_bimtek", "kursi_kosong", "tps_tanpa_ketua", "kunjungan_supervisi",
    ]  # fmt: skip
    files = exports.TableFiles(frame, columns, "Peringkat kecamatan", scope)
    (sheet,) = read_workbook(files.xlsx()).values()
    assert sheet.title == "Peringkat kecamatan — Kabupaten Sampang"
    assert sheet.lines[:5] == [
        "Kabupaten/Kota: semua", "Kecamatan: semua", "Desa/Kelurahan: semua", POSITION, SOURCE,
    ]  # fmt: skip
    assert sheet.header == [
        "Provinsi", "Kode kabupaten", "Kabupaten/Kota", "Kode kecamatan", "Kecamatan",
        "Kesiapan", "Jumlah TPS", "TPS siap", "KPPS aktif", "KPPS terlatih", "Cakupan",
        "Kursi kosong", "Tanpa ketua", "Kunjungan",
    ]  # fmt: skip
    expected = figures("kecamatan").set_index("kode_kecamatan")
    assert len(sheet.rows) == len(expected) == 14
    for code, tps, ready, share, empty in zip(
        sheet.column("Kode kecamatan"), sheet.column("Jumlah TPS"), sheet.column("TPS siap"),
        sheet.column("Cakupan"), sheet.column("Kursi kosong"), strict=True,
    ):  # fmt: skip
        assert (tps, ready, empty) == tuple(
            int(expected.loc[code, c]) for c in ("tps", "tps_siap", "kursi_kosong")
        )
        assert share == pytest.approx(expected.loc[code, "cakupan_bimtek"])
    ws = sheet.worksheet
    first = sheet.header_row + 1
    assert ws.cell(first, sheet.header.index("Cakupan") + 1).number_format == "0.0%"
    assert ws.cell(first, sheet.header.index("KPPS aktif") + 1).number_format == "#,##0"


def test_dates_are_excel_dates_in_indonesian(sample, scope_of) -> None:
    scope = scope_of(sample, kecamatan=[TORJUN])
    frame = sample.query("supervisi_sesi", **scope.args())
    files = exports.TableFiles(frame, ["tanggal", "kode_sesi", "tempat"], "Sesi", scope)
    (sheet,) = read_workbook(files.xlsx()).values()
    assert sheet.header == ["Provinsi", "Kode kabupaten", "Kabupaten/Kota", "Kode kecamatan",
                            "Kecamatan", "Tanggal", "Kode sesi", "Tempat"]  # fmt: skip
    assert len(sheet.rows) == len(frame) == 6
    first = sheet.worksheet.cell(sheet.header_row + 1, 6)
    assert first.value.date() == date(2024, 1, 25)
    assert first.number_format == "[$-421]d mmmm yyyy"  # 25 Januari 2024 in any Excel
    csv = read_csv(files.csv())
    assert csv["Tanggal"].iloc[0] == "2024-01-25"


def test_hierarchy_on_the_mini_fixture(mini) -> None:
    """Hand-checked (tests/fixtures/mini/README.md): a visit naming no desa keeps its kecamatan
    and leaves the desa blank; Kamal is in kabupaten Bangkalan."""
    scope = exports.Scope.of(mini, date(2024, 1, 20))
    visits = mini.query("supervisi_kunjungan", **scope.args())
    table = exports.export_frame(visits, ["tanggal", "pengawas"], scope.area_index)
    assert list(table.columns) == [
        "provinsi", "kode_kabupaten", "kabupaten", "kode_kecamatan", "kecamatan", "kode_desa",
        "desa", "tanggal", "pengawas",
    ]  # fmt: skip
    rows = table.to_dict("records")
    # V6 and V1 on 01-15 (ordered by pengawas), V2 01-18, V3 01-20.
    assert [(r["pengawas"], r["kecamatan"], r["desa"]) for r in rows] == [
        ("Ahmad Fauzi", "Torjun", "Torjun"),
        ("Budi Santoso", "Torjun", None),
        ("Siti Rahmah", "Torjun", "Torjun"),
        ("Ahmad Fauzi", "Sreseh", "Labuhan"),
    ]
    assert rows[1]["kode_desa"] is None and rows[1]["kode_kecamatan"] == TORJUN
    tps = exports.export_frame(
        mini.query("tps_status", **scope.args()), ["status", "ada_ketua"], scope.area_index
    )
    kamal = tps[tps["kode_tps"] == "3526011001001"].iloc[0]
    assert (kamal["kabupaten"], kamal["kode_kabupaten"], kamal["desa"]) == (
        "Bangkalan", "35.26", "Kamal",
    )  # fmt: skip
    assert (kamal["nomor_tps"], kamal["status"], kamal["ada_ketua"]) == (
        1,
        "Kurang petugas",
        "Tidak",
    )
    # A table that names no area gets no area columns.
    plain = exports.export_frame(mini.query("data_tabel"), None, scope.area_index)
    assert list(plain.columns) == ["tabel", "baris", "tanggal_awal", "tanggal_akhir"]


def test_filter_lines_name_every_filter(sample, mini) -> None:
    scope = exports.Scope.of(
        sample, D, kabupaten=["35.27"], desa=["35.27.02.2007", "35.27.02.2008"]
    )
    assert scope.area_name() == "Desa/Kel. Dulang, Patarongan"
    assert scope.filter_lines()[:3] == [
        "Kabupaten/Kota: Sampang (35.27)",
        "Kecamatan: semua",
        "Desa/Kelurahan: Dulang (35.27.02.2007), Patarongan (35.27.02.2008)",
    ]
    # Without dataset.toml there is no voting day, so no countdown, and no dataset name.
    plain = exports.Scope.of(mini, date(2024, 1, 20))
    assert plain.filter_lines()[3:] == [
        "Posisi per tanggal: 20 Januari 2024",
        "Data terakhir: 27 Januari 2024",
    ]
    assert plain.area_name() == "Semua wilayah"


def test_masking_is_the_same_on_screen_and_in_files() -> None:
    from kesiapan.ui import shared as ui

    assert privacy.mask_nik("3527020101900001") == "3527••••••••0001"
    assert privacy.mask_nik(privacy.mask_nik("3527020101900001")) == "3527••••••••0001"
    assert privacy.mask_phone("081234567890") == "0812•••••890"
    assert privacy.mask_phone("0812") == "•••"
    assert (privacy.mask_nik(None), privacy.mask_phone(float("nan"))) == ("", "")
    assert ui.mask_nik is privacy.mask_nik
    # Issue 5: screens mask through the viewer's Page.masked, files through the Scope's tampil,
    # both with privacy.masked; names too for a role that may not see them.
    member = pd.DataFrame({"nama": ["Moh. Hasan"], "nik": ["3527020101900001"], "no_hp": [None]})
    hidden = privacy.masked(member, privacy.Tampil(nama=False, pribadi=False))
    assert hidden.iloc[0].tolist() == ["M••• H••••", "3527••••••••0001", ""]
    shown = privacy.masked(member, privacy.Tampil(nama=True, pribadi=True))
    assert shown.iloc[0].tolist() == ["Moh. Hasan", "3527020101900001", None]
