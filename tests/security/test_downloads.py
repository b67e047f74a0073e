"""Issue 12 item 9 (and the header of item 13): every download carrying personal data or names
is masked by the viewer's permissions and audited: the check results on the Data page, the
rejected rows of an import and the problems of its preview."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.access import audit
from kesiapan.ui import import_screen, signin
from kesiapan.ui import shared as ui
from tests.conftest import ROOT, signed_in
from tests.importer.conftest import BASE

PASSWORD = "sandi-rahasia-2024"
MINI = ROOT / "tests" / "fixtures" / "mini"
CSV = "text/csv"
FORMULA = '=HYPERLINK("http://contoh.invalid")'
# A Torjun roster: a member under 17 on voting day (the age warning quotes her birth date), a
# NIK of 15 digits (rejected), and a column whose header is a formula.
ROSTER = (
    f"NIK,Nama Lengkap,L/P,Tgl Lahir,No HP,Kode TPS,Jabatan,Tgl SK,{FORMULA}\n"
    "3527024101100007,Wulan Sari,P,2010-01-01,081231000007,3527022001002,KPPS 1,2024-01-10,x\n"
    "352702150591008,Hendra Wijaya,L,1991-05-15,081231000008,3527022001002,KPPS 2,2024-01-10,y\n"
)


def _deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(source, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    folder = tmp_path / "akses"
    access.add(folder, "admin", peran="admin", wilayah=[], password=PASSWORD)
    access.add(folder, "ops", peran="operator", wilayah=["35.27.02"], password=PASSWORD)
    access.add(folder, "rina", peran="analis", wilayah=["35.27"], password=PASSWORD)
    monkeypatch.setenv("KESIAPAN_DATA", str(data))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))
    return folder


def _workbook_rows(data: bytes) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [tuple(c.value for c in row) for row in book.worksheets[0].iter_rows()]


@pytest.fixture
def makers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Callable[[], bytes]]]:
    made: list[tuple[str, Callable[[], bytes]]] = []
    real = ui._audited

    def spy(view, file_name, table, make, *rest):  # type: ignore[no-untyped-def]
        maker = real(view, file_name, table, make, *rest)
        made.append((file_name, maker))
        return maker

    monkeypatch.setattr(ui, "_audited", spy)
    return made


def test_check_results_downloaded_unmasked_are_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, makers: list
) -> None:
    folder = _deployment(tmp_path, monkeypatch, MINI)
    kpps = tmp_path / "data" / "kpps.csv"
    # Moh. Hasan's NIK says 12 March 1980: a birth date of 1999 makes the check quote his NIK.
    kpps.write_text(kpps.read_text().replace("Moh. Hasan,L,1980-03-12", "Moh. Hasan,L,1999-03-12"))
    for user in ("admin", "rina"):
        makers.clear()
        at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
        signed_in(at.session_state, user)
        at.run()
        assert not at.exception
        files = [(n, m) for n, m in makers if "hasil_pemeriksaan_data" in n]
        assert files, [n for n, _ in makers]
        before = len(audit.read(folder))
        for _, make in files:
            make()
        logged = [e for e in audit.read(folder)[before:] if e["peristiwa"] == audit.UNDUH]
        if user == "admin":  # sees NIKs and birth dates unmasked: every file is in the log
            assert len(logged) == len(files) and logged[0]["pengguna"] == "admin"
            assert logged[0]["berkas"].startswith("hasil_pemeriksaan_data")
        else:  # an analis gets the values masked: nothing personal to log
            assert logged == []
            text = "\n".join(str(c) for row in _workbook_rows(files[0][1]()) for c in row)
            niks = [line.split(",")[0] for line in (MINI / "kpps.csv").read_text().splitlines()]
            assert "•" in text and not [n for n in niks[1:] if n in text]


def _import_page(user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "impor.py"), default_timeout=90)
    signed_in(at.session_state, user)
    at.run()
    at.file_uploader[0].set_value(("kpps torjun.csv", ROSTER.encode(), CSV))
    return at.run()


def test_import_preview_masks_birth_dates_and_the_rejects_file_is_masked_and_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _deployment(tmp_path, monkeypatch, BASE)
    offered: list[Callable[[], bytes]] = []
    real = import_screen.rejects_download

    def spy(*args):  # type: ignore[no-untyped-def]
        maker = real(*args)
        offered.append(maker)
        return maker

    monkeypatch.setattr(import_screen, "rejects_download", spy)
    at = _import_page("ops")
    assert not at.exception
    problems = [d.value for d in at.dataframe if "Tertulis" in d.value.columns]
    written = [v for frame in problems for v in frame["Tertulis"]]
    assert "2010-01-01" not in written and "••••••••••" in written  # the age warning's date
    assert "352702150591008" not in written  # the NIK of the rejected row, masked
    (make,) = offered
    rows = _workbook_rows(make())
    header, rejected = rows[0], rows[1]
    assert header[-2] == FORMULA  # text, not a formula
    text = " ".join(str(c) for c in rejected)
    assert "Hendra Wijaya" in text  # an operator sees names...
    for secret in ("352702150591008", "081231000008", "1991-05-15"):  # ...not personal data
        assert secret not in text
    (entry,) = [e for e in audit.read(folder) if e["peristiwa"] == audit.UNDUH]
    assert (entry["pengguna"], entry["berkas"]) == ("ops", "kpps torjun-ditolak.xlsx")
    # The file refused once the account may no longer import.
    access.set_active(folder, "ops", False)
    with pytest.raises(signin.DownloadRefused):
        make()


def test_the_rejects_workbook_keeps_a_formula_header_as_text(tmp_path: Path) -> None:
    from kesiapan.importer import core as importer
    from kesiapan.importer import uploads as import_uploads

    data = tmp_path / "data"
    shutil.copytree(BASE, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    path = tmp_path / "kpps.csv"
    path.write_text(ROSTER, encoding="utf-8")
    preview = importer.prepare(data, [import_uploads.Upload(path, path.name)])
    try:
        book = openpyxl.load_workbook(io.BytesIO(preview.rejects_xlsx(0)))
        cell = book.worksheets[0].cell(row=1, column=10)  # baris, eight columns, then it
        assert cell.value == FORMULA and cell.data_type == "s"
    finally:
        preview.close()
