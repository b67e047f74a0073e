"""An uploaded file and its rows, as every step of an import sees them.

`Upload` (where a file's bytes are, and its name) and `FileReport` (what the preview
says about it); how rows are numbered (`_baris = i * STRIDE + row`, a workbook's sheets
SHEET_STRIDE apart); the check rounds (READER_ROUND: what reading found); the progress
callback; and the uploaded or current rows with their columns typed by the store's
expressions. The other import modules build on this one; it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kesiapan.contract import schema, sql
from kesiapan.contract.problems import Problem
from kesiapan.store import dataset as store

STRIDE = 10**9


# Rows of the k-th sheet of a workbook read sheet by sheet are numbered k * SHEET_STRIDE + row
# within their file (a sheet has at most 1 048 576 rows), so that every message can name the
# sheet and the row a spreadsheet shows.
SHEET_STRIDE = 1 << 21


# `_temuan.putaran`: what the reader and the place names found (0), the checks' rounds (1…),
# the current data checked alone (-2) and the import's new errors on current rows (-1).
READER_ROUND, BASELINE_ROUND, NEW_ON_CURRENT = 0, -2, -1


Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Upload:
    """A file given to the import: where its bytes are, and the name it was uploaded with."""

    path: Path
    name: str


@dataclass
class FileReport:
    """What the preview says about one uploaded file."""

    index: int
    name: str
    sha256: str
    size: int
    kind: str | None = None
    description: str = ""
    table: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    # A workbook with one sheet per desa (or session): every sheet with the same header is read
    # as one table; `sheets_used` names them (row numbers are then per sheet, see SHEET_STRIDE),
    # `sheets_skipped` says why each other sheet was left out.
    sheets_used: tuple[str, ...] = ()
    sheets_skipped: list[tuple[str, str]] = field(default_factory=list)
    # Per sheet read: (row, text) of its name and the title rows above its header, where a
    # daftar hadir may name its session (kesiapan.importer.sessions).
    titles: list[tuple[int | None, str]] = field(default_factory=list)
    needs_sheet: bool = False
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header as written → column
    unused: list[str] = field(default_factory=list)
    derived: dict[str, str] = field(default_factory=dict)  # code column → place column
    rows_read: int = 0
    rows_rejected: int = 0
    about: str = ""  # what the file is about (contract §5), in words
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0  # the table's rows to be removed, counted on its first file
    kept_columns: list[str] = field(default_factory=list)  # optional columns the file lacks
    readings: list[str] = field(default_factory=list)  # how odd things were read, in words
    changed_columns: dict[str, int] = field(default_factory=dict)
    fatal: list[Problem] = field(default_factory=list)
    # Found once the rows are read (most of an attendance file's NIKs match nobody): the file
    # is shown, and nothing is saved until it is fixed; dropping rows cannot cure it.
    refused: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    suffix: str = ""

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected

    @property
    def ok(self) -> bool:
        return not self.fatal


def typed_rows(table: str, source: sql.Fragment) -> sql.Fragment:
    """`source` (text columns of `table`, `_baris`) with its columns typed, as a subquery."""
    columns = sql.join(
        sql.compose(
            "{typed} as {c}",
            typed=sql.trusted(store.typed_expression(c, f"r.{c.name}")),
            c=sql.ident(c.name),
        )
        for c in schema.TABLES[table].columns
    )
    return sql.compose(
        "(select r._baris, {columns} from {source} as r)", columns=columns, source=source
    )
