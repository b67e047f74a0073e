"""tps_kekurangan on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "kode_tps", "nomor_tps",
    "kebutuhan_kpps", "kpps_aktif", "kursi_kosong", "ada_ketua", "kpps_terlatih", "status",
]

# Order: kursi_kosong desc, ada_ketua false first, kode_tps. B, E, F are full with a ketua.
# D: no members, 7 empty seats.
D = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", "3527022002002", 2, 7, 0, 7, False, 0,
     "kurang_petugas")
# G: 1 empty seat and no ketua: before A (1 empty seat, with ketua) at D1.
G = ("35.26.01", "Kamal", "35.26.01.1001", "Kamal", "3526011001001", 1, 4, 3, 1, False, 3,
     "kurang_petugas")
A_D1 = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001001", 1, 7, 6, 1, True, 5,
        "kurang_petugas")
# At D2 the ketua A7 has stopped (01-21): A ties with G on both keys; kode_tps decides.
A_D2 = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001001", 1, 7, 6, 1, False, 5,
        "kurang_petugas")
# C: no empty seat but no ketua.
C = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", "3527022002001", 1, 7, 7, 0, False, 7,
     "tanpa_ketua")
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("tps_kekurangan", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [D, G, A_D1, C])


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("tps_kekurangan", as_of=D2)) == table(COLUMNS, [D, G, A_D2, C])


def test_before_any_sk(mini, rows, table):
    # 2024-01-09: A1-A7 are appointed 01-10, so TPS A is empty too and ties with D (7, no
    # ketua): kode_tps order. Nobody is trained yet (first session 01-15).
    # fmt: off
    a = ("35.27.02", "Torjun", "35.27.02.2001", "Torjun", "3527022001001", 1, 7, 0, 7, False, 0,
         "kurang_petugas")
    g = ("35.26.01", "Kamal", "35.26.01.1001", "Kamal", "3526011001001", 1, 4, 3, 1, False, 0,
         "kurang_petugas")
    c = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", "3527022002001", 1, 7, 7, 0, False, 0,
         "tanpa_ketua")
    # fmt: on
    df = mini.query("tps_kekurangan", as_of=date(2024, 1, 9))
    assert rows(df) == table(COLUMNS, [a, D, g, c])


def test_one_kecamatan(mini, rows, table):
    df = mini.query("tps_kekurangan", as_of=D1, kecamatan=["35.27.02"])
    assert rows(df) == table(COLUMNS, [D, A_D1, C])


def test_two_desa(mini, rows, table):
    # Desa Torjun and Labuhan: only A lacks anything (B has a surplus, F is full).
    assert rows(mini.query("tps_kekurangan", as_of=D1, desa=DUA_DESA)) == table(COLUMNS, [A_D1])
    assert rows(mini.query("tps_kekurangan", as_of=D2, desa=DUA_DESA)) == table(COLUMNS, [A_D2])


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("tps_kekurangan", as_of=D2, kabupaten=["35.26"])) == table(COLUMNS, [G])


def test_filter_matching_nothing(mini):
    assert len(mini.query("tps_kekurangan", as_of=D1, kecamatan=["35.26.99"])) == 0
    # Sreseh has no shortage at all: an area in scope, but no row.
    assert len(mini.query("tps_kekurangan", as_of=D1, kecamatan=["35.27.01"])) == 0
