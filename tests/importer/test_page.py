"""The Impor Data page in AppTest: upload, preview, drop rows, commit, restore; choosing a
sheet; the bundled sample left alone; the dashboard on the new version without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kesiapan.access import accounts as access
from kesiapan.contract import labels
from kesiapan.importer import core as importer
from kesiapan.importer import uploads as import_uploads
from kesiapan.importer import writing as import_writing
from kesiapan.store import versions
from kesiapan.ui import import_screen
from tests.conftest import ROOT, SAMPLE, signed_in
from tests.importer.conftest import CORPUS, ROSTER

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str = "impor") -> AppTest:
    """The page signed in as Siti, an admin (issue 5); the bundled sample as its demo."""
    monkeypatch.setenv("KESIAPAN_DATA", str(folder))
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=90)
    if folder != SAMPLE:
        accounts = folder.parent / "akses"
        monkeypatch.setenv(access.AKSES_ENV, str(accounts))
        if not access.load(accounts):
            access.add(accounts, "siti", peran="admin", wilayah=[], nama="Siti Nurhayati",
                      password="sandi-rahasia-2024")  # fmt: skip
        signed_in(at.session_state, "siti", accounts)
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _rows(at: AppTest, level: str = "galat") -> list[dict]:
    """The problem list, row by row ("Per baris"), of errors or warnings."""
    tables = [d.value for d in at.dataframe if "Tertulis" in d.value.columns]
    return tables[0 if level == "galat" else -1].to_dict("records")


def _upload(at: AppTest, name: str, content: bytes, mime: str) -> AppTest:
    at.file_uploader[0].set_value((name, content, mime))
    return at.run()


def test_upload_preview_drop_commit_and_restore(monkeypatch, base: Path) -> None:
    at = _page(monkeypatch, base)
    assert not at.exception
    assert at.title[0].value == "Impor Data"
    assert "Batas ukuran per berkas 200 MB (setelan server.maxUploadSize" in at.caption[0].value
    assert [i.value for i in at.info] == [
        "Pilih satu berkas atau lebih; pratinjau muncul setelah berkas dibaca.",
        "Belum ada versi: dataset ini belum pernah diimpor.",
    ]

    bad = CORPUS / "kpps_nik_15_digit.csv"
    at = _upload(at, bad.name, bad.read_bytes(), CSV)
    assert not at.exception
    assert _metrics(at) == {
        "Baris dibaca": "2",
        "Baris diterima": "1",
        "Galat": "1",
        "Peringatan": "0",
    }
    rows = _rows(at)
    # The NIK is masked on screen (contract §4); its row and column are named.
    assert rows == [
        {
            "Berkas": "kpps_nik_15_digit.csv",
            "Baris": "3",
            "Kolom": "NIK",
            "Tertulis": "3527•••••••3008",
            "Pesan": "NIK harus 16 digit angka",
        }
    ]
    (download,) = at.get("download_button")
    # Labels are Markdown: the file name, as uploaded, is escaped (labels.polos).
    assert download.label == (
        f"Unduh 1 baris yang ditolak dari {labels.polos('kpps_nik_15_digit.csv')} (Excel)"
    )
    save = at.button(key="impor_simpan")
    assert save.disabled
    assert at.caption[-1].value.startswith("Belum dapat disimpan: 1 baris bergalat")

    assert at.button(key="impor_simpan").disabled
    at.checkbox(key="impor_buang").check().run()
    assert not at.button(key="impor_simpan").disabled
    at.button(key="impor_simpan").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Tersimpan sebagai versi 0002 (1 baris baru · 0 diperbarui · 0 tetap sama); dasbor "
        "kini memakai versi ini."
    ]
    assert versions.current(base) == "0002"
    assert (base / "rejects" / "0002-kpps_nik_15_digit-ditolak.xlsx").exists()
    assert at.file_uploader[0].key == "impor_berkas_1"  # an empty uploader after the commit
    entries = [m.value for m in at.markdown if m.value.startswith("**Versi")]
    assert entries[0].startswith("**Versi 0002** · **aktif** · ")
    assert entries[0].endswith(
        "oleh Siti Nurhayati \\(siti\\)  \n"
        + labels.polos("kpps_nik_15_digit.csv → KPPS: 1 diterima, 1 ditolak (tambah dan perbarui)")
    )
    assert entries[1].startswith("**Versi 0001** · ")

    at.button(key="pulihkan_0001").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Versi 0001 aktif lagi (sebelumnya 0002); dasbor kini memakai versi ini."
    ]
    assert versions.current(base) == "0001"
    assert versions.history(base)[-1]["oleh"] == "Siti Nurhayati (siti)"


def test_a_workbook_with_several_tables_asks_for_the_sheet(monkeypatch, base, tmp_path) -> None:
    """A roster sheet and a schedule sheet: two different tables, so the person chooses (one
    sheet per desa with the same header is read as one table: test_office_workbooks)."""
    import openpyxl

    book = openpyxl.Workbook()
    roster = book.active
    roster.title = "Anggota"
    for line in ROSTER.splitlines():
        roster.append(line.split(","))
    schedule = book.create_sheet("Jadwal")
    schedule.append(["kode_sesi", "kode_kecamatan", "tanggal", "tempat"])
    schedule.append(["BT-352702-02", "35.27.02", "2024-01-27", "Balai Desa Kara"])
    workbook = tmp_path / "kiriman_ppk.xlsx"
    book.save(workbook)
    at = _page(monkeypatch, base)
    at = _upload(at, workbook.name, workbook.read_bytes(), XLSX)
    assert _rows(at)[0]["Pesan"] == (
        "berkas ini punya beberapa lembar berisi tabel yang berbeda (Anggota, Jadwal); pilih "
        "satu lembar"
    )
    choice = at.selectbox(key=f"impor_lembar_{workbook.name}")
    assert choice.label == f"Lembar yang dibaca dari {labels.polos(workbook.name)}"
    assert choice.options == ["Anggota", "Jadwal"]
    at = choice.select("Jadwal").run()
    assert not at.exception
    assert _metrics(at)["Baris diterima"] == "1"
    assert _metrics(at)["Galat"] == "0"


def test_the_bundled_sample_is_not_offered_for_import(monkeypatch) -> None:
    at = _page(monkeypatch, SAMPLE)
    assert not at.exception
    assert at.info[0].value.startswith("Dataset contoh bawaan (data/sample) tidak diubah")
    assert len(at.file_uploader) == 0


def test_the_dashboard_shows_a_new_version_without_a_restart(monkeypatch, base, write) -> None:
    overview = _page(monkeypatch, base, "overview")
    before = {m.label: m.delta for m in overview.metric}
    assert before["KPPS terlatih"].startswith("dari 6 KPPS aktif")
    # Torjun's PPK sends two new members for TPS 002: six active become eight.
    path = write("kpps_torjun.csv", ROSTER)
    preview = importer.prepare(base, [import_uploads.Upload(path, path.name)], mode="perbarui")
    try:
        import_writing.commit(preview, drop_errors=False, who="Uji")
    finally:
        preview.close()
    overview.run()
    assert not overview.exception
    after = {m.label: m.delta for m in overview.metric}
    assert after["KPPS terlatih"].startswith("dari 8 KPPS aktif")


def test_the_preview_says_what_was_read_in_words(monkeypatch, base: Path) -> None:
    """Ticks and empty boxes shown as what they were read as, Indonesian column labels, each
    kind of problem with its first rows, and no "None" anywhere."""
    at = _page(monkeypatch, base)
    content = (
        "KODE SESI;NIK;HADIR;TGL\n"
        "BT-352702-01;3527021203800001;✓;\n"
        "BT-352702-01;3527024407850002;;\n"
        "BT-352702-01;352702231190003;√;\n"
    ).encode()
    at = _upload(at, "daftar_hadir.csv", content, CSV)
    assert not at.exception
    (sample,) = [d.value for d in at.dataframe if "Hadir" in d.value.columns]
    assert list(sample.columns) == ["Baris", "Kode sesi", "NIK", "Hadir", "Nilai pre-test",
                                    "Nilai post-test"]  # fmt: skip
    assert sample["Hadir"].tolist() == ["Ya", "Tidak", "Ya"]
    kinds = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert kinds == [
        "- **daftar\\_hadir\\.csv, kolom NIK**: NIK harus 16 digit angka (baris 4)",
    ]
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    texts += [str(v) for d in at.dataframe for v in d.value.to_numpy().ravel()]
    assert not [t for t in texts if "None" in t]


def test_a_preview_another_import_made_stale_is_made_again_not_saved(
    monkeypatch, base, write, prepared
) -> None:
    at = _page(monkeypatch, base)
    at = _upload(at, "kpps_torjun.csv", ROSTER.encode(), CSV)
    assert _metrics(at)["Baris diterima"] == "2"
    # Another office saves the first of the two members while this preview is on screen.
    other = prepared(base, write("kpps_kantor_lain.csv", "\n".join(ROSTER.splitlines()[:2])))
    theirs = import_writing.commit(other, drop_errors=False, who="Kantor lain").version
    at.button(key="impor_simpan").click().run()
    assert not at.exception
    # Not saved: the click was for a preview of the data before; the page says so in words
    # and shows the preview made again on the new data.
    assert versions.current(base) == theirs
    assert not at.success
    assert [w.value for w in at.warning] == [import_screen.STALE_MESSAGE]
    assert "Belum disimpan: data yang dibaca pratinjau sebelumnya sudah diubah" in (
        at.warning[0].value
    )
    assert _metrics(at)["Baris diterima"] == "2"
    # Saved once looked at again: one member was already there, one is new.
    at.button(key="impor_simpan").click().run()
    assert not at.exception and not at.warning
    assert versions.current(base) != theirs
    assert len(at.success) == 1
    latest = versions.history(base)[-1]
    assert [(f["ditambah"], f["tetap"]) for f in latest["berkas"]] == [(1, 1)]
