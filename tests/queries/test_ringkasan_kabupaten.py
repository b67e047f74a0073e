"""ringkasan_kabupaten on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

COLUMNS = [
    "kode_kabupaten", "kabupaten", "desa", "tps", "kebutuhan_kpps", "kpps_aktif", "kursi_kosong",
    "kpps_terlatih", "cakupan_bimtek", "tps_siap", "tps_kurang_petugas", "tps_tanpa_ketua",
    "tps_belum_bimtek", "sesi_bimtek", "kunjungan_supervisi", "sesi_disupervisi",
    "desa_dikunjungi",
]  # fmt: skip

# fmt: off
# Bangkalan = Kamal only: TPS G, 4 seats, 3 active anggota (no ketua) all trained in S3 on 01-16:
# kurang_petugas. No session, no visit. Same at D1 and D2.
BANGKALAN = ("35.26", "Bangkalan", 1, 1, 4, 3, 1, 3, 1.0, 0, 1, 0, 0, 0, 0, 0, 0)
# Sampang at D1: seats A7+B5+C7+D7 (Torjun 26) + E4+F7 (Sreseh 11) = 37; active A6 (A1-4, A7, A8)
# + B6 + C7 + E4 + F7 = 30; empty seats A1 + D7 = 8; trained 30 minus A8, B6, F7 = 27;
# status E siap, A D kurang, C tanpa_ketua, B F belum; sessions <= D1: S1 S2 S3; visits <= D1:
# V1 V6 V2 V3; supervised: S1; desa visited: Torjun, Labuhan.
SAMPANG_D1 = ("35.27", "Sampang", 4, 6, 37, 30, 8, 27, 0.9, 1, 2, 1, 2, 3, 4, 1, 2)
# D2: active A1-4, A8, A9 (still 6); trained 30 minus A9, B6 = 28 (28/30); F now siap;
# sessions + S4 S5 = 5; visits + V4 V5 = 6; supervised S1 S4; desa visited + Kara = 3.
SAMPANG_D2 = ("35.27", "Sampang", 4, 6, 37, 30, 8, 28, 0.933333, 2, 2, 1, 1, 5, 6, 2, 3)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table, status_sums):
    df = mini.query("ringkasan_kabupaten", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [BANGKALAN, SAMPANG_D1])
    status_sums(df)


def test_no_filter_at_d2(mini, rows, table, status_sums):
    df = mini.query("ringkasan_kabupaten", as_of=D2)
    assert rows(df) == table(COLUMNS, [BANGKALAN, SAMPANG_D2])
    status_sums(df)


def test_default_as_of_is_d2(mini, rows, table):
    assert rows(mini.query("ringkasan_kabupaten")) == table(COLUMNS, [BANGKALAN, SAMPANG_D2])


def test_one_kecamatan(mini, rows, table, status_sums):
    # Torjun only: TPS A B C D; sessions S1 S2; visits V6 V1 V2; S1 supervised; desa Torjun.
    df = mini.query("ringkasan_kabupaten", as_of=D1, kecamatan=["35.27.02"])
    expected = [("35.27", "Sampang", 2, 4, 26, 19, 8, 17, 0.894737, 0, 2, 1, 1, 2, 3, 1, 1)]
    assert rows(df) == table(COLUMNS, expected)
    status_sums(df)


def test_two_desa_at_d1(mini, rows, table, status_sums):
    # TPS A (kurang, 6 active, 5 trained), B (belum, 6/5), F (belum, 7/6): 19 active, 16
    # trained. Sessions of Torjun and Sreseh <= D1: S1 S2 S3. Visits naming desa in scope:
    # V1 V2 V3 (V6 names no desa, so it does not count). S1 is named by V1 (desa Torjun).
    df = mini.query("ringkasan_kabupaten", as_of=D1, desa=DUA_DESA)
    expected = [("35.27", "Sampang", 2, 3, 19, 19, 1, 16, 0.842105, 0, 1, 0, 2, 3, 3, 1, 2)]
    assert rows(df) == table(COLUMNS, expected)
    status_sums(df)


def test_two_desa_at_d2(mini, rows, table, status_sums):
    # Trained: A 5 (A1-4, A8) + B 5 + F 7 = 17; F siap. Sessions S1-S5; visits V1 V2 V3 V4
    # (V5 names Kara); S1 (V1) and S4 (V4, naming Labuhan) supervised.
    df = mini.query("ringkasan_kabupaten", as_of=D2, desa=DUA_DESA)
    expected = [("35.27", "Sampang", 2, 3, 19, 19, 1, 17, 0.894737, 1, 1, 0, 1, 5, 4, 2, 2)]
    assert rows(df) == table(COLUMNS, expected)
    status_sums(df)


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("ringkasan_kabupaten", as_of=D1, kabupaten=["35.26"])) == table(
        COLUMNS, [BANGKALAN]
    )
    assert rows(mini.query("ringkasan_kabupaten", as_of=D2, kabupaten=["35.27"])) == table(
        COLUMNS, [SAMPANG_D2]
    )


def test_filter_matching_nothing(mini):
    assert len(mini.query("ringkasan_kabupaten", as_of=D1, kabupaten=["35.99"])) == 0
    # Filters combine with AND: Torjun is not in Bangkalan.
    df = mini.query("ringkasan_kabupaten", as_of=D1, kabupaten=["35.26"], kecamatan=["35.27.02"])
    assert len(df) == 0
