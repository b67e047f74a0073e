"""bimtek_sesi_kehadiran on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_sesi", "kode_kecamatan", "kecamatan", "tanggal", "tempat", "kapasitas",
    "sudah_berlangsung", "keadaan_sesi", "dipanggil", "hadir", "tidak_hadir", "keterisian",
    "disupervisi",
]
AULA = "Aula Kecamatan Torjun"
HELD, PLANNED = "Sudah berlangsung", "Belum berlangsung"

# S1 roll call: A1 (twice), A2 A3 A5 A6 A7, B1-B5 present; A4 absent; B6 absent (twice):
# 13 distinct NIK, 11 present, 2 absent; 11/20. Visited by V1 and V6 on its day.
S1 = ("BT-352702-01", "35.27.02", "Torjun", date(2024, 1, 15), AULA, 20, True, HELD, 13, 11, 2,
      0.55, True)
# S3 (Sreseh): C7 (of Torjun: counted here), E1-E4, F1-F6, G1-G3 (of Kamal) = 14 present; 14/25.
S3 = ("BT-352701-01", "35.27.01", "Sreseh", date(2024, 1, 16), "Balai Desa Noreh", 25, True,
      HELD, 14, 14, 0, 0.56, False)
# S2: A4 present, B6 absent, C1-C6 present: 8 called, 7 present; no capacity -> NULL.
S2 = ("BT-352702-02", "35.27.02", "Torjun", date(2024, 1, 17), AULA, None, True, HELD, 8, 7, 1,
      None, False)
# S4, S5 after D1: not held yet, so nothing about them is known: counts, fill and supervision
# NULL (issue 14: never "Hadir 0 · 0,0% · Disupervisi Tidak"); V4 (01-24) is after D1.
S4_D1 = ("BT-352701-02", "35.27.01", "Sreseh", date(2024, 1, 24), "Balai Desa Labuhan", 10,
         False, PLANNED, None, None, None, None, None)
S5_D1 = ("BT-352702-03", "35.27.02", "Torjun", date(2024, 1, 26), AULA, 10, False, PLANNED,
         None, None, None, None, None)
# At D2: S4 F7 present (1/10), supervised by V4; S5 A8 present, A9 absent (1/10).
S4_D2 = ("BT-352701-02", "35.27.01", "Sreseh", date(2024, 1, 24), "Balai Desa Labuhan", 10,
         True, HELD, 1, 1, 0, 0.1, True)
S5_D2 = ("BT-352702-03", "35.27.02", "Torjun", date(2024, 1, 26), AULA, 10, True, HELD, 2, 1, 1,
         0.1, False)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("bimtek_sesi_kehadiran", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [S1, S3, S2, S4_D1, S5_D1])


def test_no_filter_at_d2(mini, rows, table):
    df = mini.query("bimtek_sesi_kehadiran", as_of=D2)
    assert rows(df) == table(COLUMNS, [S1, S3, S2, S4_D2, S5_D2])


def test_one_kecamatan(mini, rows, table):
    # Sreseh's sessions; S3 still counts C7 of Torjun and G1-G3 of Kamal.
    df = mini.query("bimtek_sesi_kehadiran", as_of=D1, kecamatan=["35.27.01"])
    assert rows(df) == table(COLUMNS, [S3, S4_D1])


def test_two_desa(mini, rows, table):
    # Desa Torjun and Labuhan put both their kecamatan in scope: every session; the counts
    # cover the whole roll call. S1 is named by V1, which names desa Torjun; S4 by V4 naming
    # Labuhan: supervised under either reading of the desa filter.
    df = mini.query("bimtek_sesi_kehadiran", as_of=D2, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [S1, S3, S2, S4_D2, S5_D2])


def test_one_kabupaten(mini, rows, table):
    df = mini.query("bimtek_sesi_kehadiran", as_of=D1, kabupaten=["35.27"])
    assert rows(df) == table(COLUMNS, [S1, S3, S2, S4_D1, S5_D1])
    # Kamal holds no session of its own.
    assert len(mini.query("bimtek_sesi_kehadiran", as_of=D1, kabupaten=["35.26"])) == 0


def test_filter_matching_nothing(mini):
    assert len(mini.query("bimtek_sesi_kehadiran", as_of=D2, kecamatan=["35.27.99"])) == 0
