"""Hostile uploads: file names that try to leave the dataset folder or act on a page, and files
made to cost far more than their size (too large, zip bombs, NUL bytes, endless lines, 10 000
columns). Each is refused, or read, with an Indonesian message naming the file (and the row or
column where one applies); nothing lands outside the dataset folder and the temporary folder;
a refused file changes nothing. The corpus (cases.toml) covers the honest mistakes; this file
covers what is left.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.contract import labels
from kesiapan.importer import core as importer
from kesiapan.importer import upload_reader
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.ui import import_screen
from tests.conftest import ROOT, signed_in
from tests.importer.conftest import ROSTER, cli, tree

PASSWORD = "sandi-rahasia-2024"
BAD_ROW = "352702150591000,Salah Ketik,L,1991-05-15,,3527022001002,KPPS 3,2024-01-10\n"
# A warning (the NIK's birth date is 01-01-90), so that the preview names the file.
WARN_ROW = "3527020101900011,Uji Beda,L,1991-05-15,,3527022001002,KPPS 4,2024-01-10\n"
HEADER = ROSTER.splitlines()[0].split(",")
ROW = ROSTER.splitlines()[1].split(",")

# Names a browser (or a hand-made request) may send with an upload.
NAMES = {
    "naik-folder": "../../etc/passwd.csv",
    "naik-folder-windows": "..\\..\\kpps.csv",
    "mutlak": "/abs/kpps.csv",
    "nul": "kpps.csv\x00.exe",
    "300-karakter": "k" * 296 + ".csv",
    "spasi": "kpps .csv",
    "baris-baru": "kpps\nbaris dua.csv",
    "html": "<script>.csv",
    "rtl": "kpps\u202egsv.csv",
}
# Names whose suffix itself is hostile: the stored original is named `<sha256>.<kind read from
# the content>`, never with the name's suffix.
SUFFIX_NAMES = {
    "akhiran-300": "kpps." + "x" * 300,
    "akhiran-nul": "kpps.c\x00sv",
    "akhiran-baris-baru": "kpps.csv\n",
}
ORIGINAL = re.compile(r"originals/[0-9a-f]{64}(\.[a-z0-9]{1,10})?")


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def sandbox(tmp_path: Path, base: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path holding the dataset (data/), the file to upload (unggah/) and the temporary
    folder every mkdtemp of the import uses (tmp/): the whole world of one import."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "unggah").mkdir(exist_ok=True)
    return tmp_path


def _import_as(sandbox: Path, name: str, content: str, drop: bool) -> dict[str, object]:
    """Prepare and commit `content` uploaded under `name`; assert nothing lands outside data/
    and that every message names the file exactly as it came; the history record's entry."""
    upload = sandbox / "unggah" / "isi.csv"
    upload.write_text(content, encoding="utf-8")
    base = sandbox / "data"
    parent_before = sorted(p.name for p in sandbox.parent.iterdir())
    before = _listing(sandbox)
    preview = importer.prepare(base, [import_uploads.Upload(upload, name)])
    try:
        assert [f.name for f in preview.files] == [name]
        ours = [p for p in preview.errors + preview.warnings if p.berkas not in tree(base)]
        assert ours and all(p.berkas == name for p in ours)
        assert all(str(p).startswith(name) for p in ours)  # as typed, nothing escaped
        import_writing.commit(preview, drop_errors=drop, who="Uji")
    finally:
        preview.close()
    new = _listing(sandbox) - before
    assert {p.split("/")[0] for p in new} == {"data"}, new
    assert not list((sandbox / "tmp").iterdir())
    assert sorted(p.name for p in sandbox.parent.iterdir()) == parent_before
    assert not Path("/abs").exists()
    (entry,) = versions.history(base)[-1]["berkas"]
    assert entry["nama"] == name
    sha = hashlib.sha256(upload.read_bytes()).hexdigest()
    assert entry["sha256"] == sha
    assert ORIGINAL.fullmatch(entry["asli"]), entry["asli"]
    assert entry["asli"].startswith(f"originals/{sha}")
    assert (base / entry["asli"]).read_bytes() == upload.read_bytes()
    return entry


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_a_hostile_file_name_is_only_a_name(name: str, sandbox: Path) -> None:
    entry = _import_as(sandbox, name, ROSTER + WARN_ROW, drop=False)
    assert entry["tolakan"] is None


