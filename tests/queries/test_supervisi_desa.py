"""supervisi_desa on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "lat", "lon", "kunjungan",
    "kunjungan_terakhir", "dikunjungi",
]

# Nobody ever visits kelurahan Kamal or desa Noreh.
KAMAL = ("35.26.01", "Kamal", "35.26.01.1001", "Kamal", -7.15, 112.73, 0, None, False)
NOREH = ("35.27.01", "Sreseh", "35.27.01.2001", "Noreh", -7.2, 113.1, 0, None, False)
# Labuhan: V3 on D1 itself; V4 on 01-24.
LABUHAN_D1 = ("35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", -7.22, 113.14, 1,
              date(2024, 1, 20), True)
LABUHAN_D2 = ("35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", -7.22, 113.14, 2,
              date(2024, 1, 24), True)
# Desa Torjun: V1 (01-15) and V2 (01-18); V6 names no desa and counts for no desa.
TORJUN = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", -7.18, 113.2, 2, date(2024, 1, 18),
          True)
# Kara: V5 on 01-27 only.
KARA_D1 = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", -7.16, 113.22, 0, None, False)
KARA_D2 = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", -7.16, 113.22, 1, date(2024, 1, 27),
           True)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("supervisi_desa", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [KAMAL, NOREH, LABUHAN_D1, TORJUN, KARA_D1])


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("supervisi_desa", as_of=D2)) == table(
        COLUMNS, [KAMAL, NOREH, LABUHAN_D2, TORJUN, KARA_D2]
    )


def test_one_kecamatan(mini, rows, table):
    df = mini.query("supervisi_desa", as_of=D2, kecamatan=["35.27.02"])
    assert rows(df) == table(COLUMNS, [TORJUN, KARA_D2])


def test_two_desa(mini, rows, table):
    df = mini.query("supervisi_desa", as_of=D1, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [LABUHAN_D1, TORJUN])


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("supervisi_desa", as_of=D1, kabupaten=["35.26"])) == table(
        COLUMNS, [KAMAL]
    )


def test_filter_matching_nothing(mini):
    assert len(mini.query("supervisi_desa", as_of=D1, desa=["35.26.01.2001"])) == 0
