"""ringkasan_kecamatan on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "desa", "tps", "kebutuhan_kpps", "kpps_aktif", "kursi_kosong",
    "kpps_terlatih", "cakupan_bimtek", "tps_siap", "tps_kurang_petugas", "tps_tanpa_ketua",
    "tps_belum_bimtek", "sesi_bimtek", "kunjungan_supervisi", "sesi_disupervisi",
    "desa_dikunjungi",
]

# Kamal: TPS G, 4 seats, 3 anggota trained in Sreseh's S3: kurang_petugas (beats tanpa_ketua).
# No session, nobody visits. cakupan 3/3.
KAMAL = ("35.26.01", "Kamal", 1, 1, 4, 3, 1, 3, 1.0, 0, 1, 0, 0, 0, 0, 0, 0)
# Sreseh at D1: E (4 seats, 4 trained, siap) + F (7 seats, F7 trains only on 01-24: belum);
# 10/11 trained; S3 held (S4 is after D1), not supervised; V3 on D1 itself counts (Labuhan).
SRESEH_D1 = ("35.27.01", "Sreseh", 2, 2, 11, 11, 0, 10, 0.909091, 1, 0, 0, 1, 1, 1, 0, 1)
# Torjun at D1: seats A7 (blank) + B5 + C7 + D7 = 26. Active: A1-A4, A7 (stops 01-21 > D1),
# A8 (SK 01-19) = 6 (A5 stopped 01-19, A6 stopped ON D1, A9 SK 01-22) + B6 + C7 + D0 = 19;
# the unknown-TPS row 3527022001009 counts nowhere. Empty seats A1 + D7 = 8 (B's surplus is not
# negative). Trained: A 5 (not A8) + B 5 (not B6) + C 7 (C7 via S3) = 17.
# A, D kurang_petugas; C tanpa_ketua; B belum_bimtek. Sessions S1 S2; visits V6 V1 (01-15) and
# V2; S1 supervised; only desa Torjun visited.
TORJUN_D1 = ("35.27.02", "Torjun", 2, 4, 26, 19, 8, 17, 0.894737, 0, 2, 1, 1, 2, 3, 1, 1)
# D2: F7 trained (S4, 01-24): Sreseh all siap; S4 held and supervised by V4; V4 on 01-24.
SRESEH_D2 = ("35.27.01", "Sreseh", 2, 2, 11, 11, 0, 11, 1.0, 2, 0, 0, 0, 2, 2, 1, 1)
# Torjun at D2: A active A1-A4, A8, A9 = 6 (A7 stopped 01-21); trained A1-A4 + A8 (S5, 01-26)
# = 5, so still 17; S5 held, not supervised; V5 visits Kara: 4 visits, 2 desa visited.
TORJUN_D2 = ("35.27.02", "Torjun", 2, 4, 26, 19, 8, 17, 0.894737, 0, 2, 1, 1, 3, 4, 1, 2)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table, status_sums):
    df = mini.query("ringkasan_kecamatan", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [KAMAL, SRESEH_D1, TORJUN_D1])
    status_sums(df)


def test_no_filter_at_d2(mini, rows, table, status_sums):
    df = mini.query("ringkasan_kecamatan", as_of=D2)
    assert rows(df) == table(COLUMNS, [KAMAL, SRESEH_D2, TORJUN_D2])
    status_sums(df)


def test_default_as_of_is_d2(mini, rows, table):
    df = mini.query("ringkasan_kecamatan")
    assert rows(df) == table(COLUMNS, [KAMAL, SRESEH_D2, TORJUN_D2])


def test_one_kecamatan(mini, rows, table):
    for as_of, expected in ((D1, TORJUN_D1), (D2, TORJUN_D2)):
        df = mini.query("ringkasan_kecamatan", as_of=as_of, kecamatan=["35.27.02"])
        assert rows(df) == table(COLUMNS, [expected]), as_of


def test_two_desa(mini, rows, table, status_sums):
    # fmt: off
    # Sreseh, desa Labuhan only: TPS F. Sessions stay the kecamatan's (S3; S3 S4 at D2).
    # Visits naming Labuhan: V3 (D1); V3 V4 (D2). S4 is named by V4, which names Labuhan.
    sreseh_d1 = ("35.27.01", "Sreseh", 1, 1, 7, 7, 0, 6, 0.857143, 0, 0, 0, 1, 1, 1, 0, 1)
    sreseh_d2 = ("35.27.01", "Sreseh", 1, 1, 7, 7, 0, 7, 1.0, 1, 0, 0, 0, 2, 2, 1, 1)
    # Torjun, desa Torjun only: TPS A (kurang, 6 active / 5 trained) and B (belum, 6 / 5).
    # Visits naming desa Torjun: V1 V2 (V6 names no desa, V5 names Kara). S1 named by V1.
    torjun_d1 = ("35.27.02", "Torjun", 1, 2, 12, 12, 1, 10, 0.833333, 0, 1, 0, 1, 2, 2, 1, 1)
    torjun_d2 = ("35.27.02", "Torjun", 1, 2, 12, 12, 1, 10, 0.833333, 0, 1, 0, 1, 3, 2, 1, 1)
    # fmt: on
    df = mini.query("ringkasan_kecamatan", as_of=D1, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [sreseh_d1, torjun_d1])
    status_sums(df)
    df = mini.query("ringkasan_kecamatan", as_of=D2, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [sreseh_d2, torjun_d2])
    status_sums(df)


def test_one_kabupaten(mini, rows, table):
    df = mini.query("ringkasan_kecamatan", as_of=D2, kabupaten=["35.27"])
    assert rows(df) == table(COLUMNS, [SRESEH_D2, TORJUN_D2])
    df = mini.query("ringkasan_kecamatan", as_of=D1, kabupaten=["35.26"])
    assert rows(df) == table(COLUMNS, [KAMAL])


def test_filter_matching_nothing(mini):
    assert len(mini.query("ringkasan_kecamatan", as_of=D1, kecamatan=["35.27.99"])) == 0
    assert len(mini.query("ringkasan_kecamatan", as_of=D2, desa=["35.27.02.2999"])) == 0


def test_desa_filter_session_supervised_by_visit_outside_the_desa(mini, rows, table):
    # Spec reading (docs/queries.md): sessions belong to the kecamatan, so `sesi_bimtek` ignores
    # the desa filter; `sesi_disupervisi` is "those named by a visit dated <= D", and the
    # desa-filter restriction is written only for `kunjungan_supervisi`. With desa Kara alone,
    # S1 is still supervised (V1 names desa Torjun, V6 names no desa): 1, while kunjungan is 0.
    # TPS C (tanpa_ketua, 7 trained) and D (kurang, empty): 14 seats, 7 active, 7 empty.
    df = mini.query("ringkasan_kecamatan", as_of=D1, desa=["35.27.02.2002"])
    expected = [("35.27.02", "Torjun", 1, 2, 14, 7, 7, 7, 1.0, 0, 1, 1, 0, 2, 0, 1, 0)]
    assert rows(df) == table(COLUMNS, expected)
