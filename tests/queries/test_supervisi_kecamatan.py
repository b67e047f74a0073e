"""supervisi_kecamatan on the mini fixture (planted cases: tests/fixtures/mini/README.md).

Visits: V6 01-15 Torjun (no desa, S1); V1 01-15 Torjun desa Torjun (S1); V2 01-18 desa Torjun;
V3 01-20 Sreseh desa Labuhan; V4 01-24 desa Labuhan (S4); V5 01-27 Torjun desa Kara.
"""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kunjungan", "sesi", "sesi_disupervisi", "desa",
    "desa_dikunjungi", "kunjungan_terakhir", "hari_sejak_kunjungan",
]

# Kamal: nobody visited, no session: last visit and days since are NULL.
KAMAL = ("35.26.01", "Kamal", 0, 0, 0, 1, 0, None, None)
# Sreseh at D1: V3 on D1 itself (0 days); S3 held, not visited.
SRESEH_D1 = ("35.27.01", "Sreseh", 1, 1, 0, 2, 1, date(2024, 1, 20), 0)
# Torjun at D1: V6 V1 V2; S1 S2 held, S1 visited; desa Torjun visited; 01-20 - 01-18 = 2 days.
TORJUN_D1 = ("35.27.02", "Torjun", 3, 2, 1, 2, 1, date(2024, 1, 18), 2)
# Sreseh at D2: V3 V4; S3 S4, S4 visited; 01-27 - 01-24 = 3 days.
SRESEH_D2 = ("35.27.01", "Sreseh", 2, 2, 1, 2, 1, date(2024, 1, 24), 3)
# Torjun at D2: + V5 (on D2, to Kara); + S5 (not visited).
TORJUN_D2 = ("35.27.02", "Torjun", 4, 3, 1, 2, 2, date(2024, 1, 27), 0)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("supervisi_kecamatan", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [KAMAL, SRESEH_D1, TORJUN_D1])


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("supervisi_kecamatan", as_of=D2)) == table(
        COLUMNS, [KAMAL, SRESEH_D2, TORJUN_D2]
    )


def test_one_kecamatan(mini, rows, table):
    df = mini.query("supervisi_kecamatan", as_of=D1, kecamatan=["35.27.02"])
    assert rows(df) == table(COLUMNS, [TORJUN_D1])


def test_two_desa_at_d2(mini, rows, table):
    # Only visits naming desa Torjun or Labuhan count: Torjun keeps V1 V2 (not V6, no desa; not
    # V5, Kara), last 01-18: 9 days. S1 is named by V1 (desa Torjun): supervised either way.
    df = mini.query("supervisi_kecamatan", as_of=D2, desa=DUA_DESA)
    assert rows(df) == table(
        COLUMNS,
        [
            ("35.27.01", "Sreseh", 2, 2, 1, 1, 1, date(2024, 1, 24), 3),
            ("35.27.02", "Torjun", 2, 3, 1, 1, 1, date(2024, 1, 18), 9),
        ],
    )


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("supervisi_kecamatan", as_of=D2, kabupaten=["35.26"])) == table(
        COLUMNS, [KAMAL]
    )
    assert rows(mini.query("supervisi_kecamatan", as_of=D1, kabupaten=["35.27"])) == table(
        COLUMNS, [SRESEH_D1, TORJUN_D1]
    )


def test_filter_matching_nothing(mini):
    assert len(mini.query("supervisi_kecamatan", as_of=D1, kabupaten=["35.99"])) == 0
