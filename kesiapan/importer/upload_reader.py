"""Reading an uploaded file the way people make them, as text, into DuckDB.

CSV (comma, semicolon, tab or bar; UTF-8 with or without BOM, UTF-16 from Excel's "Unicode
text", Windows-1252), XLSX (any sheet; cells as Excel stores them) or Parquet; title rows above
the header, blank rows anywhere, trailing empty columns. Every row keeps its number in the
original file, the number a spreadsheet shows, blank rows and title rows included.

A CSV is read by DuckDB, never whole into Python: one streaming pass turns it into UTF-8 and
marks blank lines (DuckDB skips those, which would shift every later row number), then
`read_csv` reads it single-threaded, keeping record order.

Limits, checked before anything is parsed, so that a hostile or broken file costs little: the
file's size (`KESIAPAN_MAKS_UNGGAH_MB`, by default Streamlit's `server.maxUploadSize`, which the
page's uploader enforces too; the command line has only this one), the unpacked size of a
workbook and of each of its parts (a zip bomb), NUL bytes and endless lines in a text file,
and the number of filled columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import threading
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import duckdb

from kesiapan import paths
from kesiapan.contract import sql
from kesiapan.store import dataset as store
from kesiapan.store import xlsx_budget

PEEK_ROWS = 30  # rows searched for the header (title rows, logos, blank lines above it)
PEEK_BYTES = 1 << 18
# Blank rows after which looking for the header stops: a sheet may carry a million formatted but
# empty rows, and each costs openpyxl as much as a filled one.
PEEK_BLANK_ROWS = 1000
CHUNK_BYTES = 1 << 22
XLSX_BATCH = 20_000
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "koma", ";": "titik koma", "\t": "tab", "|": "garis tegak"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and password-protected workbooks
_PARQUET = b"PAR1"
_BLANK_LINE = re.compile(r"^(?=\r?\n)", re.MULTILINE)
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_fallback_used = threading.local()

Progress = Callable[[float, str], None]

MB = 1 << 20  # Streamlit's server.maxUploadSize counts megabytes of 2**20 bytes
MAX_UPLOAD_ENV = "KESIAPAN_MAKS_UNGGAH_MB"
MAX_UNZIPPED_ENV = "KESIAPAN_MAKS_TERURAI_MB"
STREAMLIT_CONFIG = paths.STREAMLIT_CONFIG
DEFAULT_UPLOAD_MB = 200  # Streamlit's own default for server.maxUploadSize
# A workbook's parts unpacked together; a sheet of Excel's 1 048 576 rows is well below this.
DEFAULT_UNZIPPED_MB = 2048
# Unpacked ÷ packed size of one part of a workbook: real sheets stay below about 25 (repeated
# rows, inline strings); a zip bomb is in the hundreds or thousands. Small parts are not judged.
MAX_ZIP_RATIO = 100
ZIP_RATIO_FROM = MB
MAX_LINE_BYTES = MB  # one line of a CSV; a roster row is a few hundred bytes
# One record for DuckDB: a quoted value may run over many lines (a finding written as a letter).
MAX_RECORD_BYTES = 64 * MB
MAX_COLUMNS = 500  # filled columns in a row; the widest contract table has 11
_BINARY_SHARE = 0.05  # control characters (besides tab and line breaks) in a file of text


class ReadError(Exception):
    """A file that cannot be read at all; the message is for people (Indonesian)."""


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as Windows-1252 (what Excel writes on Windows)."""
    assert isinstance(error, UnicodeDecodeError)
    _fallback_used.count = getattr(_fallback_used, "count", 0) + 1
    bad = error.object[error.start : error.end]
    text = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad)
    return text, error.end


codecs.register_error("kesiapan-cp1252", _cp1252_fallback)


@dataclass
class Source:
    """An uploaded file: what it really is (whatever its name says) and how to read it."""

    path: Path
    name: str
    kind: str  # "csv", "xlsx" or "parquet"
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """'CSV, titik koma, UTF-8' for the preview."""
        if self.kind == "csv":
            return f"CSV, {DELIMITER_NAMES[self.delimiter or ',']}, {self.encoding}"
        return "Excel (.xlsx)" if self.kind == "xlsx" else "Parquet"


