"""supervisi_sesi on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "kode_sesi", "kode_kecamatan", "kecamatan", "tanggal", "tempat", "kunjungan", "disupervisi",
    "pengawas",
]
AULA = "Aula Kecamatan Torjun"

# S1: V6 (Budi Santoso) and V1 (Ahmad Fauzi) on 01-15: names sorted and joined with "; ".
S1 = ("BT-352702-01", "35.27.02", "Torjun", date(2024, 1, 15), AULA, 2, True,
      "Ahmad Fauzi; Budi Santoso")
S3 = ("BT-352701-01", "35.27.01", "Sreseh", date(2024, 1, 16), "Balai Desa Noreh", 0, False,
      None)
S2 = ("BT-352702-02", "35.27.02", "Torjun", date(2024, 1, 17), AULA, 0, False, None)
# S4 (01-24) and S5 (01-26) appear only from their date on; V4 visits S4 on its day.
S4 = ("BT-352701-02", "35.27.01", "Sreseh", date(2024, 1, 24), "Balai Desa Labuhan", 1, True,
      "Budi Santoso")
S5 = ("BT-352702-03", "35.27.02", "Torjun", date(2024, 1, 26), AULA, 0, False, None)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    df = mini.query("supervisi_sesi", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [S1, S3, S2])


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("supervisi_sesi", as_of=D2)) == table(COLUMNS, [S1, S3, S2, S4, S5])


def test_one_kecamatan(mini, rows, table):
    assert rows(mini.query("supervisi_sesi", as_of=D2, kecamatan=["35.27.01"])) == table(
        COLUMNS, [S3, S4]
    )
    assert rows(mini.query("supervisi_sesi", as_of=D1, kecamatan=["35.27.01"])) == table(
        COLUMNS, [S3]
    )


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("supervisi_sesi", as_of=D1, kabupaten=["35.27"])) == table(
        COLUMNS, [S1, S3, S2]
    )
    assert len(mini.query("supervisi_sesi", as_of=D2, kabupaten=["35.26"])) == 0


def test_filter_matching_nothing(mini):
    assert len(mini.query("supervisi_sesi", as_of=D2, kecamatan=["35.27.99"])) == 0


def test_two_desa(mini, rows, table):
    # Spec reading (docs/queries.md): rows are sessions of a kecamatan in scope, and a session
    # belongs to its kecamatan, not to a desa, so a session's visits are all its visits: S1
    # keeps V6 (names no desa) beside V1. If the desa filter were meant to drop visits that
    # name no desa in scope here too, S1 would show 1 visit by "Ahmad Fauzi" only.
    df = mini.query("supervisi_sesi", as_of=D2, desa=DUA_DESA)
    assert rows(df) == table(COLUMNS, [S1, S3, S2, S4, S5])
