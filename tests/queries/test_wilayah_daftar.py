"""wilayah_daftar: every desa, in kode_desa order (wilayah.csv lists them out of order)."""

COLUMNS = [
    "kode_provinsi",
    "provinsi",
    "kode_kabupaten",
    "kabupaten",
    "kode_kecamatan",
    "kecamatan",
    "kode_desa",
    "desa",
    "jenis",
]
P = ("35", "Jawa Timur")


def test_mini(mini, rows, table):
    df = mini.query("wilayah_daftar")
    assert list(df.columns) == COLUMNS
    # "35" must stay text, not become the number 35.
    # fmt: off
    assert rows(df) == table(
        COLUMNS,
        [
            (*P, "35.26", "Bangkalan", "35.26.01", "Kamal", "35.26.01.1001", "Kamal",
             "kelurahan"),
            (*P, "35.27", "Sampang", "35.27.01", "Sreseh", "35.27.01.2001", "Noreh", "desa"),
            (*P, "35.27", "Sampang", "35.27.01", "Sreseh", "35.27.01.2002", "Labuhan", "desa"),
            (*P, "35.27", "Sampang", "35.27.02", "Torjun", "35.27.02.2001", "Torjun", "desa"),
            (*P, "35.27", "Sampang", "35.27.02", "Torjun", "35.27.02.2002", "Kara", "desa"),
        ],
    )
    # fmt: on


def test_variants_jenis_read_case_insensitively(variants, rows, table):
    # wilayah.csv writes " Desa " and "DESA": both are the value desa.
    assert rows(variants.query("wilayah_daftar")) == table(
        COLUMNS,
        [
            (*P, "35.27", "Sampang", "35.27.02", "Torjun", "35.27.02.2001", "Torjun", "desa"),
            (*P, "35.27", "Sampang", "35.27.02", "Torjun", "35.27.02.2002", "Kara", "desa"),
        ],
    )
