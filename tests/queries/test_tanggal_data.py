"""tanggal_data and the store's default D, on both fixture datasets."""

from datetime import date

COLUMNS = ["tanggal_awal", "tanggal_akhir"]


def test_mini(mini, rows):
    # Earliest: SK 2024-01-10 (A1-A7). Latest: supervision visit of 2024-01-27 (the last SK is
    # 01-22, the last stop 01-21, the last session 01-26).
    df = mini.query("tanggal_data")
    assert list(df.columns) == COLUMNS
    assert rows(df) == [{"tanggal_awal": date(2024, 1, 10), "tanggal_akhir": date(2024, 1, 27)}]
    assert mini.default_as_of == date(2024, 1, 27)


def test_variants(variants, rows):
    # Earliest: the visit of 2024-01-20. Latest: a stop (tanggal_berhenti) of 2024-02-01, later
    # than the last SK (01-25), session (01-29) and visit (01-27).
    df = variants.query("tanggal_data")
    assert rows(df) == [{"tanggal_awal": date(2024, 1, 20), "tanggal_akhir": date(2024, 2, 1)}]
    assert variants.default_as_of == date(2024, 2, 1)
