"""The version list's one line per version (versions.summary) speaks the contract's words."""

from __future__ import annotations

from kesiapan.store import versions


def test_each_file_is_named_with_its_table_in_words_never_its_code() -> None:
    record = {
        "aksi": "impor",
        "cara": "perbarui",
        "berkas": [
            {"nama": "Daftar KPPS.csv", "tabel": "kpps", "baris_diterima": 3, "baris_ditolak": 1},
            {"nama": "hadir.xlsx", "tabel": "bimtek_hadir", "baris_diterima": 1234},
        ],
    }
    assert versions.summary(record) == (
        "Daftar KPPS.csv → KPPS: 3 diterima, 1 ditolak; "
        "hadir.xlsx → kehadiran Bimtek: 1.234 diterima (tambah dan perbarui)"
    )
    assert "bimtek_hadir" not in versions.summary(record)
