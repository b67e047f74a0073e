"""Indonesian number, percentage and date formats, and the words for codes shown to people."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

STATUS_LABELS = {
    "kurang_petugas": "Kurang petugas",
    "tanpa_ketua": "Tanpa ketua",
    "belum_bimtek": "Belum Bimtek",
    "siap": "Siap",
}


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def angka(value: float | int | None) -> str:
    """19082 → '19.082' (Indonesian thousands separator)."""
    if _missing(value):
        return "–"
    return f"{round(value):,}".replace(",", ".")


def persen(fraction: float | None, decimals: int = 1) -> str:
    """0.875 → '87,5%'."""
    if _missing(fraction):
        return "–"
    text = f"{fraction * 100:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + "%"


def tanggal(value: date | None) -> str:
    """date(2024, 1, 28) → '28 Januari 2024'."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_pendek(value: date | None) -> str:
    """date(2024, 1, 27) → '27 Jan' (Mei, Agu, Okt, Des: Indonesian abbreviations)."""
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1][:3]}"


def perubahan(change: float | int, since: date) -> str:
    """'+1.204 sejak 27 Jan', '-3 sejak 27 Jan', 'tetap sejak 27 Jan'."""
    if _missing(change) or round(change) == 0:
        return f"tetap sejak {tanggal_pendek(since)}"
    sign = "+" if change > 0 else "-"
    return f"{sign}{angka(abs(change))} sejak {tanggal_pendek(since)}"


def rentang(first: date | None, last: date | None) -> str:
    """'25–29 Januari 2024'; across months '30 Januari – 2 Februari 2024'."""
    if first is None or last is None:
        return "–"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{tanggal(last)}"
    if first.year == last.year:
        return f"{first.day} {BULAN[first.month - 1]} – {tanggal(last)}"
    return f"{tanggal(first)} – {tanggal(last)}"


def dari(part: int, whole: int, noun: str) -> str:
    """'18.734 dari 19.082 KPPS' — never a bare percentage."""
    return f"{angka(part)} dari {angka(whole)} {noun}"


def hitung_mundur(as_of: date, voting_day: date | None) -> str | None:
    """'H-17' before voting day, 'Hari H' on it, 'H+2' after."""
    if voting_day is None:
        return None
    days = (voting_day - as_of).days
    if days == 0:
        return "Hari H"
    return f"H-{days}" if days > 0 else f"H+{-days}"


