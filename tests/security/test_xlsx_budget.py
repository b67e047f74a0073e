"""Issue 12 item 12: a workbook whose shared-strings table would cost minutes and hundreds of MB
to open is refused early, with a clear message, before openpyxl expands it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.store import xlsx_budget
from kesiapan.store.dataset import Dataset
from tests.conftest import ROOT
from tests.importer.conftest import BASE

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="appl'
        'ication/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override Par'
        'tName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedo'
        'cument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" Conten'
        'tType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/'
        "></Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="h'
        'ttp://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Tar'
        'get="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schem'
        'as.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships"><sheets><sheet name="KPPS" sheetId="1" r:id="rI'
        'd1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="h'
        'ttp://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
        'worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.or'
        'g/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relat'
        "ionships>"
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://sche'
        'mas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s">'
        '<v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>'
    ),
}


def _workbook(path: Path, strings: int, text: str = "s") -> Path:
    """A valid workbook of one tiny sheet whose shared-strings table holds `strings` entries
    (as the red team's did: a file well within the upload limit)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        head = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas'
            f'.openxmlformats.org/spreadsheetml/2006/main" count="{strings}" uniqueCount="2">'
        )  # the declared count lies: only the entries are counted
        body = "".join(f"<si><t>{text}{i}</t></si>" for i in range(strings))
        archive.writestr("xl/sharedStrings.xml", head + body + "</sst>")
    return path


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a workbook over the budget")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_an_upload_is_refused_before_openpyxl_reads_its_texts(
    tmp_path: Path, no_openpyxl: None
) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data, ignore=shutil.ignore_patterns(".kesiapan-*"))
    upload = _workbook(tmp_path / "kpps.xlsx", 400_000)
    assert upload.stat().st_size < 2 << 20  # far below any upload limit
    preview = importer.prepare(data, [import_uploads.Upload(upload, upload.name)])
    try:
        (problem,) = preview.files[0].fatal
        assert problem.pesan == (
            # 400 000 entries of 15 characters and their number: 8 288 890 bytes and a header.
            "berkas Excel ini memuat lebih dari 300.000 teks berbeda (tabel teks bersama sebesar "
            "8 MB setelah dibuka); membacanya akan memakan waktu dan memori jauh di atas batas "
            "(setelan KESIAPAN_XLSX_MAKS_TEKS dan KESIAPAN_XLSX_MEMORI_MB), jadi berkas ini tidak "
            "dibaca. Pecah berkasnya, mis. per kecamatan, atau simpan sebagai CSV UTF-8"
        )
    finally:
        preview.close()


def test_a_dataset_file_over_the_budget_is_a_problem_not_a_wait(
    tmp_path: Path, no_openpyxl: None
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", data)
    (data / "supervisi.csv").unlink()
    _workbook(data / "supervisi.xlsx", 400_000)
    problems = [
        p for p in Dataset.open(data, precomputed=False).errors if p.berkas == "supervisi.xlsx"
    ]
    assert [p.pesan[:70] for p in problems] == [
        "berkas tidak dapat dibaca: berkas Excel ini memuat lebih dari 300.000 "
    ]


def test_the_budget_is_configurable_and_counts_memory_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _workbook(tmp_path / "kecil.xlsx", 2_000)
    assert xlsx_budget.refusal(small) is None
    monkeypatch.setenv(xlsx_budget.MAX_STRINGS_ENV, "1000")
    assert "lebih dari 1.000 teks berbeda" in (xlsx_budget.refusal(small) or "")
    monkeypatch.delenv(xlsx_budget.MAX_STRINGS_ENV)
    long_texts = _workbook(tmp_path / "panjang.xlsx", 2_000, text="x" * 1_000)
    monkeypatch.setenv(xlsx_budget.MAX_MEMORY_ENV, "1")
    assert "butuh lebih dari 1 MB memori" in (xlsx_budget.refusal(long_texts) or "")
    monkeypatch.setenv(xlsx_budget.MAX_MEMORY_ENV, "banyak")
    with pytest.raises(ValueError, match="KESIAPAN_XLSX_MEMORI_MB='banyak' tidak sah"):
        xlsx_budget.refusal(long_texts)


def test_an_ordinary_workbook_still_reads(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kode_sesi", "nik", "hadir"])
    for i in range(500):
        sheet.append([f"BT-{i}", f"35270212038{i:05d}", "ya"])
    path = tmp_path / "hadir.xlsx"
    book.save(path)
    assert xlsx_budget.refusal(path) is None
