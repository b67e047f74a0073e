"""data_tabel on the mini fixture: rows per table and their date spans."""

from datetime import date


def test_rows_and_date_spans(mini, rows):
    # wilayah 5 desa, tps 7, kpps 37 rows (A9 + the unknown-TPS row included), 5 sessions
    # 15-26 Jan, 40 roll-call rows dated by their sessions, 6 visits 15-27 Jan. kpps dates:
    # earliest SK 10 Jan, latest stop/SK 22 Jan (A9's SK).
    df = mini.query("data_tabel")
    assert rows(df) == [
        {"tabel": "wilayah", "baris": 5, "tanggal_awal": None, "tanggal_akhir": None},
        {"tabel": "tps", "baris": 7, "tanggal_awal": None, "tanggal_akhir": None},
        {"tabel": "kpps", "baris": 37, "tanggal_awal": date(2024, 1, 10),
         "tanggal_akhir": date(2024, 1, 22)},
        {"tabel": "bimtek_sesi", "baris": 5, "tanggal_awal": date(2024, 1, 15),
         "tanggal_akhir": date(2024, 1, 26)},
        {"tabel": "bimtek_hadir", "baris": 40, "tanggal_awal": date(2024, 1, 15),
         "tanggal_akhir": date(2024, 1, 26)},
        {"tabel": "supervisi", "baris": 6, "tanggal_awal": date(2024, 1, 15),
         "tanggal_akhir": date(2024, 1, 27)},
    ]  # fmt: skip
