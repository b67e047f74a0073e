"""The six input tables of the data contract (CONTRACT.md §1): columns, kinds and header aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def _c(name: str, kind: str, *aliases: str, **options: object) -> Column:
    return Column(name, kind, aliases=aliases, **options)  # type: ignore[arg-type]


TABLES: dict[str, Table] = {
    "wilayah": Table(
        "wilayah",
        (
            _c("kode_provinsi", CODE, "kode prov", value_required=True),
            _c("provinsi", TEXT, "nama provinsi", value_required=True),
            _c("kode_kabupaten", CODE, "kode kab", "kode kabupaten/kota", value_required=True),
            _c("kabupaten", TEXT, "kabupaten/kota", "nama kabupaten", value_required=True),
            _c("kode_kecamatan", CODE, "kode kec", value_required=True),
            _c("kecamatan", TEXT, "nama kecamatan", value_required=True),
            _c("kode_desa", CODE, "kode desa/kelurahan", "kode kel", value_required=True),
            _c("desa", TEXT, "desa/kelurahan", "nama desa", "kelurahan", value_required=True),
            _c("jenis", JENIS_WILAYAH, value_required=True),
            _c(
                "lat",
                DECIMAL,
                "latitude",
                "lintang",
                header_required=False,
                minimum=-90,
                maximum=90,
            ),
            _c(
                "lon",
                DECIMAL,
                "longitude",
                "bujur",
                header_required=False,
                minimum=-180,
                maximum=180,
            ),
        ),
        key="kode_desa",
        label="wilayah (desa/kelurahan)",
    ),
    "tps": Table(
        "tps",
        (
            _c("kode_tps", CODE, value_required=True),
            _c("kode_desa", CODE, "kode desa/kelurahan", value_required=True),
            _c("nomor_tps", INT, "no tps", "no. tps", "nomor", value_required=True, minimum=1),
            _c("jumlah_dpt", INT, "dpt", header_required=False, minimum=0),
            _c("kebutuhan_kpps", INT, "kebutuhan", header_required=False, minimum=1),
        ),
        key="kode_tps",
        label="TPS",
    ),
    "kpps": Table(
        "kpps",
        (
            _c("nik", NIK, "no ktp", "no. ktp", "nomor ktp", value_required=True),
            _c("nama", TEXT, "nama lengkap", value_required=True),
            _c("jenis_kelamin", JENIS_KELAMIN, "l/p", "jk", value_required=True),
            _c(
                "tanggal_lahir",
                DATE,
                "tgl lahir",
                "tgl. lahir",
                "tanggal lahir",
                value_required=True,
            ),
            _c(
                "no_hp",
                TEXT,
                "no hp",
                "nomor hp",
                "telepon",
                "no telp",
                "no. hp/wa",
                "no hp/wa",
                "nomor hp/wa",
                "hp/wa",
                header_required=False,
            ),
            _c("kode_tps", CODE, value_required=True),
            _c("jabatan", JABATAN, "posisi", value_required=True),
            _c("tanggal_sk", DATE, "tgl sk", header_required=False),
            _c("tanggal_berhenti", DATE, "tgl berhenti", header_required=False),
            _c("alasan_berhenti", TEXT, "alasan", header_required=False),
        ),
        label="KPPS",
    ),
    "bimtek_sesi": Table(
        "bimtek_sesi",
        (
            _c("kode_sesi", CODE, "sesi", value_required=True),
            _c("kode_kecamatan", CODE, "kode kec", value_required=True),
            _c(
                "tanggal", DATE, "tgl", "tgl.", "hari/tanggal", "hari, tanggal", value_required=True
            ),
            _c("tempat", TEXT, "lokasi", header_required=False),
            _c("kapasitas", INT, header_required=False, minimum=1),
        ),
        key="kode_sesi",
        label="sesi Bimtek",
    ),
    "bimtek_hadir": Table(
        "bimtek_hadir",
        (
            _c("kode_sesi", CODE, "sesi", value_required=True),
            _c("nik", NIK, "no ktp", "no. ktp", value_required=True),
            _c("hadir", BOOL, "kehadiran", "status hadir", value_required=True),
            _c(
                "nilai_pre",
                DECIMAL,
                "pre test",
                "pretest",
                header_required=False,
                minimum=0,
                maximum=100,
            ),
            _c(
                "nilai_post",
                DECIMAL,
                "post test",
                "posttest",
                header_required=False,
                minimum=0,
                maximum=100,
            ),
        ),
        label="kehadiran Bimtek",
    ),
    "supervisi": Table(
        "supervisi",
        (
            _c(
                "tanggal",
                DATE,
                "tgl",
                "tgl.",
                "tanggal kunjungan",
                "tgl kunjungan",
                "hari/tanggal",
                "hari, tanggal",
                value_required=True,
            ),
            _c(
                "pengawas",
                TEXT,
                "nama pengawas",
                "petugas",
                "nama petugas",
                "petugas supervisi",
                "nama supervisor",
                value_required=True,
            ),
            _c("lembaga", TEXT, "instansi", "asal instansi", "satker", value_required=True),
            _c("kode_kecamatan", CODE, "kode kec", value_required=True),
            _c("kode_desa", CODE, header_required=False),
            _c("kode_sesi", CODE, "sesi", "kode sesi", "sesi bimtek", header_required=False),
            _c("temuan", TEXT, header_required=False),
            _c("tindak_lanjut", TEXT, "tindak lanjut", header_required=False),
        ),
        label="supervisi",
    ),
}


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
