"""A real XLSX uploaded through the Impor Data page in Chromium: preview, drop two rows, save,
restore. The server runs on a free port over a temporary copy of data/sample, never the sample
itself (conventions of tests/browser: Debian's Chromium, server log and, with
KESIAPAN_UJI_GAMBAR=1, pictures in test-results/: impor-1-kosong, impor-2-pratinjau,
impor-3-tersimpan, impor-4-dipulihkan)."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from kesiapan.access import accounts as access
from kesiapan.devtools.loadtest import DESKTOP
from kesiapan.store import versions
from tests.browser.conftest import dashboard_server
from tests.browser.test_browser import wait_idle
from tests.conftest import copy_sample, review_picture, sign_in_form

WAIT_MS = 60_000
HEADING = "Impor Data"
PASSWORD = "sandi-rahasia-2024"
# Words of ours that slipped through in English (Streamlit's own uploader text excepted).
ENGLISH = re.compile(r"\b(None|NaN|nan|null|undefined|Error|Warning|Select|Download|Upload)\b")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = copy_sample(tmp_path_factory.mktemp("impor") / "sample")  # with its built store
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    accounts = folder.parent / "akses"
    access.add(
        accounts, "siti", peran="admin", wilayah=[], nama="Siti Nurhayati", password=PASSWORD
    )
    log_name = f"server-impor-{worker}.log" if worker else "server-impor.log"
    with dashboard_server(folder, log_name, env={access.AKSES_ENV: str(accounts)}) as url:
        yield url, folder


def _workbook(sample: Path, path: Path) -> int:
    """Torjun's roster from its PPK, as Excel: title rows, real dates, NIK as text, and two
    mistakes (a NIK one digit short, a role that does not exist) and three new phone numbers.
    Returns the number of members."""
    with (sample / "kpps.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["kode_tps"].startswith("352702")]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "KPPS Torjun"
    sheet.append(["DAFTAR ANGGOTA KPPS KECAMATAN TORJUN"])
    sheet.append(["Pemilu 2024"])
    sheet.append([])
    sheet.append(
        ["No", "NIK", "Nama Lengkap", "L/P", "Tgl Lahir", "No HP", "Kode TPS", "Jabatan",
         "Tgl SK", "Tgl Berhenti", "Alasan Berhenti"]
    )  # fmt: skip

    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    for number, row in enumerate(rows, start=1):
        phone = row["no_hp"] or None
        if number in (10, 11, 12):  # three members with a new phone number
            phone = "081399990000"
        sheet.append(
            [
                number,
                row["nik"],
                row["nama"],
                row["jenis_kelamin"],
                day(row["tanggal_lahir"]),
                phone,
                row["kode_tps"],
                row["jabatan"],
                day(row["tanggal_sk"]),
                day(row["tanggal_berhenti"]),
                row["alasan_berhenti"] or None,
            ]
        )
    sheet["B7"] = str(sheet["B7"].value)[:-1]  # row 7: a digit short
    sheet["H9"] = "Sekretaris"  # row 9
    book.save(path)
    return len(rows)


def _idle(page: Page) -> None:
    """The script over (Streamlit's own run state), its heading shown, 400 ms without change."""
    wait_idle(page, heading=HEADING, timeout_ms=WAIT_MS)


def _no_error(page: Page) -> None:
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert boxes.count() == 0, boxes.all_inner_texts()


def _english(page: Page) -> list[str]:
    main = page.get_by_test_id("stMain")
    text = main.inner_text()
    uploader = main.get_by_test_id("stFileUploaderDropzone").all_inner_texts()
    for streamlit_text in uploader:  # Streamlit's own words, not configurable
        text = text.replace(streamlit_text, "")
    return sorted(set(ENGLISH.findall(text)))


def test_upload_an_xlsx_through_the_page(
    server, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    url, folder = server
    workbook = tmp_path / "KPPS Torjun dari PPK.xlsx"
    members = _workbook(folder, workbook)
    page = open_page(DESKTOP["width"], DESKTOP["height"])
    page.set_default_timeout(WAIT_MS)
    # From the front page through the sidebar, as people arrive: signed in as an admin.
    page.goto(url)
    sign_in_form(page, "siti", PASSWORD)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(
        "Ringkasan kesiapan KPPS", timeout=WAIT_MS
    )
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=HEADING).click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(HEADING)
    expect(page).to_have_url(re.compile(r"/impor-data"))
    _idle(page)
    _no_error(page)
    review_picture(page, "impor-1-kosong", idle=_idle)

    # The default way of loading adds and updates; nothing is removed.
    expect(page.get_by_text("Tambah dan perbarui (tidak ada yang dihapus)")).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(workbook)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Galat")).to_contain_text("2", timeout=WAIT_MS)
    _idle(page)
    _no_error(page)
    expect(metrics.filter(has_text="Baris dibaca")).to_contain_text(
        f"{members:,}".replace(",", ".")
    )
    expect(metrics.filter(has_text="Baris diterima")).to_contain_text(
        f"{members - 2:,}".replace(",", ".")
    )
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("KPPS Torjun dari PPK.xlsx")
    expect(
        page.get_by_role("button", name=re.compile("Unduh 2 baris yang ditolak"))
    ).to_be_visible()
    expect(main).to_contain_text("Nilai yang diperbarui, per kolom: No. HP 3")
    expect(main).not_to_contain_text("MENGHAPUS")
    page.get_by_role("tab", name="Per baris").first.click()
    _idle(page)
    assert _english(page) == []
    review_picture(page, "impor-2-pratinjau", idle=_idle)

    page.get_by_text(re.compile(r"Buang 2 baris bergalat")).click()
    _idle(page)
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page.get_by_text("Tersimpan sebagai versi 0002")).to_be_visible(timeout=WAIT_MS)
    _idle(page)
    _no_error(page)
    assert versions.current(folder) == "0002"
    assert len(list((folder / "rejects").glob("0002-*-ditolak.xlsx"))) == 1
    expect(main).to_contain_text("Versi 0002 · aktif")
    review_picture(page, "impor-3-tersimpan", idle=_idle)

    page.get_by_role("button", name="Pulihkan").first.click()
    expect(page.get_by_text("Versi 0001 aktif lagi (sebelumnya 0002)")).to_be_visible(
        timeout=WAIT_MS
    )
    _idle(page)
    _no_error(page)
    assert versions.current(folder) == "0001"
    review_picture(page, "impor-4-dipulihkan", idle=_idle)
