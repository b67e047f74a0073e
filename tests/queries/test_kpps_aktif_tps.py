"""kpps_aktif_tps on the mini fixture (planted cases: tests/fixtures/mini/README.md)."""

from datetime import date

D1 = date(2024, 1, 20)
D2 = date(2024, 1, 27)
LABUHAN = ["35.27.01.2002"]  # TPS F only
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "kode_tps", "nomor_tps", "nik", "nama",
    "jenis_kelamin", "jabatan", "tanggal_sk", "terlatih", "tanggal_bimtek_pertama",
]  # fmt: skip
S3 = date(2024, 1, 16)
S4 = date(2024, 1, 24)


def _f(nik: str, nama: str, jk: str, jabatan: str, terlatih: bool, first: date | None) -> tuple:
    return ("35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", "3527012002001", 1, nik, nama, jk,
            jabatan, None, terlatih, first)  # fmt: skip


def test_members_of_tps_f_with_training(mini, rows, table):
    # F1..F6 present at S3 (16 Jan); F7 (Taufik Hidayat) only at S4 (24 Jan, after D1).
    # Ketua first, then by name.
    trained_f = [
        ("3527010110800027", "Rasyid", "L", "ketua"),
        ("3527011608910029", "Junaidi", "L", "anggota"),
        ("3527014404840028", "Maimunah", "P", "anggota"),
        ("3527014711870032", "Mariyam", "P", "anggota"),
        ("3527013006950031", "Hidayat", "L", "anggota"),
        ("3527016802790030", "Sulastri", "P", "anggota"),
    ]
    trained_f.sort(key=lambda r: (r[3] != "ketua", r[1]))
    taufik = ("3527010909920033", "Taufik Hidayat", "L", "anggota")
    d1 = mini.query("kpps_aktif_tps", as_of=D1, desa=LABUHAN)
    assert list(d1.columns) == COLUMNS
    expected_d1 = [_f(*r, True, S3) for r in trained_f] + [_f(*taufik, False, None)]
    expected_d1.sort(key=lambda r: (r[9] != "ketua", r[7]))
    assert rows(d1) == table(COLUMNS, expected_d1)
    d2 = mini.query("kpps_aktif_tps", as_of=D2, desa=LABUHAN)
    expected_d2 = [_f(*r, True, S3) for r in trained_f] + [_f(*taufik, True, S4)]
    expected_d2.sort(key=lambda r: (r[9] != "ketua", r[7]))
    assert rows(d2) == table(COLUMNS, expected_d2)


def test_counts_per_tps_match_the_seats_story(mini):
    # Active at D1 per TPS: A 6, B 6, C 7, E 4, F 7, G 3 (D has nobody; the unknown TPS none).
    df = mini.query("kpps_aktif_tps", as_of=D1)
    counts = df.groupby("kode_tps").size().to_dict()
    assert counts == {
        "3527022001001": 6,
        "3527022001002": 6,
        "3527022002001": 7,
        "3527012001001": 4,
        "3527012002001": 7,
        "3526011001001": 3,
    }
    assert mini.query("kpps_aktif_tps", as_of=D1, kecamatan=["35.27.99"]).empty
