"""File-format variants (tests/fixtures/variants): a semicolon CSV, an XLSX with text cells, every
accepted spelling of `hadir` and `jabatan`, padded values, and codes that look like numbers.

kpps.csv (`;`): TPS 1 = 3527022001001 (blank seats = 7) KPPS 1…KPPS 7; TPS 2 = 3527022001002
(5 seats) ketua / anggota / " Anggota " / ANGGOTA / Anggota, plus Maya Sofia who stops
2024-02-01; TPS 3 = 3527022002001 (8 seats) KETUA, kpps 2, Kpps 3, " KPPS 4 ", KPPS 5, KPPS 6,
anggota, Anggota; TPS 4 = 3527022002002 (7 seats) "kpps 1", " KPPS 7 ", KPPS 2, Kpps 4, anggota,
ANGGOTA, and Anggota for Cahyo Nugroho whose kode_tps is written "3527022002002 ".
TPS 2 and TPS 4 are appointed 2024-01-25, TPS 1 and TPS 3 have a blank SK.
bimtek_hadir.xlsx (text cells, see make_variants.py): session "01" (2024-01-27) TPS 1 and TPS 2
present in 13 true spellings, TPS 3 and TPS 4 absent in 14 false spellings (Cahyo not called);
session "02" (2024-01-29): the ketua of TPS 4 present ("hadir "). Default D = 2024-02-01.
"""

from datetime import date

import pytest

D = date(2024, 2, 1)

TPS_COLUMNS = [
    "kode_tps",
    "kode_desa",
    "kode_kecamatan",
    "kebutuhan_kpps",
    "kpps_aktif",
    "kpps_terlatih",
    "ada_ketua",
    "status",
    "nomor_tps",
    "desa",
    "kecamatan",
    "kursi_kosong",
]
T1 = ("3527022001001", "35.27.02.2001", "35.27.02", 7)
T2 = ("3527022001002", "35.27.02.2001", "35.27.02", 5)
T3 = ("3527022002001", "35.27.02.2002", "35.27.02", 8)
T4 = ("3527022002002", "35.27.02.2002", "35.27.02", 7)
TORJUN_1, TORJUN_2 = (1, "Torjun", "Torjun"), (2, "Torjun", "Torjun")
KARA_1, KARA_2 = (1, "Kara", "Torjun"), (2, "Kara", "Torjun")


def test_no_errors(variants):
    assert [str(p) for p in variants.problems if p.tingkat == "galat"] == []


def test_tps_status_at_default_d(variants, rows, table):
    # fmt: off
    expected = [
        # KPPS 1 is the ketua; all seven trained ("ya", "YA", " Ya ", "hadir", "HADIR",
        # " Hadir ", "y").
        (*T1, 7, 7, True, "siap", *TORJUN_1, 0),
        # Maya Sofia stopped on D: five serving, all trained ("Y ", "1", " 1 ", "true", "TRUE").
        (*T2, 5, 5, True, "siap", *TORJUN_2, 0),
        # KETUA; nobody trained ("tidak" … "tidak hadir" … "t", "T" are all false).
        (*T3, 8, 0, True, "belum_bimtek", *KARA_1, 0),
        # "kpps 1" is the ketua, trained in session 02; the padded kode_tps still counts.
        (*T4, 7, 1, True, "belum_bimtek", *KARA_2, 0),
    ]
    # fmt: on
    df = variants.query("tps_status")
    assert rows(df) == table(TPS_COLUMNS, expected)
    assert rows(variants.query("tps_status", as_of=D)) == table(TPS_COLUMNS, expected)


def test_tps_status_at_two_earlier_dates(variants, rows, table):
    # 2024-01-28: session 01 held, 02 not. Maya Sofia still serves: TPS 2 has 6 for 5 seats.
    # fmt: off
    assert rows(variants.query("tps_status", as_of=date(2024, 1, 28))) == table(TPS_COLUMNS, [
        (*T1, 7, 7, True, "siap", *TORJUN_1, 0),
        (*T2, 6, 6, True, "siap", *TORJUN_2, 0),
        (*T3, 8, 0, True, "belum_bimtek", *KARA_1, 0),
        (*T4, 7, 0, True, "belum_bimtek", *KARA_2, 0),
    ])
    # 2024-01-24: TPS 2 and TPS 4 not yet appointed (SK 2024-01-25); no session yet.
    assert rows(variants.query("tps_status", as_of=date(2024, 1, 24))) == table(TPS_COLUMNS, [
        (*T1, 7, 0, True, "belum_bimtek", *TORJUN_1, 0),
        (*T2, 0, 0, False, "kurang_petugas", *TORJUN_2, 5),
        (*T3, 8, 0, True, "belum_bimtek", *KARA_1, 0),
        (*T4, 0, 0, False, "kurang_petugas", *KARA_2, 7),
    ])
    # fmt: on