# Column headers people read, for every column the queries return.
HEADERS = {
    "kode_provinsi": "Kode provinsi",
    "provinsi": "Provinsi",
    "kode_kabupaten": "Kode kabupaten",
    "kabupaten": "Kabupaten/Kota",
    "kode_kecamatan": "Kode kecamatan",
    "kecamatan": "Kecamatan",
    "kode_desa": "Kode desa",
    "desa": "Desa/Kelurahan",
    "jenis": "Jenis",
    "kode_tps": "Kode TPS",
    "nomor_tps": "TPS",
    "tps": "TPS",
    "kebutuhan_kpps": "Kursi KPPS",
    "kpps_aktif": "KPPS aktif",
    "kursi_kosong": "Kursi kosong",
    "kpps_terlatih": "KPPS terlatih",
    "cakupan_bimtek": "Cakupan",
    "tps_siap": "TPS siap",
    "tps_kurang_petugas": "Kurang petugas",
    "tps_tanpa_ketua": "Tanpa ketua",
    "tps_belum_bimtek": "Belum Bimtek",
    "sesi_bimtek": "Sesi Bimtek",
    "kunjungan_supervisi": "Kunjungan",
    "sesi_disupervisi": "Sesi disupervisi",
    "desa_dikunjungi": "Desa dikunjungi",
    "ada_ketua": "Ada ketua",
    "status": "Status",
    "nik": "NIK",
    "nama": "Nama",
    "jenis_kelamin": "L/P",
    "jabatan": "Jabatan",
    "tanggal_sk": "Tanggal SK",
    "no_hp": "No. HP",
    "kali_absen": "Kali absen",
    "terlatih": "Sudah Bimtek",
    "tanggal_bimtek_pertama": "Tanggal Bimtek",
    "kode_sesi": "Kode sesi",
    "tanggal": "Tanggal",
    "tempat": "Tempat",
    "kapasitas": "Kapasitas",
    "sudah_berlangsung": "Sudah berlangsung",
    "keadaan_sesi": "Keadaan",
    "dipanggil": "Diundang",
    "hadir": "Hadir",
    "tidak_hadir": "Tidak hadir",
    "keterisian": "Keterisian",
    "disupervisi": "Disupervisi",
    "kunjungan": "Kunjungan",
    "sesi": "Sesi",
    "kunjungan_terakhir": "Kunjungan terakhir",
    "hari_sejak_kunjungan": "Hari sejak",
    "dikunjungi": "Dikunjungi",
    "pengawas": "Pengawas",
    "lembaga": "Lembaga",
    "temuan": "Temuan",
    "tindak_lanjut": "Tindak lanjut",
    "nik_berhenti": "NIK berhenti",
    "nama_berhenti": "Nama berhenti",
    "jabatan_berhenti": "Jabatan",
    "tanggal_berhenti": "Tanggal berhenti",
    "alasan_berhenti": "Alasan",
    "nik_pengganti": "NIK pengganti",
    "nama_pengganti": "Nama pengganti",
    "tanggal_sk_pengganti": "SK pengganti",
    "pengganti_terlatih": "Pengganti sudah Bimtek",
    "paw_status": "Status PAW",
    # Expected by date and the capacity plan (docs/jadwal.md).
    "status_jadwal": "Jadwal",
    "target_terlatih": "Sasaran jadwal",
    "target_akhir": "Sasaran akhir",
    "selisih_jadwal": "Selisih jadwal",
    "tanpa_kursi": "Tanpa kursi",
    "sesi_tambahan": "Sesi tambahan",
    "kursi_sampai_d": "Kursi sesi terlaksana",
    "kursi_mendatang": "Kursi sesi mendatang",
    "sesi_rencana": "Sesi Bimtek rencana",
    "tanggal_sesi_rencana": "Tanggal sesi rencana",
    "tempat_sesi_rencana": "Tempat sesi rencana",
    "ditempatkan": "Rencana peserta",
    "kursi_sisa": "Kursi sisa",
    "tabel": "Tabel",
    "tingkat": "Tingkat",
    "kolom": "Kolom",
    "nilai": "Nilai",
    "pesan": "Pesan",
    "berkas": "Berkas",
    "baris": "Baris",
    "tanggal_awal": "Tanggal awal",
    "tanggal_akhir": "Tanggal akhir",
    # The contract columns an import shows (rows to be removed, values to be changed).
    "tanggal_lahir": "Tanggal lahir",
    "jumlah_dpt": "DPT",
    "nilai_pre": "Nilai pre-test",
    "nilai_post": "Nilai post-test",
    "lat": "Lintang",
    "lon": "Bujur",
    "sebelum": "Sebelum",
    "sesudah": "Sesudah",
    # Training recorded at a session of another kecamatan (queries/bimtek_sesi_lain.sql).
    "tanggal_sesi": "Tanggal sesi",
    "kode_kecamatan_sesi": "Kecamatan sesi (kode)",
}

PAW_STATUS_LABELS = {
    "belum_diganti": "Belum diganti",
    "pengganti_belum_bimtek": "Pengganti belum Bimtek",
    "pengganti_terlatih": "Pengganti sudah Bimtek",
}


def kalimat(text: str) -> str:
    """First letter upper case, the rest as written ('sesi Bimtek' → 'Sesi Bimtek', 'TPS')."""
    return text[:1].upper() + text[1:]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
# Markdown ends a line at CR as well as LF; a new line could start a heading, list or quote.
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def polos(text: str) -> str:
    """A value from the data (a name, a file's column) as plain text inside Markdown: every
    character Markdown would act on is escaped, so `**x**`, `[a](b)`, `<b>` or `&lt;` show as
    typed, and line breaks become spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", text))
