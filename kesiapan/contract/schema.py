"""The six input tables of the data contract (CONTRACT.md §1): columns, kinds and rules; their
header aliases come from the column catalogue (kesiapan/contract/columns.py)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from kesiapan.contract import columns

# Value kinds. Each kind has one SQL expression in store.py that turns the raw text into its type.
TEXT = "text"
CODE = "code"
NIK = "nik"
DATE = "date"
INT = "int"
DECIMAL = "decimal"
BOOL = "bool"
JABATAN = "jabatan"
JENIS_KELAMIN = "jenis_kelamin"
JENIS_WILAYAH = "jenis_wilayah"

TABLE_NAMES = ("wilayah", "tps", "kpps", "bimtek_sesi", "bimtek_hadir", "supervisi")
FILE_SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    header_required: bool = True
    value_required: bool = False
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    label: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _table(name: str, table_columns: tuple[Column, ...], **options: str) -> Table:
    """A contract table whose columns carry the contract's aliases from the column catalogue."""
    with_aliases = tuple(
        dataclasses.replace(c, aliases=columns.aliases(name, c.name)) for c in table_columns
    )
    return Table(name, with_aliases, **options)


TABLES: dict[str, Table] = {
    "wilayah": _table(
        "wilayah",
        (
            Column("kode_provinsi", CODE, value_required=True),
            Column("provinsi", TEXT, value_required=True),
            Column("kode_kabupaten", CODE, value_required=True),
            Column("kabupaten", TEXT, value_required=True),
            Column("kode_kecamatan", CODE, value_required=True),
            Column("kecamatan", TEXT, value_required=True),
            Column("kode_desa", CODE, value_required=True),
            Column("desa", TEXT, value_required=True),
            Column("jenis", JENIS_WILAYAH, value_required=True),
            Column("lat", DECIMAL, header_required=False, minimum=-90, maximum=90),
            Column("lon", DECIMAL, header_required=False, minimum=-180, maximum=180),
        ),
        key="kode_desa",
        label="wilayah (desa/kelurahan)",
    ),
    "tps": _table(
        "tps",
        (
            Column("kode_tps", CODE, value_required=True),
            Column("kode_desa", CODE, value_required=True),
            Column("nomor_tps", INT, value_required=True, minimum=1),
            Column("jumlah_dpt", INT, header_required=False, minimum=0),
            Column("kebutuhan_kpps", INT, header_required=False, minimum=1),
        ),
        key="kode_tps",
        label="TPS",
    ),
    "kpps": _table(
        "kpps",
        (
            Column("nik", NIK, value_required=True),
            Column("nama", TEXT, value_required=True),
            Column("jenis_kelamin", JENIS_KELAMIN, value_required=True),
            Column("tanggal_lahir", DATE, value_required=True),
            Column("no_hp", TEXT, header_required=False),
            Column("kode_tps", CODE, value_required=True),
            Column("jabatan", JABATAN, value_required=True),
            Column("tanggal_sk", DATE, header_required=False),
            Column("tanggal_berhenti", DATE, header_required=False),
            Column("alasan_berhenti", TEXT, header_required=False),
        ),
        label="KPPS",
    ),
    "bimtek_sesi": _table(
        "bimtek_sesi",
        (
            Column("kode_sesi", CODE, value_required=True),
            Column("kode_kecamatan", CODE, value_required=True),
            Column("tanggal", DATE, value_required=True),
            Column("tempat", TEXT, header_required=False),
            Column("kapasitas", INT, header_required=False, minimum=1),
        ),
        key="kode_sesi",
        label="sesi Bimtek",
    ),
    "bimtek_hadir": _table(
        "bimtek_hadir",
        (
            Column("kode_sesi", CODE, value_required=True),
            Column("nik", NIK, value_required=True),
            Column("hadir", BOOL, value_required=True),
            Column("nilai_pre", DECIMAL, header_required=False, minimum=0, maximum=100),
            Column("nilai_post", DECIMAL, header_required=False, minimum=0, maximum=100),
        ),
        label="kehadiran Bimtek",
    ),
    "supervisi": _table(
        "supervisi",
        (
            Column("tanggal", DATE, value_required=True),
            Column("pengawas", TEXT, value_required=True),
            Column("lembaga", TEXT, value_required=True),
            Column("kode_kecamatan", CODE, value_required=True),
            Column("kode_desa", CODE, header_required=False),
            Column("kode_sesi", CODE, header_required=False),
            Column("temuan", TEXT, header_required=False),
            Column("tindak_lanjut", TEXT, header_required=False),
        ),
        label="supervisi",
    ),
}


def table_word(name: str) -> str:
    """A contract table as people read it (its label: 'kehadiran Bimtek'), else its name."""
    table = TABLES.get(name)
    return table.label if table is not None and table.label else name


def header_key(text: str) -> str:
    """Compare headers case-, space- and punctuation-insensitively: `No. KTP` ~ `no_ktp`."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def match_headers(table: Table, headers: list[str]) -> dict[str, int]:
    """Map each contract column to the position of the first header that names it."""
    wanted = {}
    for column in table.columns:
        for name in (column.name, *column.aliases):
            wanted.setdefault(header_key(name), column.name)
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        name = wanted.get(header_key(header or ""))
        if name is not None and name not in found:
            found[name] = position
    return found