def open_source(path: Path, name: str) -> Source:
    """Recognise the file by its content: a .csv that is really a workbook is read as one.
    Raises ReadError for a file that is too large, unreadable, or that would cost far more to
    read than its size says (see the module's limits)."""
    _check_size(path)
    with path.open("rb") as handle:
        head = handle.read(PEEK_BYTES)
    if not head.strip():
        raise ReadError("berkas kosong: tidak ada isi yang dapat dibaca")
    suffix = Path(name).suffix.lower()
    if head.startswith(_OLE):
        raise ReadError(
            "berkas Excel lama (.xls) atau berkas yang dikunci kata sandi tidak dapat dibaca; "
            "buka di Excel lalu simpan sebagai Excel Workbook (.xlsx) tanpa kata sandi"
        )
    if head.startswith(_ZIP):
        _check_unzipped(path)
        source = Source(path, name, "xlsx", sheets=tuple(_sheet_names(path)))
        if suffix != ".xlsx":
            source.notes.append(
                f"berkas bernama {suffix or 'tanpa akhiran'} tetapi isinya Excel "
                "(.xlsx); dibaca sebagai Excel"
            )
        return source
    if head.startswith(_PARQUET):
        _check_parquet(path)
        return Source(path, name, "parquet")
    encoding, text = _decode_head(head)
    if "\x00" in text:
        controls = sum(1 for c in text if c < " " and c not in "\t\r\n")
        if controls > _BINARY_SHARE * len(text):
            raise ReadError("jenis berkas tidak dikenal: unggah CSV, Excel (.xlsx) atau Parquet")
        _refuse_nul(text.count("\n", 0, text.index("\x00")) + 1)
    _check_lines(path, utf16=encoding == "UTF-16")
    source = Source(path, name, "csv", encoding=encoding, delimiter=_delimiter(text))
    if suffix in (".xlsx", ".xls"):
        source.notes.append(f"berkas bernama {suffix} tetapi isinya teks (CSV); dibaca sebagai CSV")
    return source


def _megabytes(env: str, default: float) -> float:
    value = os.environ.get(env, "").strip()
    if not value:
        return default
    try:
        limit = float(value)
    except ValueError:
        limit = -1.0
    if limit <= 0:
        raise ReadError(f"setelan {env}={value!r} tidak sah: tulis jumlah megabita, mis. 200")
    return limit


def upload_limit_mb() -> float:
    """The largest file read, in MB: `KESIAPAN_MAKS_UNGGAH_MB`, else the uploader's own limit
    (`server.maxUploadSize` in .streamlit/config.toml), else Streamlit's default."""
    default: float = DEFAULT_UPLOAD_MB
    try:
        config = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
        default = float(config.get("server", {}).get("maxUploadSize", default))
    except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError):
        pass
    return _megabytes(MAX_UPLOAD_ENV, default)


def _mb_text(size: float) -> str:
    return f"{size / MB:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".") + " MB"


def _check_size(path: Path) -> None:
    limit = upload_limit_mb()
    size = path.stat().st_size
    if size > limit * MB:
        raise ReadError(
            f"berkas terlalu besar: {_mb_text(size)}, batasnya {_mb_text(limit * MB)} (setelan "
            f"{MAX_UPLOAD_ENV} atau server.maxUploadSize); pecah berkasnya, mis. per kecamatan"
        )


