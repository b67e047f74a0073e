"""bimtek_sesi_lain on the mini fixture: members trained at a session of another kecamatan
(tests/fixtures/mini/README.md: C7 of Kara, Torjun, and G1–G3 of Kamal, all at Sreseh's S3)."""

from datetime import date

D2 = date(2024, 1, 27)  # the default D

# fmt: off
COLUMNS = [
    "kode_kecamatan", "kecamatan", "kode_desa", "desa", "kode_tps", "nomor_tps", "nik", "nama",
    "jabatan", "kode_sesi", "tanggal_sesi", "kode_kecamatan_sesi",
]
# Codes only: a Torjun viewer is never told Sreseh's name or its venue (Balai Desa Noreh).
S3 = ("BT-352701-01", date(2024, 1, 16), "35.27.01")
KAMAL = ("35.26.01", "Kamal", "35.26.01.1001", "Kamal", "3526011001001", 1)
# G1–G3, by name: Rudi Hartono, Sugeng, Wartini.
G = [
    (*KAMAL, "3526012001900036", "Rudi Hartono", "anggota", *S3),
    (*KAMAL, "3526010505830034", "Sugeng", "anggota", *S3),
    (*KAMAL, "3526015808880035", "Wartini", "anggota", *S3),
]
C7 = ("35.27.02", "Torjun", "35.27.02.2002", "Kara", "3527022002001", 1, "3527022505810022",
      "Agus Salim", "anggota", *S3)
# fmt: on


def test_every_member_trained_elsewhere(mini, rows, table):
    # Everybody else trained in their own kecamatan's sessions: Sreseh's own members at S3 and
    # S4 are not listed, nor the Torjun members of S1, S2 and S5.
    df = mini.query("bimtek_sesi_lain", as_of=D2)
    assert list(df.columns) == COLUMNS
    assert rows(df) == table(COLUMNS, [*G, C7])


def test_the_members_area_decides_who_sees_it(mini, rows, table):
    # Torjun's viewers see their member trained in Sreseh; Sreseh's, whose session it was, see
    # nothing here (the member is not theirs); Kamal's see theirs.
    assert rows(mini.scoped(("35.27.02",)).query("bimtek_sesi_lain", as_of=D2)) == table(
        COLUMNS, [C7]
    )
    assert mini.scoped(("35.27.01",)).query("bimtek_sesi_lain", as_of=D2).empty
    assert rows(mini.scoped(("35.26",)).query("bimtek_sesi_lain", as_of=D2)) == table(COLUMNS, G)
    assert rows(mini.query("bimtek_sesi_lain", as_of=D2, desa=["35.27.02.2002"])) == table(
        COLUMNS, [C7]
    )


def test_before_the_session_nothing(mini):
    assert mini.query("bimtek_sesi_lain", as_of=date(2024, 1, 15)).empty
