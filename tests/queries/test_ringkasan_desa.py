"""ringkasan_desa on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "tps", "kebutuhan_kpps", "kpps_aktif",
    "kursi_kosong", "kpps_terlatih", "cakupan_bimtek", "tps_siap", "tps_kurang_petugas",
    "tps_tanpa_ketua", "tps_belum_bimtek", "kunjungan_supervisi",
]

# Kelurahan Kamal: TPS G (4 seats, 3 anggota, trained): kurang_petugas; never visited.
KAMAL = ("35.26.01", "Kamal", "35.26.01.1001", "Kamal", 1, 4, 3, 1, 3, 1.0, 0, 1, 0, 0, 0)
# Noreh: TPS E, 4 of 4 with ketua, all trained in S3: siap; never visited.
NOREH = ("35.27.01", "Sreseh", "35.27.01.2001", "Noreh", 1, 4, 4, 0, 4, 1.0, 1, 0, 0, 0, 0)
# Labuhan: TPS F, F7 untrained until 01-24. Visits V3 (01-20, on D1) and V4 (01-24).
LABUHAN_D1 = ("35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", 1, 7, 7, 0, 6, 0.857143,
              0, 0, 0, 1, 1)
LABUHAN_D2 = ("35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", 1, 7, 7, 0, 7, 1.0,
              1, 0, 0, 0, 2)
# Desa Torjun: TPS A (7 seats; D1 active A1-A4, A7, A8, trained all but A8; D2 active A1-A4, A8,
# A9, trained all but A9: 6 / 5 both days, kurang_petugas) and B (5 seats, 6 active, B6
# untrained: belum_bimtek). Visits naming the desa: V1, V2 (V6 names none).
TORJUN = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", 2, 12, 12, 1, 10, 0.833333,
          0, 1, 0, 1, 2)
# Kara: TPS C (7 anggota, trained: tanpa_ketua) and D (no members: 7 empty seats, kurang).
KARA_D1 = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", 2, 14, 7, 7, 7, 1.0, 0, 1, 1, 0, 0)
KARA_D2 = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", 2, 14, 7, 7, 7, 1.0, 0, 1, 1, 0, 1)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table, status_sums):
    df = mini.query("ringkasan_desa", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [KAMAL, NOREH, LABUHAN_D1, TORJUN, KARA_D1])
    status_sums(df)


def test_no_filter_at_d2(mini, rows, table, status_sums):
    df = mini.query("ringkasan_desa", as_of=D2)
    assert rows(df) == table(COLUMNS, [KAMAL, NOREH, LABUHAN_D2, TORJUN, KARA_D2])
    status_sums(df)


def test_one_kecamatan(mini, rows, table):
    df = mini.query("ringkasan_desa", as_of=D1, kecamatan=["35.27.01"])
    assert rows(df) == table(COLUMNS, [NOREH, LABUHAN_D1])


def test_two_desa(mini, rows, table):
    df = mini.query("ringkasan_desa", as_of=D2, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [LABUHAN_D2, TORJUN])
    df = mini.query("ringkasan_desa", as_of=D1, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [LABUHAN_D1, TORJUN])


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("ringkasan_desa", as_of=D1, kabupaten=["35.26"])) == table(
        COLUMNS, [KAMAL]
    )
    assert rows(mini.query("ringkasan_desa", as_of=D2, kabupaten=["35.27"])) == table(
        COLUMNS, [NOREH, LABUHAN_D2, TORJUN, KARA_D2]
    )


def test_filter_matching_nothing(mini):
    assert len(mini.query("ringkasan_desa", as_of=D1, desa=["35.27.01.2999"])) == 0
    # AND: desa Noreh does not lie in kecamatan Torjun.
    assert len(mini.query("ringkasan_desa", as_of=D1, kecamatan=["35.27.02"],
                          desa=["35.27.01.2001"])) == 0  # fmt: skip
