"""The column catalogue: everything the code knows about a column, in one place.

Per column (by its contract or query name): the Indonesian header people read, the header an
exported file uses where the short one is ambiguous, the aliases files use for it (the
contract's own and the ones met in real office exports, per table), how its values are shown,
the words its codes stand for, and its personal-data class (contract §4). The privacy rules mask
by that class, the tables and exports take their headers and formats from here, the contract
tables (`schema`) and the import's header matching (`import_columns`) their aliases.

Every column a query in `queries/` returns has an entry (tests/test_columns.py runs them all);
`entry`, `header` and `personal_class` raise `UnknownColumn` for a name without one, so a
missing header fails loudly instead of showing a raw column name, and privacy never guesses
from a name. To add a column: one `_col(...)` line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from kesiapan.contract import theme

# Personal-data classes (contract §4). NIK, phone and birth date are masked unless the role
# may see personal data; names unless it may see member names.
NIK = "nik"
PHONE = "phone"
BIRTH = "birth"
NAME = "name"
PERSONAL_DATA = (NIK, PHONE, BIRTH)

# How values are shown. AUTO: by the value's type (a count with thousands separators, a
# decimal, a date in words, Ya/Tidak, text).
AUTO = "auto"
CODE = "code"  # text that looks like a number and must stay text (codes, NIK, phone)
NUMBER = "number"  # a whole number without thousands separators (TPS 001 is number 1)
SHARE = "share"  # a fraction shown as a percentage
DATE = "date"
WORD = "word"  # a code shown as the word `words` gives it
ROLE = "role"  # a role written in lower case in the data, read capitalised ("ketua" → "Ketua")
SENTENCE = "sentence"  # free text read as a sentence: first letter upper case, rest as written

STATUS_WORDS = {
    "kurang_petugas": "Kurang petugas",
    "tanpa_ketua": "Tanpa ketua",
    "belum_bimtek": "Belum Bimtek",
    "siap": "Siap",
}
PAW_STATUS_WORDS = {
    "belum_diganti": "Belum diganti",
    "pengganti_belum_bimtek": "Pengganti belum Bimtek",
    "pengganti_terlatih": "Pengganti sudah Bimtek",
}
SCHEDULE_WORDS = theme.SCHEDULE_LABELS

_NO_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({})


class UnknownColumn(KeyError):
    """A column without a catalogue entry: add one `_col(...)` line to
    kesiapan/contract/columns.py."""


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    header: str
    display: str = AUTO
    personal: str | None = None
    words: Mapping[str, str] | None = None
    # Where a table leaves its page the short header can be ambiguous ("TPS": count or number?).
    export_header: str | None = None
    # A name column of the hierarchy holding a count (ringkasan_kecamatan.desa is a number).
    count_header: str | None = None
    # Per table: the contract's aliases (CONTRACT.md §3), and those met in real office files
    # (the import only); place_aliases: how any office file names this place column.
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _NO_ALIASES)
    file_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _NO_ALIASES)
    place_aliases: tuple[str, ...] = ()


def _col(name: str, header: str, display: str = AUTO, **options: object) -> ColumnInfo:
    return ColumnInfo(name, header, display, **options)  # type: ignore[arg-type]


CATALOGUE: dict[str, ColumnInfo] = {
    c.name: c
    for c in (
        _col("kode_provinsi", "Kode provinsi", CODE, aliases={"wilayah": ("kode prov",)}),
        _col("provinsi", "Provinsi", aliases={"wilayah": ("nama provinsi",)}),
        _col(
            "kode_kabupaten",
            "Kode kabupaten",
            CODE,
            aliases={"wilayah": ("kode kab", "kode kabupaten/kota")},
        ),
        _col(
            "kabupaten",
            "Kabupaten/Kota",
            aliases={"wilayah": ("kabupaten/kota", "nama kabupaten")},
            place_aliases=("kabupaten/kota", "kab/kota", "kab", "kab.", "nama kabupaten"),
        ),
        _col(
            "kode_kecamatan",
            "Kode kecamatan",
            CODE,
            aliases={
                "wilayah": ("kode kec",),
                "bimtek_sesi": ("kode kec",),
                "supervisi": ("kode kec",),
            },
        ),
        _col(
            "kecamatan",
            "Kecamatan",
            count_header="Jumlah kecamatan",
            aliases={"wilayah": ("nama kecamatan",)},
            file_aliases={"bimtek_hadir": ("nama kecamatan", "kec", "kec.")},
            place_aliases=("nama kecamatan", "kec", "kec."),
        ),
        _col(
            "kode_desa",
            "Kode desa",
            CODE,
            aliases={
                "wilayah": ("kode desa/kelurahan", "kode kel"),
                "tps": ("kode desa/kelurahan",),
            },
            place_aliases=("kode desa", "kode desa/kelurahan", "kode kel"),
        ),
        _col(
            "desa",
            "Desa/Kelurahan",
            count_header="Jumlah desa/kelurahan",
            aliases={"wilayah": ("desa/kelurahan", "nama desa", "kelurahan")},
            place_aliases=(
                "kelurahan",
                "desa/kelurahan",
                "kelurahan/desa",
                "desa/kel",
                "desa/kel.",
                "kel/desa",
                "nama desa",
                "nama kelurahan",
                "nama desa/kelurahan",
            ),
        ),
        _col("jenis", "Jenis"),
        _col("kode_tps", "Kode TPS", CODE),
        _col(
            "nomor_tps",
            "TPS",
            NUMBER,
            export_header="Nomor TPS",
            aliases={"tps": ("no tps", "no. tps", "nomor")},
            file_aliases={"tps": ("tps", "nomor tps")},
            place_aliases=("no tps", "no. tps", "nomor tps", "tps", "no_tps"),
        ),
        _col("tps", "TPS", export_header="Jumlah TPS"),
        # An area summary's name column when a desa is broken down by TPS ("TPS 001").
        _col("tps_nama", "Nama TPS"),
        _col(
            "kebutuhan_kpps",
            "Kursi KPPS",
            aliases={"tps": ("kebutuhan",)},
            file_aliases={"tps": ("jumlah kpps", "kebutuhan kpps")},
        ),
        _col("kpps_aktif", "KPPS aktif"),
        _col("kursi_kosong", "Kursi kosong"),
        _col("kpps_terlatih", "KPPS terlatih"),
        _col("cakupan_bimtek", "Cakupan", SHARE),
        _col("tps_siap", "TPS siap"),
        _col("tps_kurang_petugas", "Kurang petugas"),
        _col("tps_tanpa_ketua", "Tanpa ketua"),
        _col("tps_belum_bimtek", "Belum Bimtek"),
        _col("sesi_bimtek", "Sesi Bimtek"),
        _col("kunjungan_supervisi", "Kunjungan"),
        _col("sesi_disupervisi", "Sesi disupervisi"),
        _col("desa_dikunjungi", "Desa dikunjungi"),
        _col("ada_ketua", "Ada ketua"),
        _col("status", "Status", WORD, words={**STATUS_WORDS, **PAW_STATUS_WORDS}),
        _col(
            "nik",
            "NIK",
            CODE,
            aliases={
                "kpps": ("no ktp", "no. ktp", "nomor ktp"),
                "bimtek_hadir": ("no ktp", "no. ktp"),
            },
            file_aliases={
                "kpps": ("no nik", "nomor nik", "nik ktp", "nomor induk kependudukan"),
                "bimtek_hadir": ("no nik", "nik ktp"),
            },
            personal=NIK,
        ),
        _col(
            "nama",
            "Nama",
            aliases={"kpps": ("nama lengkap",)},
            file_aliases={"kpps": ("nama anggota", "nama kpps", "nama petugas")},
            personal=NAME,
        ),
        _col(
            "jenis_kelamin",
            "L/P",
            aliases={"kpps": ("l/p", "jk")},
            file_aliases={
                "kpps": ("kelamin", "gender", "jns kelamin", "jns. kelamin", "lk/pr", "l / p")
            },
        ),
        _col(
            "jabatan",
            "Jabatan",
            ROLE,
            aliases={"kpps": ("posisi",)},
            file_aliases={"kpps": ("jabatan kpps", "kedudukan")},
        ),
        _col(
            "tanggal_sk",
            "Tanggal SK",
            DATE,
            aliases={"kpps": ("tgl sk",)},
            file_aliases={"kpps": ("tgl. sk", "tanggal sk", "tmt")},
        ),
        _col(
            "no_hp",
            "No. HP",
            CODE,
            aliases={
                "kpps": (
                    "no hp",
                    "nomor hp",
                    "telepon",
                    "no telp",
                    "no. hp/wa",
                    "no hp/wa",
                    "nomor hp/wa",
                    "hp/wa",
                )
            },
            file_aliases={
                "kpps": (
                    "hp",
                    "no. hp",
                    "no handphone",
                    "nomor telepon",
                    "no wa",
                    "no. wa",
                    "no. telp",
                    "no telp/hp",
                    "no. telp/hp",
                    "no hp/telp",
                    "nomor hp/wa",
                    "no. hp / wa",
                )
            },
            personal=PHONE,
        ),
        _col("kali_absen", "Kali absen"),
        _col("terlatih", "Sudah Bimtek"),
        _col("tanggal_bimtek_pertama", "Tanggal Bimtek", DATE),
        _col(
            "kode_sesi",
            "Kode sesi",
            CODE,
            aliases={
                "bimtek_sesi": ("sesi",),
                "bimtek_hadir": ("sesi",),
                "supervisi": ("sesi", "kode sesi", "sesi bimtek"),
            },
            file_aliases={"bimtek_hadir": ("kode sesi", "sesi bimtek", "kode sesi bimtek")},
        ),
        _col(
            "tanggal",
            "Tanggal",
            DATE,
            aliases={
                "bimtek_sesi": ("tgl", "tgl.", "hari/tanggal", "hari, tanggal"),
                "supervisi": (
                    "tgl",
                    "tgl.",
                    "tanggal kunjungan",
                    "tgl kunjungan",
                    "hari/tanggal",
                    "hari, tanggal",
                ),
            },
            file_aliases={
                "bimtek_sesi": ("tanggal bimtek", "tgl bimtek", "tgl. bimtek"),
                "bimtek_hadir": (
                    "tgl",
                    "tgl.",
                    "hari/tanggal",
                    "hari, tanggal",
                    "tanggal bimtek",
                    "tgl bimtek",
                    "tanggal sesi",
                    "tanggal pelaksanaan",
                ),
            },
        ),
        _col(
            "tempat",
            "Tempat",
            aliases={"bimtek_sesi": ("lokasi",)},
            file_aliases={
                "bimtek_sesi": ("tempat bimtek",),
                "bimtek_hadir": (
                    "lokasi",
                    "tempat bimtek",
                    "lokasi bimtek",
                    "tempat pelaksanaan",
                    "tempat sesi",
                ),
            },
        ),
        _col("kapasitas", "Kapasitas", file_aliases={"bimtek_sesi": ("kuota", "jumlah peserta")}),
        _col("sudah_berlangsung", "Sudah berlangsung"),
        _col("keadaan_sesi", "Keadaan"),
        _col("dipanggil", "Diundang"),
        _col(
            "hadir",
            "Hadir",
            aliases={"bimtek_hadir": ("kehadiran", "status hadir")},
            file_aliases={
                "bimtek_hadir": (
                    "keterangan",
                    "ket",
                    "status",
                    "absensi",
                    "presensi",
                    "status kehadiran",
                    "paraf",
                    "tanda hadir",
                    "ceklis",
                    "checklist",
                    "tanda tangan",
                    "ttd",
                )
            },
        ),
        _col("tidak_hadir", "Tidak hadir"),
        _col("keterisian", "Keterisian", SHARE),
        _col("disupervisi", "Disupervisi"),
        _col("kunjungan", "Kunjungan"),
        _col("sesi", "Sesi", count_header="Jumlah sesi"),
        _col("kunjungan_terakhir", "Kunjungan terakhir", DATE),
        _col("hari_sejak_kunjungan", "Hari sejak"),
        _col("dikunjungi", "Dikunjungi"),
        _col(
            "pengawas",
            "Pengawas",
            aliases={
                "supervisi": (
                    "nama pengawas",
                    "petugas",
                    "nama petugas",
                    "petugas supervisi",
                    "nama supervisor",
                )
            },
        ),
        _col("lembaga", "Lembaga", aliases={"supervisi": ("instansi", "asal instansi", "satker")}),
        _col(
            "temuan",
            "Temuan",
            file_aliases={
                "supervisi": (
                    "hasil",
                    "catatan",
                    "hasil supervisi",
                    "hasil monitoring",
                    "temuan lapangan",
                )
            },
        ),
        _col(
            "tindak_lanjut",
            "Tindak lanjut",
            aliases={"supervisi": ("tindak lanjut",)},
            file_aliases={"supervisi": ("rekomendasi", "saran", "rekomendasi/tindak lanjut")},
        ),
        _col("nik_berhenti", "NIK berhenti", CODE, personal=NIK),
        _col("nama_berhenti", "Nama berhenti", personal=NAME),
        _col("jabatan_berhenti", "Jabatan", ROLE, export_header="Jabatan yang berhenti"),
        _col(
            "tanggal_berhenti",
            "Tanggal berhenti",
            DATE,
            aliases={"kpps": ("tgl berhenti",)},
            file_aliases={"kpps": ("tgl. berhenti",)},
        ),
        _col(
            "alasan_berhenti",
            "Alasan",
            SENTENCE,
            export_header="Alasan berhenti",
            aliases={"kpps": ("alasan",)},
            file_aliases={"kpps": ("keterangan", "ket", "ket.")},
        ),
        _col("nik_pengganti", "NIK pengganti", CODE, personal=NIK),
        _col("nama_pengganti", "Nama pengganti", personal=NAME),
        _col("tanggal_sk_pengganti", "SK pengganti", DATE),
        _col("pengganti_terlatih", "Pengganti sudah Bimtek"),
        _col("paw_status", "Status PAW", WORD, words=PAW_STATUS_WORDS),
        _col("status_jadwal", "Jadwal", WORD, words=SCHEDULE_WORDS),
        _col("target_terlatih", "Sasaran jadwal"),
        _col("target_akhir", "Sasaran akhir"),
        _col("selisih_jadwal", "Selisih jadwal"),
        _col("tanpa_kursi", "Tanpa kursi"),
        _col("sesi_tambahan", "Sesi tambahan"),
        _col("kursi_sampai_d", "Kursi sesi terlaksana"),
        _col("kursi_mendatang", "Kursi sesi mendatang"),
        _col("sesi_rencana", "Sesi Bimtek rencana"),
        _col("tanggal_sesi_rencana", "Tanggal sesi rencana", DATE),
        _col("tempat_sesi_rencana", "Tempat sesi rencana"),
        _col("ditempatkan", "Rencana peserta"),
        _col("kursi_sisa", "Kursi sisa"),
        _col("tabel", "Tabel"),
        _col("tingkat", "Tingkat"),
        _col("kolom", "Kolom"),
        _col("nilai", "Nilai"),
        _col("pesan", "Pesan"),
        _col("berkas", "Berkas"),
        _col("baris", "Baris"),
        _col("tanggal_awal", "Tanggal awal", DATE),
        _col("tanggal_akhir", "Tanggal akhir", DATE),
        _col(
            "tanggal_lahir",
            "Tanggal lahir",
            DATE,
            aliases={"kpps": ("tgl lahir", "tgl. lahir", "tanggal lahir")},
            personal=BIRTH,
        ),
        _col(
            "jumlah_dpt",
            "DPT",
            aliases={"tps": ("dpt",)},
            file_aliases={"tps": ("jumlah dpt", "jml dpt")},
        ),
        _col(
            "nilai_pre",
            "Nilai pre-test",
            aliases={"bimtek_hadir": ("pre test", "pretest")},
            file_aliases={"bimtek_hadir": ("nilai pre test", "nilai pretest", "pre-test")},
        ),
        _col(
            "nilai_post",
            "Nilai post-test",
            aliases={"bimtek_hadir": ("post test", "posttest")},
            file_aliases={"bimtek_hadir": ("nilai post test", "nilai posttest", "post-test")},
        ),
        _col("lat", "Lintang", aliases={"wilayah": ("latitude", "lintang")}),
        _col("lon", "Bujur", aliases={"wilayah": ("longitude", "bujur")}),
        _col("sebelum", "Sebelum"),
        _col("sesudah", "Sesudah"),
        _col("tanggal_sesi", "Tanggal sesi", DATE),
        _col("kode_kecamatan_sesi", "Kecamatan sesi (kode)", CODE),
        _col("terlatih_baru", "Terlatih baru"),
        _col("terlatih_kumulatif", "Terlatih kumulatif"),
        _col("sesi_jatuh_tempo", "Sesi jatuh tempo"),
        _col("sesi_mendatang", "Sesi mendatang"),
        _col("tanggal_sesi_berikutnya", "Tanggal sesi berikutnya", DATE),
        _col("tanggal_sesi_terakhir", "Tanggal sesi terakhir", DATE),
        _col("kursi_kumulatif", "Kursi kumulatif"),
        _col("kode_area", "Kode wilayah", CODE),
        _col("tanggal_bimtek", "Tanggal Bimtek", DATE),
        _col("kecamatan_dikunjungi", "Kecamatan dikunjungi"),
        _col("tanggal_sebelumnya", "Tanggal sebelumnya", DATE),
        _col("kesiapan", "Kesiapan"),
        _col("belum_bimtek", "Belum Bimtek"),
        _col("yang_kurang", "Yang kurang"),
        _col("sesi_berikutnya", "Sesi Bimtek berikutnya"),
        _col("tempat_sesi_berikutnya", "Tempat sesi berikutnya"),
        _col("butir", "Butir"),
        _col("jumlah", "Jumlah"),
        _col("dari", "Dari"),
        _col("satuan", "Satuan"),
        _col("lembar", "Lembar"),
        _col(
            "tempat_tanggal_lahir",
            "Tempat, tanggal lahir",
            file_aliases={
                "kpps": (
                    "tempat, tgl lahir",
                    "tempat, tgl. lahir",
                    "tempat, tanggal lahir",
                    "tempat/tgl lahir",
                    "tempat/tanggal lahir",
                    "tempat tanggal lahir",
                    "tempat tgl lahir",
                    "ttl",
                    "tmp/tgl lahir",
                    "tmp, tgl lahir",
                    "tempat & tanggal lahir",
                )
            },
            personal=BIRTH,
        ),
    )
}


def get(name: str) -> ColumnInfo | None:
    """The entry of a column, None when it has none."""
    return CATALOGUE.get(name)


def entry(name: str) -> ColumnInfo:
    """The entry of a column; UnknownColumn when it has none."""
    found = CATALOGUE.get(name)
    if found is None:
        raise UnknownColumn(
            f"kolom {name!r} tidak ada di katalog kolom: tambahkan satu baris _col(...) di "
            "kesiapan/contract/columns.py (judul, format, kelas data pribadi)"
        )
    return found


def listed(names: list[str]) -> list[str]:
    """A table's choice of columns (a page's, an action pack's sheet), unchanged, once each is
    checked to have an entry: UnknownColumn when the list is made (at import of its module),
    not when somebody presses a download. Their headers and formats come from here."""
    for name in names:
        entry(name)
    return names


def header(name: str) -> str:
    """The Indonesian header of a column on screen; UnknownColumn when it has none."""
    return entry(name).header


def personal_class(name: str) -> str | None:
    """NIK, PHONE, BIRTH, NAME or None; UnknownColumn for a column without an entry."""
    return entry(name).personal


def aliases(table: str, name: str) -> tuple[str, ...]:
    """The contract's aliases of a column of a contract table."""
    found = CATALOGUE.get(name)
    return found.aliases.get(table, ()) if found is not None else ()


