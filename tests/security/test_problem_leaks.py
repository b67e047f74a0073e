"""Issue 12 item 2 (and the quoted line break of item 13): problems never quote a data line,
and a scoped viewer is not told how many rows lie outside its area."""

from __future__ import annotations

import shutil
from pathlib import Path

from kesiapan.store.dataset import Dataset

MINI = Path("tests/fixtures/mini")
TORJUN = ("35.27.02",)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns(".kesiapan-*"))
    return folder


def test_a_decoding_error_names_the_line_but_never_quotes_it(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    kpps = folder / "kpps.csv"
    lines = kpps.read_bytes().split(b"\n")
    # Line 2: a Torjun member; the bad byte sits inside the name.
    assert lines[1].startswith(b"3527021203800001,Moh. Hasan,")
    lines[1] = lines[1].replace(b"Hasan", b"Has\xffan")
    kpps.write_bytes(b"\n".join(lines))
    for precomputed in (True, False):
        data = Dataset.open(folder, precomputed=precomputed)
        for view in (data, data.scoped(TORJUN), data.scoped(("35.26",))):
            (problem,) = [p for p in view.problems if p.berkas == "kpps.csv" and p.baris is None]
            assert problem.pesan == (
                "berkas tidak dapat dibaca: baris 2: isinya bukan teks UTF-8; simpan ulang berkas "
                "sebagai CSV UTF-8 (Excel: CSV UTF-8 (Comma delimited))"
            )
            # Other problems quote the attendance file's own NIKs; none quotes the roster line.
            text = "\n".join(str(p) for p in view.problems)
            for secret in ("Moh. Has", "081231000001", "1980-03-12", "Original Line"):
                assert secret not in text


def test_a_quoted_line_break_is_read(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    supervisi = folder / "supervisi.csv"
    text = supervisi.read_text(encoding="utf-8")
    assert "Materi pemungutan suara sudah disampaikan" in text
    supervisi.write_text(
        text.replace("Materi pemungutan suara", '"Materi pemungutan\nsuara"', 1), encoding="utf-8"
    )
    data = Dataset.open(folder)
    assert data.sources["supervisi"].rows == 6
    assert not [p for p in data.errors if p.berkas == "supervisi.csv"]


def test_a_scoped_viewer_does_not_see_the_whole_dataset_count(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    hadir = folder / "bimtek_hadir.csv"
    lines = hadir.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    # 53 attendance rows naming a NIK on no roster: 50 examples and "dan 3 baris lain".
    extra = [",".join([first[0], f"99999999{i:08d}", *first[2:]]) for i in range(53)]
    hadir.write_text("\n".join([header, *lines[1:], *extra]) + "\n", encoding="utf-8")
    data = Dataset.open(folder)
    (summary,) = [p for p in data.problems if p.baris is None and "baris lain" in p.pesan]
    assert summary.pesan.endswith(" — dan 3 baris lain")
    scoped = data.scoped(("35.26",))
    (own,) = [p for p in scoped.problems if p.baris is None and "baris lain" in p.pesan]
    assert own.pesan == summary.pesan.replace(
        " — dan 3 baris lain", " — dan mungkin baris lain (tidak dihitung per wilayah)"
    )