@pytest.mark.parametrize("name", list(SUFFIX_NAMES.values()), ids=list(SUFFIX_NAMES))
def test_a_hostile_suffix_is_not_written_into_a_file_name(name: str, sandbox: Path) -> None:
    _import_as(sandbox, name, ROSTER + WARN_ROW, drop=False)


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_rejected_rows_of_a_hostile_name_stay_in_rejects(name: str, sandbox: Path) -> None:
    entry = _import_as(sandbox, name, ROSTER + BAD_ROW, drop=True)
    rejects = str(entry["tolakan"])
    assert re.fullmatch(r"rejects/0002-[\w.-]+-ditolak\.xlsx", rejects, re.ASCII), rejects
    assert (sandbox / "data" / rejects).is_file()


class _Uploaded:
    """What st.file_uploader hands over, as far as import_screen._to_disk looks at it."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_uploads_are_written_only_into_their_own_temporary_folder(sandbox: Path) -> None:
    names = [*NAMES.values(), *SUFFIX_NAMES.values(), "", "..", "."]
    files = [_Uploaded(name, f"isi {i}".encode()) for i, name in enumerate(names)]
    before = _listing(sandbox)
    folder, uploads = import_screen._to_disk(files)
    try:
        assert folder.parent == sandbox / "tmp"
        assert _listing(sandbox) - before == {
            str(p.relative_to(sandbox)) for p in [folder, *folder.iterdir()]
        }
        assert len(list(folder.iterdir())) == len(names)
        for upload, file in zip(uploads, files, strict=True):
            assert upload.name == file.name  # the name people see stays the one they sent
            assert upload.path.parent == folder
            assert len(upload.path.name.encode()) <= 255
            assert upload.path.read_bytes() == file.getvalue()
    finally:
        shutil.rmtree(folder)


# -- the page shows such a name as typed ------------------------------------------------------
MARKDOWN_NAME = "**tebal** [klik](javascript:alert(1)) <img src=x onerror=alert(1)> :red[x].csv"


@pytest.fixture
def import_page(sandbox: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], AppTest]:
    folder = sandbox / "akses"
    access.add(folder, "admin", peran="admin", wilayah=[], nama="Admin", password=PASSWORD)
    monkeypatch.setenv("KESIAPAN_DATA", str(sandbox / "data"))
    monkeypatch.setenv(access.AKSES_ENV, str(folder))

    def start() -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / "impor.py"), default_timeout=90)
        signed_in(at.session_state, "admin", folder)
        return at.run()

    return start


def _markdown_texts(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown: text elements and widget labels."""
    texts = [
        e.value
        for kind in ("markdown", "caption", "error", "info", "warning", "success", "subheader")
        for e in at.get(kind)
    ]
    texts += [e.label for e in at.expander]
    texts += [e.label for e in [*at.selectbox, *at.checkbox, *at.button]]
    texts += [e.proto.label for e in at.get("download_button")]
    return texts


def _unescaped(text: str) -> bool:
    """Whether Markdown would act on part of the name: the name as sent, or a tag, a link or
    bold that no backslash disarms."""
    hostile = r"(?<!\\)(<img|\]\(javascript|\*\*tebal|:red\[)"
    return MARKDOWN_NAME in text or bool(re.search(hostile, text))