def _check_unzipped(path: Path) -> None:
    """Refuse a workbook whose parts unpack to far more than any sheet needs (a zip bomb),
    from the sizes its directory declares (Python's zipfile never unpacks beyond them)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(
            "berkas tidak dapat dibuka sebagai Excel (.xlsx): isinya rusak atau bukan berkas Excel"
        ) from exc
    limit = _megabytes(MAX_UNZIPPED_ENV, DEFAULT_UNZIPPED_MB) * MB
    total = sum(part.file_size for part in parts)
    if total > limit:
        raise ReadError(
            f"isi berkas Excel ini {_mb_text(total)} setelah dibuka, batasnya {_mb_text(limit)} "
            f"(setelan {MAX_UNZIPPED_ENV}); pecah berkasnya atau unggah sebagai CSV"
        )
    for part in parts:
        if part.file_size > ZIP_RATIO_FROM and part.file_size > MAX_ZIP_RATIO * max(
            part.compress_size, 1
        ):
            raise ReadError(
                f"berkas Excel ini tidak wajar: bagian {part.filename} membesar dari "
                f"{_mb_text(part.compress_size)} menjadi {_mb_text(part.file_size)} saat dibuka "
                f"(lebih dari {MAX_ZIP_RATIO} kali); berkas seperti ini tidak dibaca. Simpan "
                "ulang dari Excel atau unggah sebagai CSV"
            )
    try:  # issue 12: before openpyxl expands the shared-strings table
        why = xlsx_budget.refusal(path)
    except ValueError as exc:
        raise ReadError(str(exc)) from exc
    if why:
        raise ReadError(why)


def _check_parquet(path: Path) -> None:
    """The same unpacked-size limit for Parquet, from the sizes in its footer."""
    limit = _megabytes(MAX_UNZIPPED_ENV, DEFAULT_UNZIPPED_MB) * MB
    try:
        # A connection of its own: a result left on DuckDB's shared default connection would
        # block the next statement anyone runs there.
        with duckdb.connect() as con:
            (total,) = con.execute(
                "select coalesce(sum(total_uncompressed_size), 0) from parquet_metadata($p)",
                {"p": str(path)},
            ).fetchall()[0]
    except duckdb.Error as exc:
        raise ReadError("berkas Parquet ini rusak dan tidak dapat dibaca") from exc
    if total > limit:
        raise ReadError(
            f"isi berkas Parquet ini {_mb_text(total)} setelah dibuka, batasnya "
            f"{_mb_text(limit)} (setelan {MAX_UNZIPPED_ENV}); pecah berkasnya"
        )


def _refuse_nul(line: int) -> None:
    raise ReadError(
        f"baris {line} memuat karakter NUL (byte 0): berkas ini rusak atau bukan teks biasa; "
        "buka di Excel lalu simpan lagi sebagai CSV UTF-8"
    )


def _check_lines(path: Path, utf16: bool) -> None:
    """Refuse a text file with a NUL byte (UTF-16 is full of them) or a line longer than any
    row, naming the line; one pass over the bytes, before DuckDB or the csv module sees them."""
    line, current = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if not utf16 and (nul := chunk.find(b"\x00")) >= 0:
                _refuse_nul(line + chunk.count(b"\n", 0, nul))
            pieces = chunk.split(b"\n")
            if current + len(pieces[0]) > MAX_LINE_BYTES or max(map(len, pieces)) > MAX_LINE_BYTES:
                for index, piece in enumerate(pieces):
                    current = current + len(piece) if index == 0 else len(piece)
                    if current > MAX_LINE_BYTES:
                        raise ReadError(
                            f"baris {line + index} lebih panjang dari {MAX_LINE_BYTES // 1024} KB: "
                            "bukan baris tabel (pemisah barisnya hilang, atau berkas ini bukan "
                            "CSV)"
                        )
            current = current + len(pieces[0]) if len(pieces) == 1 else len(pieces[-1])
            line += len(pieces) - 1


def _check_columns(rows: list[tuple[int, list[str]]]) -> None:
    """Refuse a row with more filled columns than any table has (a header of 10 000 columns
    would make DuckDB build 10 000 of them)."""
    for number, cells in rows:
        filled = len(cells)
        while filled and not str(cells[filled - 1]).strip():
            filled -= 1
        if filled > MAX_COLUMNS:
            raise ReadError(
                f"baris {number} punya {filled} kolom terisi; paling banyak {MAX_COLUMNS} kolom "
                "yang dapat dibaca: hapus kolom yang tidak diperlukan"
            )


def _sheet_names(path: Path) -> list[str]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not usable
        raise ReadError(
            "berkas tidak dapat dibuka sebagai Excel (.xlsx): isinya rusak atau bukan berkas Excel"
        ) from exc
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _decoder(head: bytes) -> tuple[codecs.IncrementalDecoder, str, int]:
    """The decoder for a text file, its label and how many bytes of BOM to skip."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")(errors="replace"), "UTF-16", 0
    if head.startswith(codecs.BOM_UTF8):
        decoder = codecs.getincrementaldecoder("utf-8")(errors="kesiapan-cp1252")
        return decoder, "UTF-8 dengan BOM", len(codecs.BOM_UTF8)
    return codecs.getincrementaldecoder("utf-8")(errors="kesiapan-cp1252"), "UTF-8", 0


