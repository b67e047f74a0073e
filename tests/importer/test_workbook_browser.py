"""A PPK's daftar hadir workbook through the Impor Data page in Chromium, at 1440 and 390 px:
one sheet per session (each named only in its title), an instructions sheet and a REKAP
sheet skipped, an empty box, a NIK with a digit missing. The preview says how each odd thing
was read, in Indonesian words: no raw field names, no "None", nothing cut off. Pictures
(KESIAPAN_UJI_GAMBAR=1) in test-results/: impor-lembar(-ponsel)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from kesiapan.store import versions
from tests.conftest import review_picture
from tests.importer.test_session_browser import (
    WAIT_MS,
    _idle,
    _signed_in,
    _to_import,
)

PATAPAN = [  # BT-352702-03, 26 January: present, present, an empty box, a NIK of 15 digits
    ("Anggota Satu", "3527024405832398", "✓"),
    ("Anggota Dua", "3527022608966123", "✓"),
    ("Anggota Tiga", "3527026808893174", None),
    ("Anggota Empat", "352702181281001", "✓"),
]
KRAMPON = [("Anggota Lima", "3527026412872188", "v")]  # BT-352702-05, 27 January


def _sheet(sheet, titles: list[str], rows) -> None:
    for title in titles:
        sheet.append([title])
        sheet.merge_cells(f"A{sheet.max_row}:D{sheet.max_row}")
    sheet.append([])
    sheet.append(["NO", "NAMA", "NIK", "TANDA TANGAN"])
    sheet.append(["(1)", "(2)", "(3)", "(4)"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append([None, None, "Torjun, 27 Januari 2024"])
    sheet.append([None, None, "Ketua PPK Torjun"])


def _workbook(path: Path) -> Path:
    book = Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Satu lembar per sesi. Centang kolom TANDA TANGAN bagi yang hadir."])
    head = "DAFTAR HADIR BIMTEK KPPS KECAMATAN TORJUN"
    _sheet(
        book.create_sheet("26 Jan Patapan"),
        [head, "Hari/Tanggal : Jumat, 26 Januari 2024", "Tempat : Balai Desa Patapan"],
        PATAPAN,
    )
    _sheet(
        book.create_sheet("27 Jan Krampon"),
        [head, "Hari/Tanggal : Sabtu, 27 Januari 2024", "Tempat : Balai Desa Krampon"],
        KRAMPON,
    )
    _sheet(book.create_sheet("REKAP"), [head, "REKAPITULASI"], PATAPAN + KRAMPON)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("viewport", "shot"),
    [({"width": 1440, "height": 900}, ""), ({"width": 390, "height": 844}, "-ponsel")],
)
def test_a_workbook_of_sessions_is_previewed_in_words(
    operator_server: tuple[str, Path],
    open_page: Callable[..., Page],
    tmp_path: Path,
    viewport: dict,
    shot: str,
) -> None:
    url, folder = operator_server
    path = _workbook(tmp_path / "Daftar Hadir Bimtek Torjun.xlsx")
    live = versions.current(folder)
    page = _signed_in(open_page, url, {"width": 1440, "height": 900})
    _to_import(page, url)  # through the sidebar, open at this width
    page.set_viewport_size(viewport)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(
        "Tentang: sesi BT-352702-03 (Torjun, 26 Januari 2024) dan BT-352702-05 (Torjun, "
        "27 Januari 2024)",
        timeout=WAIT_MS,
    )
    _idle(page)
    for words in (
        "lembar 26 Jan Patapan dan 27 Jan Krampon, dibaca sebagai satu tabel",
        "lembar yang dilewati: Petunjuk (tidak berisi tabel yang dikenali), REKAP (lembar "
        "rekap, bukan daftar)",
        "sesi dikenali dari judul: BT-352702-03 (Torjun, 26 Januari 2024, Balai Desa "
        "Patapan); BT-352702-05 (Torjun, 27 Januari 2024, Balai Desa Krampon)",
        "tanda kehadiran yang kosong di samping nama dibaca tidak hadir (1 baris)",
        "Daftar Hadir Bimtek Torjun.xlsx, kolom NIK: NIK harus 16 digit angka (lembar 26 Jan "
        "Patapan baris 10)",
    ):
        expect(main).to_contain_text(words)
    text = main.inner_text()
    assert "None" not in text
    for raw in ("kode_sesi", "nilai_pre", "tanggal_lahir", "bimtek_hadir"):
        assert raw not in text, raw
    review_picture(page, f"impor-lembar{shot}", idle=_idle)
    # The details: the columns and the first rows as stored, the errors row by row.
    page.get_by_text("Kolom dan contoh baris").click()
    page.get_by_role("tab", name="Per baris").click()
    _idle(page)
    expect(main).to_contain_text("Kolom: NIK → NIK, TANDA TANGAN → Hadir.")
    grids = page.get_by_test_id("stDataFrame")
    expect(grids.first).to_be_visible()
    review_picture(page, f"impor-lembar-rinci{shot}", idle=_idle)
    assert versions.current(folder) == live  # a preview writes nothing