def test_the_import_page_shows_a_hostile_file_name_as_typed(import_page, sandbox: Path) -> None:
    at = import_page()
    assert not at.exception
    at.file_uploader[0].set_value((MARKDOWN_NAME, (ROSTER + BAD_ROW).encode(), "text/csv"))
    at.run()
    assert not at.exception
    shown = labels.polos(MARKDOWN_NAME)
    assert f"**{shown}** → KPPS" in [e.value for e in at.markdown]
    assert [e.label for e in at.expander] == ["Kolom dan contoh baris"]
    (download,) = at.get("download_button")
    assert download.proto.label == f"Unduh 1 baris yang ditolak dari {shown} (Excel)"
    assert not [t for t in _markdown_texts(at) if _unescaped(t)]

    at.checkbox(key="impor_buang").check().run()
    at.button(key="impor_simpan").click().run()
    assert not at.exception
    assert versions.history(sandbox / "data")[-1]["berkas"][0]["nama"] == MARKDOWN_NAME
    entries = [m.value for m in at.markdown if m.value.startswith("**Versi 0002")]
    assert len(entries) == 1 and labels.polos(MARKDOWN_NAME) in entries[0]
    assert not [t for t in _markdown_texts(at) if _unescaped(t)]


# -- files made to cost more than their size --------------------------------------------------
def _refused(base: Path, path: Path, name: str | None = None) -> list[str]:
    """The errors of a file that must not be stored: prepare says why, commit refuses, and the
    dataset folder is byte for byte what it was."""
    before = tree(base)
    preview = importer.prepare(base, [import_uploads.Upload(path, name or path.name)])
    try:
        assert preview.refusal(drop_errors=False)
        with pytest.raises(importer.ImportRefused):
            import_writing.commit(preview, drop_errors=False, who="Uji")
        return [f"galat: {p}" for p in preview.errors]
    finally:
        preview.close()
        assert tree(base) == before


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet_xml(parts: Iterator[bytes]) -> bytes:
    """A workbook whose first sheet's XML is `parts` (written compressed, as Excel does); the
    rest (styles with a bold font as style 1, workbook, relations) from openpyxl."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"].font = Font(bold=True)
    template = io.BytesIO()
    workbook.save(template)
    source = zipfile.ZipFile(template)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                member = zipfile.ZipInfo(info.filename)
                member.compress_type = zipfile.ZIP_DEFLATED
                with out.open(member, "w", force_zip64=True) as handle:
                    for part in parts:
                        handle.write(part)
            else:
                out.writestr(info, source.read(info.filename))
    return buffer.getvalue()


def _cells(values: list[str], row: int) -> str:
    return "".join(
        f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )


SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
    b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def test_a_file_over_the_upload_limit_is_refused_unread(
    base: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(upload_reader.MAX_UPLOAD_ENV, "1")
    rows = ROSTER + "".join(
        f"35270215059{n:05d},Anggota {n},L,1991-05-15,,3527022001002,anggota,\n"
        for n in range(20_000)
    )
    path = write("kpps_besar.csv", rows)
    assert 1.2 * upload_reader.MB < path.stat().st_size < 2 * upload_reader.MB
    size = f"{path.stat().st_size / upload_reader.MB:.1f}".replace(".", ",")
    assert _refused(base, path) == [
        f"galat: kpps_besar.csv: berkas terlalu besar: {size} MB, batasnya 1,0 MB (setelan "
        "KESIAPAN_MAKS_UNGGAH_MB atau server.maxUploadSize); pecah berkasnya, mis. per kecamatan"
    ]


def test_the_limit_is_streamlits_upload_limit_unless_set(monkeypatch) -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    monkeypatch.delenv(upload_reader.MAX_UPLOAD_ENV, raising=False)
    assert upload_reader.upload_limit_mb() == config["server"]["maxUploadSize"]
    monkeypatch.setenv(upload_reader.MAX_UPLOAD_ENV, "dua ratus")
    with pytest.raises(upload_reader.ReadError, match="KESIAPAN_MAKS_UNGGAH_MB='dua ratus'"):
        upload_reader.upload_limit_mb()


def test_the_command_line_import_has_the_same_limit(base: Path, write) -> None:
    import os

    path = write("kpps_besar.csv", ROSTER + BAD_ROW * 30_000)
    result = cli(
        "import", "--data", str(base), str(path), env={**os.environ, "KESIAPAN_MAKS_UNGGAH_MB": "1"}
    )
    assert result.returncode == 1
    assert "kpps_besar.csv: berkas terlalu besar: " in result.stderr
    assert "Traceback" not in result.stderr
    assert not (base / "versions").exists()


def test_random_bytes_named_xlsx_are_refused(base: Path, write) -> None:
    import random

    path = write("kpps.xlsx", random.Random(5).randbytes(50_000))
    assert _refused(base, path) == [
        "galat: kpps.xlsx: jenis berkas tidak dikenal: unggah CSV, Excel (.xlsx) atau Parquet"
    ]


@pytest.mark.parametrize("cut", ["zip", "sheet"])
def test_a_truncated_workbook_is_refused(cut: str, base: Path, write) -> None:
    if cut == "zip":  # the download broke off: no zip directory at the end
        whole = _xlsx([HEADER, *[ROW] * 500])
        content = whole[: len(whole) // 2]
    else:  # a sound zip whose sheet stops in the middle of row 4000
        rows = "".join(f'<row r="{r}">{_cells(ROW, r)}</row>' for r in range(2, 5000))
        content = _with_sheet_xml(
            iter(
                [SHEET_START, f'<row r="1">{_cells(HEADER, 1)}</row>'.encode(), rows[:-30].encode()]
            )
        )
    path = write("kpps_terpotong.xlsx", content)
    assert _refused(base, path) == [
        "galat: kpps_terpotong.xlsx: berkas tidak dapat dibuka sebagai Excel (.xlsx): isinya "
        "rusak atau bukan berkas Excel"
    ]


def test_a_zip_bomb_is_refused_before_its_sheet_is_parsed(
    base: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """400 KB that unpack to 400 MB of sheet: refused from the zip directory alone (parsing it
    takes openpyxl seconds and over a gigabyte of memory)."""
    mb = b" " * upload_reader.MB
    content = _with_sheet_xml(
        iter(
            [SHEET_START, f'<row r="1">{_cells(HEADER, 1)}</row>'.encode(), *[mb] * 400, SHEET_END]
        )
    )
    assert len(content) < upload_reader.MB
    path = write("kpps_bom.xlsx", content)

    def parsed(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened the zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", parsed)
    (message,) = _refused(base, path)
    assert re.fullmatch(
        r"galat: kpps_bom\.xlsx: berkas Excel ini tidak wajar: bagian xl/worksheets/sheet1\.xml "
        r"membesar dari 0,[0-9] MB menjadi 400,0 MB saat dibuka \(lebih dari 100 kali\); berkas "
        r"seperti ini tidak dibaca\. Simpan ulang dari Excel atau unggah sebagai CSV",
        message,
    ), message


def test_a_workbook_over_the_unpacked_limit_is_refused(
    base: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An honest workbook (ratio well under 100) that unpacks beyond the set limit."""
    monkeypatch.setenv(upload_reader.MAX_UNZIPPED_ENV, "1")
    rows = [[f"35270215059{n:05d}", f"Anggota {n}", *ROW[2:]] for n in range(8000)]
    path = write("kpps_lebar.xlsx", _xlsx([HEADER, *rows]))
    (message,) = _refused(base, path)
    assert re.fullmatch(
        r"galat: kpps_lebar\.xlsx: isi berkas Excel ini [0-9],[0-9] MB setelah dibuka, batasnya "
        r"1,0 MB \(setelan KESIAPAN_MAKS_TERURAI_MB\); pecah berkasnya atau unggah sebagai CSV",
        message,
    ), message


