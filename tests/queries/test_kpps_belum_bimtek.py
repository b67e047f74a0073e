"""kpps_belum_bimtek on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "kode_tps", "nomor_tps", "nik", "nama",
    "jenis_kelamin", "jabatan", "tanggal_sk", "no_hp", "kali_absen",
]

# F7: trained only at S4 (01-24); never on another roll call.
F7 = ("35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", "3527012002001", 1, "3527010909920033",
      "Taufik Hidayat", "L", "anggota", None, "081231000033", 0)
# A8: PAW appointed 01-19, trained at S5 (01-26).
A8 = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001001", 1, "3527024905950008",
      "Rofiqoh", "P", "anggota", date(2024, 1, 19), "081231000008", 0)
# A9: PAW appointed 01-22, blank phone, absent at S5 (01-26).
A9 = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001001", 1, "3527022708930009",
      "Zainal Arifin", "L", "anggota", date(2024, 1, 22), None, 1)
# B6: absent at S1 (two identical rows: one session) and at S2: 2.
B6 = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001002", 2, "3527024303960015",
      "Yuliana", "P", "anggota", None, "081231000015", 2)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    # Joko Susilo (TPS 3527022001009 does not exist, never trained) is not listed.
    df = mini.query("kpps_belum_bimtek", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [F7, A8, B6])


def test_no_filter_at_d2(mini, rows, table):
    # F7 and A8 trained by now; A9 appointed 01-22 and absent at S5.
    assert rows(mini.query("kpps_belum_bimtek", as_of=D2)) == table(COLUMNS, [A9, B6])


def test_two_desa(mini, rows, table):
    assert rows(mini.query("kpps_belum_bimtek", as_of=D1, desa=DUA_DESA)) == table(
        COLUMNS, [F7, A8, B6]
    )
    assert rows(mini.query("kpps_belum_bimtek", as_of=D2, desa=DUA_DESA)) == table(
        COLUMNS, [A9, B6]
    )


def _short(df, rows):
    return [(r["kode_tps"], r["jabatan"], r["nama"], r["kali_absen"]) for r in rows(df)]


def test_one_kecamatan_on_the_first_session_day(mini, rows):
    # As of 01-15 only S1 has been held. Torjun: A4 absent at S1 (1); B6 absent at S1 on two
    # identical rows (1, not 2); C1-C7 not yet trained (C7 on 01-16, C1-C6 on 01-17), by nama.
    df = mini.query("kpps_belum_bimtek", as_of=date(2024, 1, 15), kecamatan=["35.27.02"])
    assert _short(df, rows) == [
        ("3527022001001", "anggota", "Nur Aini", 1),
        ("3527022001002", "anggota", "Yuliana", 1),
        ("3527022002001", "anggota", "Agus Salim", 0),
        ("3527022002001", "anggota", "Ahmad Dahlan", 0),
        ("3527022002001", "anggota", "Bambang Irawan", 0),
        ("3527022002001", "anggota", "Dewi Sartika", 0),
        ("3527022002001", "anggota", "Khoirun Nisa", 0),
        ("3527022002001", "anggota", "Muhammad Ilham", 0),
        ("3527022002001", "anggota", "Sri Wahyuni", 0),
    ]
    # A4 is trained at S2 (01-17): gone two days later, though still absent once.
    df = mini.query("kpps_belum_bimtek", as_of=date(2024, 1, 17), kecamatan=["35.27.02"])
    assert _short(df, rows) == [("3527022001002", "anggota", "Yuliana", 2)]


def test_ketua_first_then_nama(mini, rows):
    # Sreseh as of 01-15: nobody trained yet (S3 is 01-16). The ketua comes first in each TPS
    # although "Mahfud" > "Halimah" and "Rasyid" > "Hidayat"; then anggota by nama.
    df = mini.query("kpps_belum_bimtek", as_of=date(2024, 1, 15), kecamatan=["35.27.01"])
    assert _short(df, rows) == [
        ("3527012001001", "ketua", "Mahfud", 0),
        ("3527012001001", "anggota", "Halimah", 0),
        ("3527012001001", "anggota", "Nurul Hidayah", 0),
        ("3527012001001", "anggota", "Sholeh", 0),
        ("3527012002001", "ketua", "Rasyid", 0),
        ("3527012002001", "anggota", "Hidayat", 0),
        ("3527012002001", "anggota", "Junaidi", 0),
        ("3527012002001", "anggota", "Maimunah", 0),
        ("3527012002001", "anggota", "Mariyam", 0),
        ("3527012002001", "anggota", "Sulastri", 0),
        ("3527012002001", "anggota", "Taufik Hidayat", 0),
    ]


def test_one_kabupaten(mini, rows):
    # Bangkalan: G1-G3 untrained on 01-15, all trained in Sreseh's S3 on 01-16.
    df = mini.query("kpps_belum_bimtek", as_of=date(2024, 1, 15), kabupaten=["35.26"])
    assert [(r["nik"], r["nama"]) for r in rows(df)] == [
        ("3526012001900036", "Rudi Hartono"),
        ("3526010505830034", "Sugeng"),
        ("3526015808880035", "Wartini"),
    ]
    assert len(mini.query("kpps_belum_bimtek", as_of=D1, kabupaten=["35.26"])) == 0


def test_filter_matching_nothing(mini):
    assert len(mini.query("kpps_belum_bimtek", as_of=D2, desa=["35.27.02.2999"])) == 0


def test_batas_keeps_the_first_rows_of_the_list(mini, rows):
    # The list cut to two rows is the uncut list's first two, with the same absence counts.
    whole = rows(mini.query("kpps_belum_bimtek", as_of=D1))
    assert len(whole) > 2
    assert rows(mini.query("kpps_belum_bimtek", as_of=D1, batas=2)) == whole[:2]
    assert rows(mini.query("kpps_belum_bimtek", as_of=D1, batas=0)) == []