def file_aliases(table: str, name: str) -> tuple[str, ...]:
    """The aliases of a column met in real office files of a table, beyond the contract's."""
    found = CATALOGUE.get(name)
    return found.file_aliases.get(table, ()) if found is not None else ()


def words(name: str) -> Mapping[str, str] | None:
    """The words a column's codes stand for, None when its values are shown as they are."""
    found = CATALOGUE.get(name)
    return found.words if found is not None else None


def is_share(name: str) -> bool:
    found = CATALOGUE.get(name)
    return found is not None and found.display == SHARE


def is_number(name: str) -> bool:
    """A whole number shown without thousands separators (TPS 001 is number 1)."""
    found = CATALOGUE.get(name)
    return found is not None and found.display == NUMBER


def is_role(name: str) -> bool:
    """A role ("ketua"), read capitalised on screens and in files alike."""
    found = CATALOGUE.get(name)
    return found is not None and found.display == ROLE


def is_read_as_text(name: str) -> bool:
    """A column whose text values are reworded for reading (`as_read`): roles and free text."""
    found = CATALOGUE.get(name)
    return found is not None and found.display in (ROLE, SENTENCE)


def as_read(name: str, value: object) -> object:
    """A text value as people read it by its column's class: a role capitalised ("ketua" →
    "Ketua"), free text as a sentence ("mengundurkan diri" → "Mengundurkan diri"); anything
    else, and a value that is not text, as it is. Screens read both; files keep free text as
    the office wrote it and capitalise roles only (`is_role`)."""
    found = CATALOGUE.get(name)
    if found is None or not isinstance(value, str):
        return value
    if found.display == ROLE:
        return value.capitalize()
    if found.display == SENTENCE:
        return value[:1].upper() + value[1:]
    return value


def is_code(name: str) -> bool:
    """Text that a spreadsheet must not read as a number (codes, NIK, phone)."""
    found = CATALOGUE.get(name)
    return found is not None and found.display == CODE


# Every header, for code that looks them up by name.
HEADERS: Mapping[str, str] = MappingProxyType({c.name: c.header for c in CATALOGUE.values()})