def test_a_parquet_file_over_the_unpacked_limit_is_refused(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    monkeypatch.setenv(upload_reader.MAX_UNZIPPED_ENV, "1")
    path = tmp_path / "kpps.parquet"
    duckdb.execute(
        "copy (select lpad(i::varchar, 16, '3') as nik, repeat('x', 200) || i as nama "
        "from range(20000) as t(i)) to $p (format parquet)",
        {"p": str(path)},
    )
    (message,) = _refused(base, path)
    assert message.startswith("galat: kpps.parquet: isi berkas Parquet ini ")
    assert message.endswith("batasnya 1,0 MB (setelan KESIAPAN_MAKS_TERURAI_MB); pecah berkasnya")


def test_a_million_formatted_empty_rows_are_read_through(base: Path, write) -> None:
    """Excel keeps formatted empty rows; a million of them, then a member with a short NIK on
    row 1 000 003: read to the end (bounded: rows are streamed) and the row is named."""

    def sheet() -> Iterator[bytes]:
        yield SHEET_START
        yield f'<row r="1">{_cells(HEADER, 1)}</row>'.encode()
        for start in range(2, 1_000_002, 10_000):
            rows = range(start, min(start + 10_000, 1_000_002))
            yield "".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>' for r in rows).encode()
        last = 1_000_003
        yield f'<row r="{last}">{_cells(["352702150591000", *ROW[1:]], last)}</row>'.encode()
        yield SHEET_END

    path = write("kpps_baris_kosong.xlsx", _with_sheet_xml(sheet()))
    assert _refused(base, path) == [
        "galat: kpps_baris_kosong.xlsx, baris 1000003, kolom nik: NIK harus 16 digit angka "
        '(tertulis "352702150591000")'
    ]


@pytest.mark.parametrize("where", ["awal", "akhir"])
def test_a_nul_byte_in_a_csv_is_refused_naming_its_line(where: str, base: Path, write) -> None:
    """Early (in the part read to find the header) or past the first 256 KB."""
    filler = "" if where == "awal" else ROSTER.split("\n", 1)[1] * 2000
    text = (
        ROSTER.splitlines()[0]
        + "\n"
        + filler
        + ROSTER.splitlines()[1].replace("Hendra", "Hen\0dra")
    )
    line = 2 + filler.count("\n")
    path = write("kpps_nul.csv", text + "\n")
    assert _refused(base, path) == [
        f"galat: kpps_nul.csv: baris {line} memuat karakter NUL (byte 0): berkas ini rusak atau "
        "bukan teks biasa; buka di Excel lalu simpan lagi sebagai CSV UTF-8"
    ]


def test_invalid_utf8_is_read_as_windows_1252_and_named(base: Path, write) -> None:
    """Bytes that are no UTF-8 (a NIK with \\xff\\xfe, a name with \\xe9) are read as Excel on
    Windows writes them; the value that then fails a check is named with its row and column."""
    content = (
        ROSTER.encode()
        + b"35270215\xff\xfe910009,Ren\xe9 Wijaya,L,1991-05-15,,3527022001002,KPPS 4,2024-01-10\n"
    )
    path = write("kpps_bukan_utf8.csv", content)
    assert _refused(base, path) == [
        "galat: kpps_bukan_utf8.csv, baris 4, kolom nik: NIK harus 16 digit angka "
        '(tertulis "35270215ÿþ910009")'
    ]
    preview = importer.prepare(base, [import_uploads.Upload(path, path.name)])
    try:
        assert preview.files[0].description == "CSV, koma, Windows-1252"
    finally:
        preview.close()


@pytest.mark.parametrize("shape", ["baris-kedua", "satu-baris-saja"])
def test_a_5_mb_line_is_refused_naming_it(shape: str, base: Path, write) -> None:
    if shape == "baris-kedua":
        text, line = ROSTER.splitlines()[0] + "\n" + "3" * 5_000_000 + "\n", 2
    else:
        text, line = "nik,nama," + "x" * 5_000_000, 1
    path = write("kpps_panjang.csv", text)
    assert _refused(base, path) == [
        f"galat: kpps_panjang.csv: baris {line} lebih panjang dari 1024 KB: bukan baris tabel "
        "(pemisah barisnya hilang, atau berkas ini bukan CSV)"
    ]


def test_a_header_over_the_csv_modules_limit_is_named(base: Path, write) -> None:
    """200 KB in one cell of the first line: under the line limit, over the csv module's."""
    path = write("kpps_judul_panjang.csv", "nik," + "y" * 200_000 + "\n" + ROSTER)
    assert _refused(base, path) == [
        "galat: kpps_judul_panjang.csv: baris 1 memuat satu nilai yang lebih panjang dari 128 KB "
        "(atau tanda kutip yang tidak ditutup): bukan baris judul tabel"
    ]


def test_a_value_over_the_csv_modules_limit_is_read(base: Path, write, prepared) -> None:
    """200 KB in one cell of a row near the top: the header was found above it; DuckDB reads it
    and the checks judge it (here an impossible NIK)."""
    path = write("kpps_nilai_panjang.csv", ROSTER + BAD_ROW.replace("Salah Ketik", "y" * 200_000))
    preview = prepared(base, path)
    assert preview.files[0].rows_read == 3
    assert [str(p) for p in preview.errors] == [
        "kpps_nilai_panjang.csv, baris 4, kolom nik: NIK harus 16 digit angka (tertulis "
        '"352702150591000")'
    ]


def test_a_long_quoted_value_over_many_lines_is_read(base: Path, write, prepared) -> None:
    """A finding written as a letter: 3 MB over 30 lines in one quoted value is one record
    (DuckDB's default limit of 2 MB per record would stop the whole import)."""
    letter = "\n".join(["y" * 100_000] * 30)
    row = ROSTER.splitlines()[2].replace("Dewi Lestari", f'"{letter}"')
    row = row.replace("3527026208930008", "3527026208930018")  # another member, not a copy
    preview = prepared(base, write("kpps_surat.csv", ROSTER + row + "\n"))
    assert preview.files[0].rows_read == 3
    assert [str(p) for p in preview.errors] == []


def test_a_record_past_the_limit_deep_in_the_file_is_named(
    base: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_reader, "MAX_RECORD_BYTES", 2 * upload_reader.MB)
    letter = "\n".join(["y" * 100_000] * 30)
    row = ROSTER.splitlines()[2].replace("Dewi Lestari", f'"{letter}"')
    path = write("kpps_surat.csv", ROSTER + row + "\n")
    assert _refused(base, path) == [
        "galat: kpps_surat.csv: berkas tidak dapat dibaca sampai habis: isinya rusak atau ada "
        "nilai yang terlalu panjang di bagian bawahnya"
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_ten_thousand_columns_are_refused_naming_the_row(kind: str, base: Path, write) -> None:
    header = [*HEADER, *(f"kolom{i}" for i in range(10_000))]
    if kind == "csv":
        path = write("kpps_lebar.csv", ",".join(header) + "\n" + ",".join(ROW) + "\n")
    else:
        path = write("kpps_lebar.xlsx", _xlsx([header, ROW]))
    assert _refused(base, path) == [
        f"galat: kpps_lebar.{kind}: baris 1 punya {len(header)} kolom terisi; paling banyak 500 "
        "kolom yang dapat dibaca: hapus kolom yang tidak diperlukan"
    ]


def test_empty_trailing_columns_do_not_count(base: Path, write, prepared) -> None:
    """Excel's CSV of a sheet once formatted far to the right: 10 000 empty columns."""
    path = write(
        "kpps_koma.csv", "".join(line + "," * 10_000 + "\n" for line in ROSTER.splitlines())
    )
    preview = prepared(base, path)
    assert (preview.files[0].rows_read, [str(p) for p in preview.errors]) == (2, [])


def test_a_rejected_row_with_control_characters_still_writes_its_workbook(
    sandbox: Path,
) -> None:
    """A name with a control character (\\x01, which openpyxl refuses) in a rejected row: the
    rejects workbook is still written, the character shown as U+FFFD, a formula kept as text."""
    bad = BAD_ROW.replace("Salah Ketik", "Salah\x01Ketik").replace("KPPS 3", "=1+1")
    upload = sandbox / "unggah" / "kpps.csv"
    upload.write_text(ROSTER + bad, encoding="utf-8")
    preview = importer.prepare(sandbox / "data", [import_uploads.Upload(upload, "kpps.csv")])
    try:
        assert preview.rejected_rows == 1
        book = openpyxl.load_workbook(io.BytesIO(preview.rejects_xlsx(0)))
        values = [c for row in book.active.iter_rows(values_only=True) for c in row]
        assert "Salah\ufffdKetik" in values
        cells = [c for row in book.active.iter_rows() for c in row if c.value == "=1+1"]
        assert cells and all(c.data_type == "s" for c in cells)
    finally:
        preview.close()