def _decode_head(head: bytes) -> tuple[str, str]:
    decoder, label, skip = _decoder(head)
    _fallback_used.count = 0
    text = decoder.decode(head[skip:])
    if _fallback_used.count:
        label = "Windows-1252"
    return label, text


def _delimiter(text: str) -> str:
    """The separator that splits the first rows into the most fields (ties: comma)."""
    lines = text.splitlines()[: PEEK_ROWS * 2]
    sample = "\n".join(lines)

    def fields(delimiter: str) -> int:
        rows = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar='"')
        count = 0
        try:
            for row in rows:
                count += max(len(row) - 1, 0)
        except csv.Error:  # a value over the csv module's limit: count the rows before it
            pass
        return count

    return max(DELIMITERS, key=lambda d: (fields(d), -DELIMITERS.index(d)))


# -- peeking: the first rows, to find the header -------------------------------------------------
def peek(source: Source, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) of the first non-blank rows."""
    if source.kind == "csv":
        rows = _peek_csv(source)
    elif source.kind == "xlsx":
        rows = _peek_xlsx(source.path, sheet)
    else:
        rows = _peek_parquet(source.path)
    _check_columns(rows)
    return rows


def _peek_csv(source: Source) -> list[tuple[int, list[str]]]:
    with source.path.open("rb") as handle:
        head = handle.read(PEEK_BYTES)
        complete = not handle.read(1)
    _, text = _decode_head(head)
    if not complete:
        text = text[: text.rfind("\n") + 1]  # the last line may be cut in the middle
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=source.delimiter or ",", quotechar='"')
    try:
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                rows.append((number, cells))
                if len(rows) >= PEEK_ROWS:
                    break
    except csv.Error as exc:
        # A value over the csv module's limit (a letter in one cell): DuckDB reads it later;
        # the header is among the rows before it, unless there are none.
        if not rows:
            limit = csv.field_size_limit() // 1024
            raise ReadError(
                f"baris {reader.line_num} memuat satu nilai yang lebih panjang dari {limit} KB "
                "(atau tanda kutip yang tidak ditutup): bukan baris judul tabel"
            ) from exc
    return rows


def _open_sheet(path: Path, sheet: str | None) -> tuple[Any, Any]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        workbook.close()
        raise ReadError(f"lembar '{sheet}' tidak ada; lembar yang ada: {', '.join(names)}")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    # Some programs write a wrong sheet size; read what the sheet really holds.
    worksheet.reset_dimensions()
    return workbook, worksheet


def _row_text(cells: tuple[object, ...]) -> list[tuple[str | None, bool]]:
    return [store.cell_text(value) for value in cells]


def _peek_xlsx(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    workbook, worksheet = _open_sheet(path, sheet)
    rows = []
    blank = 0
    try:
        for number, cells in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            texts = [text or "" for text, _ in _row_text(cells)]
            if any(t.strip() for t in texts):
                rows.append((number, texts))
                blank = 0
                if len(rows) >= PEEK_ROWS:
                    break
            else:
                blank += 1
                if blank > PEEK_BLANK_ROWS:
                    break
    finally:
        workbook.close()
    return rows


def _parquet_columns(path: Path) -> list[str]:
    with duckdb.connect() as con:
        names = con.execute("select name from parquet_schema($p)", {"p": str(path)}).fetchall()
    return [n[0] for n in names[1:]]  # the first row is the schema's root


def _peek_parquet(path: Path) -> list[tuple[int, list[str]]]:
    headers = _parquet_columns(path)
    with duckdb.connect() as con:
        first = con.execute(
            "select * from read_parquet($p) limit $n", {"p": str(path), "n": PEEK_ROWS - 1}
        ).fetchall()
    rows = [(1, headers)]
    for number, values in enumerate(first, start=2):
        rows.append((number, ["" if v is None else str(v) for v in values]))
    return rows


# -- loading: every row after the header --------------------------------------------------------
def load(
    con: duckdb.DuckDBPyConnection,
    target: str,
    source: Source,
    sheet: str | None,
    header_row: int,
    width: int,
    numeric_positions: set[int],
    work_dir: Path,
    progress: Progress,
) -> int:
    """Create `target`: `_baris` (row number in the file), `c0`… (text, `width` of them),
    `_lebih` (text beyond the header's last column: a CSV row with too many fields) and
    `_angka` (a cell at one of `numeric_positions` was an Excel number). Blank rows and the
    rows down to the header are left out. Returns the number of rows."""
    columns = [f"c{i}" for i in range(width)]
    try:
        if source.kind == "csv":
            _load_csv(con, target, source, header_row, columns, work_dir, progress)
        elif source.kind == "xlsx":
            _load_xlsx(con, target, source.path, sheet, header_row, columns, numeric_positions)
        else:
            _load_parquet(con, target, source.path, columns)
    except (duckdb.InvalidInputException, zipfile.BadZipFile, ParseError, EOFError) as exc:
        # Past the first rows `open_source` and `peek` looked at: a record longer than
        # MAX_RECORD_BYTES, a damaged part of a workbook.
        raise ReadError(
            "berkas tidak dapat dibaca sampai habis: isinya rusak atau ada nilai yang terlalu "
            "panjang di bagian bawahnya"
        ) from exc
    count = sql.compose("select count(*) from {t}", t=sql.ident(target))
    return int(con.execute(count).fetchall()[0][0])


def _not_blank(columns: list[str]) -> sql.Fragment:
    cells = sql.join(sql.compose("nullif(trim({c}), '')", c=sql.ident(c)) for c in columns)
    return sql.compose("coalesce({cells}) is not null", cells=cells)


def _load_csv(
    con: duckdb.DuckDBPyConnection,
    target: str,
    source: Source,
    header_row: int,
    columns: list[str],
    work_dir: Path,
    progress: Progress,
) -> None:
    normalised = work_dir / f"{target}.csv"
    source.encoding = normalise_csv(source.path, normalised, source.delimiter or ",", progress)
    spec = sql.join(sql.compose("{c}: 'VARCHAR'", c=sql.literal(c)) for c in [*columns, "_lebih"])
    # No sniffing: the sniffer would skip title rows and '#' lines and guess types.
    con.execute(
        sql.compose(
            "create or replace table {rows} as select * from read_csv($path, "
            "header = false, auto_detect = false, delim = $delim, quote = '\"', escape = '\"', "
            "null_padding = true, strict_mode = false, parallel = false, skip = 0, "
            "max_line_size = {size}, columns = {{{spec}}})",
            rows=sql.ident(f"{target}_baris"),
            size=MAX_RECORD_BYTES,
            spec=spec,
        ),
        {"path": str(normalised), "delim": source.delimiter or ","},
    )
    con.execute(
        sql.compose(
            "create or replace view {t} as select rowid + 1 as _baris, "
            "{cells}, nullif(trim(_lebih), '') as _lebih, false as _angka "
            "from {rows} where rowid + 1 > {header} and {not_blank}",
            t=sql.ident(target),
            cells=sql.join(sql.ident(c) for c in columns),
            rows=sql.ident(f"{target}_baris"),
            header=int(header_row),
            not_blank=_not_blank(columns),
        )
    )


def normalise_csv(source: Path, target: Path, delimiter: str, progress: Progress) -> str:
    """Write `source` as UTF-8 with every blank line made a row of empty fields (one delimiter),
    so that DuckDB keeps it and row numbers stay those of the file. Returns the encoding."""
    size = max(source.stat().st_size, 1)
    with source.open("rb") as raw:
        head = raw.read(4)
        raw.seek(0)
        decoder, label, skip = _decoder(head)
        raw.read(skip)
        _fallback_used.count = 0
        carry, in_quote, done = "", False, skip
        with target.open("w", encoding="utf-8", newline="") as out:
            while chunk := raw.read(CHUNK_BYTES):
                done += len(chunk)
                text = carry + decoder.decode(chunk)
                cut = text.rfind("\n") + 1
                part, carry = text[:cut], text[cut:]
                part, in_quote = _mark_blank_lines(part, delimiter, in_quote)
                out.write(part)
                progress(done / size, "Membaca berkas")
            tail = carry + decoder.decode(b"", final=True)
            out.write(_mark_blank_lines(tail, delimiter, in_quote)[0])
    return "Windows-1252" if _fallback_used.count else label


def _mark_blank_lines(text: str, delimiter: str, in_quote: bool) -> tuple[str, bool]:
    """`text` starts at a line start; a blank line outside quotes gets one delimiter."""
    if '"' not in text and not in_quote:
        return _BLANK_LINE.sub(delimiter, text), False
    pieces, start, quotes = [], 0, 0
    for match in _BLANK_LINE.finditer(text):
        quotes += text.count('"', start, match.start())
        pieces.append(text[start : match.start()])
        if (quotes % 2 == 1) == in_quote:  # an even number of quotes so far: outside a value
            pieces.append(delimiter)
        start = match.start()
    quotes += text.count('"', start)
    pieces.append(text[start:])
    return "".join(pieces), in_quote ^ (quotes % 2 == 1)


def _load_xlsx(
    con: duckdb.DuckDBPyConnection,
    target: str,
    path: Path,
    sheet: str | None,
    header_row: int,
    columns: list[str],
    numeric_positions: set[int],
) -> None:
    import pyarrow as pa

    width = len(columns)
    names = ["_baris", *columns, "_lebih", "_angka"]
    schema = pa.schema(
        [("_baris", pa.int64())]
        + [(c, pa.string()) for c in [*columns, "_lebih"]]
        + [("_angka", pa.bool_())]
    )
    con.execute(
        sql.compose(
            "create or replace table {t} (_baris bigint, {cells}_lebih varchar, _angka boolean)",
            t=sql.ident(target),
            cells=sql.join((sql.compose("{c} varchar, ", c=sql.ident(c)) for c in columns), ""),
        )
    )
    batch: list[list[object]] = []

    def flush() -> None:
        if not batch:
            return
        arrays = [
            pa.array([row[i] for row in batch], type=schema.field(i).type)
            for i in range(len(names))
        ]
        con.register("_xlsx_batch", pa.Table.from_arrays(arrays, schema=schema))
        con.execute(sql.compose("insert into {t} select * from _xlsx_batch", t=sql.ident(target)))
        con.unregister("_xlsx_batch")
        batch.clear()

    workbook, worksheet = _open_sheet(path, sheet)
    try:
        rows = worksheet.iter_rows(min_row=1, values_only=True)
        for number, cells in enumerate(rows, start=1):
            if number <= header_row:
                continue
            values = _row_text(cells[:width])
            texts = [text for text, _ in values]
            if not any(t is not None and t.strip() for t in texts):
                continue  # Excel keeps formatted but empty rows, often at the end of a sheet
            texts += [None] * (width - len(texts))
            numeric = any(values[p][1] for p in numeric_positions if p < len(values))
            batch.append([number, *texts, None, numeric])
            if len(batch) >= XLSX_BATCH:
                flush()
        flush()
    finally:
        workbook.close()


def _load_parquet(
    con: duckdb.DuckDBPyConnection, target: str, path: Path, columns: list[str]
) -> None:
    names = _parquet_columns(path)
    casts = sql.join(
        sql.compose(
            "cast({from_} as varchar) as {to}", from_=sql.ident("t", f"column{i}"), to=sql.ident(c)
        )
        for i, c in enumerate(columns[: len(names)])
    )
    aliases = sql.join(sql.ident(f"column{i}") for i in range(len(names)))
    con.execute(
        sql.compose(
            "create or replace table {rows} as select {casts} "
            "from read_parquet($p) as t({aliases})",
            rows=sql.ident(f"{target}_baris"),
            casts=casts,
            aliases=aliases,
        ),
        {"p": str(path)},
    )
    # Row 1 is the header in a spreadsheet's terms, so the first record is row 2.
    con.execute(
        sql.compose(
            "create or replace view {t} as select rowid + 2 as _baris, "
            "{cells}, cast(null as varchar) as _lebih, false as _angka "
            "from {rows} where {not_blank}",
            t=sql.ident(target),
            cells=sql.join(sql.ident(c) for c in columns),
            rows=sql.ident(f"{target}_baris"),
            not_blank=_not_blank(columns),
        )
    )
