"""Every file of the bad-file corpus gives exactly its expected messages (cases.toml), with the
row and the column named, and rows read and rejected; checking it writes nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kesiapan.importer import core as importer
from kesiapan.importer import writing as import_writing
from tests.importer.conftest import BASE, CORPUS, HERE, messages, tree

CASES = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]


def test_the_corpus_is_complete() -> None:
    files = sorted(p.name for p in CORPUS.iterdir() if p.is_file())
    assert sorted(c["file"] for c in CASES) == files
    assert len(files) >= 30
    assert len({c["mistake"] for c in CASES}) == len(CASES), "each file a distinct mistake"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file(case: dict, base: Path, prepared) -> None:
    before = tree(base)
    sheets = {case["file"]: case["sheet"]} if "sheet" in case else None
    preview = prepared(base, CORPUS / case["file"], sheets=sheets)
    assert messages(preview) == case["expected"]
    (report,) = preview.files
    assert (report.rows_read, report.rows_rejected) == (case["read"], case["rejected"])
    # Row-level errors name a row and a column; so do warnings on rows.
    for problem in preview.errors + preview.warnings:
        if problem.baris is not None and problem.berkas == case["file"] and report.ok:
            assert problem.kolom or "lebih banyak kolom" in problem.pesan, problem
    assert tree(base) == before


def test_a_bad_file_cannot_be_committed_without_dropping(base: Path, prepared) -> None:
    preview = prepared(base, CORPUS / "kpps_nik_15_digit.csv")
    assert preview.refusal(drop_errors=False) == (
        "1 baris bergalat: perbaiki berkasnya, atau buang baris-baris itu (disimpan di berkas "
        "tolakan)"
    )
    with pytest.raises(importer.ImportRefused):
        import_writing.commit(preview, drop_errors=False, who="Uji")
    assert preview.refusal(drop_errors=True) is None


def test_errors_on_current_rows_cannot_be_dropped(base: Path, write, prepared) -> None:
    """Replacing the whole wilayah table with one that lacks a desa would leave its TPS (and
    its member) pointing nowhere; dropping uploaded rows cannot cure that."""
    lines = (BASE / "wilayah.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if "35.27.03.1001" not in line)
    preview = prepared(base, write("wilayah.csv", kept), mode="ganti")
    assert [str(p) for p in preview.blocking] == [
        "tps (data sekarang), baris 5, kolom kode_desa: kode tidak dikenal: tidak ada "
        'desa/kelurahan di wilayah (tertulis "35.27.03.1001")'
    ]
    assert preview.refusal(drop_errors=True, confirm_removal=True) == (
        "1 galat tidak dapat diatasi dengan membuang baris: perbaiki berkasnya lalu unggah lagi"
    )


def test_a_dropped_row_never_removes_the_stored_one(base: Path, prepared) -> None:
    """A wilayah row rejected for its jenis is dropped: the stored desa stays as it was, even
    when the file replaces the whole table (contract §5)."""
    preview = prepared(base, CORPUS / "wilayah_jenis_singkatan.csv", mode="ganti")
    assert preview.blocking == []
    assert preview.rows_removed == 0
    assert preview.refusal(drop_errors=True) is None


def test_a_sheet_chosen_by_name(base: Path, prepared) -> None:
    name = "rekap_kpps_dua_lembar.xlsx"
    preview = prepared(base, CORPUS / name, sheets={name: "Sampang"})
    (report,) = preview.files
    assert (report.sheet, report.sheets, report.rows_read) == ("Sampang", ("Torjun", "Sampang"), 1)
    assert preview.errors == []
    assert report.needs_sheet is False