def test_kpps_belum_bimtek_spellings(variants, rows):
    # Every false spelling keeps its member untrained; kali_absen counts session 01 once.
    # jabatan comes back as ketua/anggota; phone numbers keep their leading 0.
    df = variants.query("kpps_belum_bimtek")
    keys = ("kode_tps", "nik", "nama", "jabatan", "tanggal_sk", "no_hp", "kali_absen")
    got = [tuple(r[k] for k in keys) for r in rows(df)]
    sk = date(2024, 1, 25)
    # fmt: off
    assert got == [
        ("3527022002001", "3527021907781014", "Nanang Kosim", "ketua", None, "081300001014", 1),
        ("3527022002001", "3527026008901015", "Oktaviani", "anggota", None, "081300001015", 1),
        ("3527022002001", "3527022109821016", "Purnomo", "anggota", None, "081300001016", 1),
        ("3527022002001", "3527026210951017", "Qomariyah", "anggota", None, "081300001017", 1),
        ("3527022002001", "3527022311871018", "Rahmat", "anggota", None, "081300001018", 1),
        ("3527022002001", "3527026412921019", "Sari Dewi", "anggota", None, "081300001019", 1),
        ("3527022002001", "3527022501861020", "Teguh Santoso", "anggota", None, "081300001020", 1),
        ("3527022002001", "3527026602931021", "Umi Hanik", "anggota", None, None, 1),
        ("3527022002002", "3527020107851026", "Arif Budiman", "anggota", sk, "081300001026", 1),
        ("3527022002002", "3527024208921027", "Bella Safitri", "anggota", sk, "081300001027", 1),
        ("3527022002002", "3527020309801028", "Cahyo Nugroho", "anggota", sk, "081300001028", 0),
        ("3527022002002", "3527026804911023", "Wulan Sari", "anggota", sk, "081300001023", 1),
        ("3527022002002", "3527022905891024", "Yusuf Maulana", "anggota", sk, "081300001024", 1),
        ("3527022002002", "3527027006941025", "Zahra Aulia", "anggota", sk, "081300001025", 1),
    ]
    # fmt: on


def test_ringkasan_kecamatan(variants, rows, status_sums):
    # Seats 7 + 5 + 8 + 7 = 27, all filled; trained 7 + 5 + 0 + 1 = 13 (13/27); two sessions;
    # two visits; session 01 visited; desa Kara visited (the 01-27 visit names no desa).
    df = variants.query("ringkasan_kecamatan")
    assert rows(df) == [
        {
            "kode_kecamatan": "35.27.02",
            "kecamatan": "Torjun",
            "desa": 2,
            "tps": 4,
            "kebutuhan_kpps": 27,
            "kpps_aktif": 27,
            "kursi_kosong": 0,
            "kpps_terlatih": 13,
            "cakupan_bimtek": 0.481481,
            "tps_siap": 2,
            "tps_kurang_petugas": 0,
            "tps_tanpa_ketua": 0,
            "tps_belum_bimtek": 2,
            "sesi_bimtek": 2,
            "kunjungan_supervisi": 2,
            "sesi_disupervisi": 1,
            "desa_dikunjungi": 1,
        }
    ]
    status_sums(df)


def test_bimtek_sesi_kehadiran_joins_text_session_codes(variants, rows):
    # "01" and "02" stay text in bimtek_sesi.csv and in the XLSX, so the roll calls attach.
    # Session 01: 27 called, 13 present, 14 absent, 13/30; session 02: 1 of 1, no capacity.
    df = variants.query("bimtek_sesi_kehadiran")
    keys = ("kode_sesi", "dipanggil", "hadir", "tidak_hadir", "keterisian", "disupervisi")
    got = [tuple(r[k] for k in keys) for r in rows(df)]
    assert got == [("01", 27, 13, 14, 0.433333, True), ("02", 1, 1, 0, None, False)]


def test_supervisi_sesi(variants, rows):
    df = variants.query("supervisi_sesi")
    got = [(r["kode_sesi"], r["kunjungan"], r["disupervisi"], r["pengawas"]) for r in rows(df)]
    assert got == [("01", 1, True, "Ahmad Fauzi"), ("02", 0, False, None)]


@pytest.mark.parametrize(
    ("query", "column", "value"),
    [
        ("tps_status", "kode_tps", "3527022001001"),
        ("kpps_belum_bimtek", "nik", "3527021907781014"),
        ("kpps_belum_bimtek", "no_hp", "081300001014"),
        ("bimtek_sesi_kehadiran", "kode_sesi", "01"),
        ("wilayah_daftar", "kode_provinsi", "35"),
    ],
)
def test_codes_stay_text(variants, query, column, value):
    first = variants.query(query)[column].iloc[0]
    assert isinstance(first, str)
    assert first == value
