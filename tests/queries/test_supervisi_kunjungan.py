"""supervisi_kunjungan on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)  # the default D
DUA_DESA = ["35.27.02.2001", "35.27.01.2002"]  # desa Torjun (TPS A, B) and Labuhan (TPS F)

# fmt: off
COLUMNS = [
    "tanggal", "pengawas", "lembaga", "kode_kecamatan", "kecamatan", "kode_desa", "desa",
    "kode_sesi", "temuan", "tindak_lanjut", "lat", "lon",
]
KAB = "KPU Kabupaten Sampang"
PROV = "KPU Provinsi Jawa Timur"

# Order: tanggal, kode_kecamatan, pengawas: V1 (Ahmad) before V6 (Budi), though the file has V6
# first. Points: the desa's, or for V6 (no desa) the mean of Torjun's desa:
# ((-7.18 + -7.16) / 2, (113.20 + 113.22) / 2) = (-7.17, 113.21).
V1 = (date(2024, 1, 15), "Ahmad Fauzi", KAB, "35.27.02", "Torjun", "35.27.02.2001", "Torjun",
      "BT-352702-01", "Daftar hadir belum ditandatangani", "Diminta melengkapi daftar hadir",
      -7.18, 113.2)
V6 = (date(2024, 1, 15), "Budi Santoso", KAB, "35.27.02", "Torjun", None, None, "BT-352702-01",
      "Materi pemungutan suara sudah disampaikan", None, -7.17, 113.21)
V2 = (date(2024, 1, 18), "Siti Rahmah", PROV, "35.27.02", "Torjun", "35.27.02.2001", "Torjun",
      None, "TPS 001 kekurangan satu anggota", "Segera proses PAW", -7.18, 113.2)
V3 = (date(2024, 1, 20), "Ahmad Fauzi", KAB, "35.27.01", "Sreseh", "35.27.01.2002", "Labuhan",
      None, "Satu anggota belum ikut bimtek", "Dijadwalkan bimtek susulan", -7.22, 113.14)
V4 = (date(2024, 1, 24), "Budi Santoso", KAB, "35.27.01", "Sreseh", "35.27.01.2002", "Labuhan",
      "BT-352701-02", "Bimtek susulan berjalan lancar", None, -7.22, 113.14)
V5 = (date(2024, 1, 27), "Siti Rahmah", PROV, "35.27.02", "Torjun", "35.27.02.2002", "Kara",
      None, "TPS 001 belum punya ketua", "Tetapkan ketua KPPS", -7.16, 113.22)
# fmt: on


def test_columns_and_no_filter_at_d1(mini, rows, table):
    # V3 is dated D1 itself: included; V4, V5 are after D1.
    df = mini.query("supervisi_kunjungan", as_of=D1)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [V1, V6, V2, V3])


def test_no_filter_at_d2(mini, rows, table):
    assert rows(mini.query("supervisi_kunjungan", as_of=D2)) == table(
        COLUMNS, [V1, V6, V2, V3, V4, V5]
    )


def test_one_kecamatan(mini, rows, table):
    assert rows(mini.query("supervisi_kunjungan", as_of=D2, kecamatan=["35.27.01"])) == table(
        COLUMNS, [V3, V4]
    )


def test_two_desa(mini, rows, table):
    # With a desa filter only visits naming a desa in scope: V6 (no desa) drops out.
    assert rows(mini.query("supervisi_kunjungan", as_of=D1, desa=DUA_DESA)) == table(
        COLUMNS, [V1, V2, V3]
    )
    assert rows(mini.query("supervisi_kunjungan", as_of=D2, desa=["35.27.02.2002"])) == table(
        COLUMNS, [V5]
    )


def test_one_kabupaten(mini, rows, table):
    assert rows(mini.query("supervisi_kunjungan", as_of=D1, kabupaten=["35.27"])) == table(
        COLUMNS, [V1, V6, V2, V3]
    )
    # Nobody visits Bangkalan.
    assert len(mini.query("supervisi_kunjungan", as_of=D2, kabupaten=["35.26"])) == 0


def test_filter_matching_nothing(mini):
    assert len(mini.query("supervisi_kunjungan", as_of=D2, desa=["35.27.02.2999"])) == 0
