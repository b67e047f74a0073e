"""Every table on every page offers Excel and CSV, and Ringkasan the briefing and action pack."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, SAMPLE
from tests.exports.conftest import read_workbook

# (page, URL parameters, keys of the tables drawn with ui.table / ui.status_table)
PAGES = [
    ("overview", {"tanggal": "2024-01-28"}, ["peringkat", "unduh_briefing", "unduh_paket_aksi"]),
    ("bimtek", {"kec": "35.27.02"}, ["tabel_sesi", "tabel_tps", "belum_bimtek"]),
    ("petugas", {"kec": "35.27.02"}, ["kekurangan", "tabel_paw"]),
    (
        "supervisi",
        {"tanggal": "2024-01-28"},
        ["tabel_kecamatan", "sesi_belum", "desa_belum", "temuan"],
    ),
    ("data", {}, ["tabel_data"]),
]


def _buttons(at: AppTest) -> dict[str, str]:
    """Download buttons by key (the widget id ends in '-<key>') → label."""
    return {b.proto.id.rsplit("-", 1)[1]: b.proto.label for b in at.get("download_button")}


@pytest.mark.parametrize(("name", "params", "keys"), PAGES, ids=[p[0] for p in PAGES])
def test_every_table_downloads_as_excel_and_csv(monkeypatch, name, params, keys) -> None:
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    buttons = _buttons(at)
    for key in keys:
        if key == "unduh_briefing":
            assert buttons[key] == "Unduh briefing (PDF)"
        elif key == "unduh_paket_aksi":
            assert buttons[key] == "Unduh paket aksi PPK (ZIP)"
        else:
            assert buttons[f"{key}_xlsx"] == "Unduh Excel", key
            assert buttons[f"{key}_csv"] == "Unduh CSV", key


def test_briefing_button_is_disabled_without_chromium(monkeypatch) -> None:
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("KESIAPAN_CHROMIUM", raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60).run()
    assert not at.exception
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("-unduh_briefing")]
    assert button.proto.disabled
    assert "Chromium tidak ditemukan" in button.proto.help


@pytest.fixture
def offered(monkeypatch) -> dict[str, object]:
    """The files each table's buttons would write, by key, recorded while a page runs."""
    from kesiapan.ui import shared as ui

    files: dict[str, object] = {}
    draw = ui._download_buttons

    def record(table_files, key, view):
        files[key] = table_files
        draw(table_files, key, view)

    monkeypatch.setattr(ui, "_download_buttons", record)
    monkeypatch.setenv("KESIAPAN_DATA", str(SAMPLE))
    return files


def _run(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_a_list_cut_on_screen_downloads_whole(offered, figures) -> None:
    """Cakupan Bimtek shows the first names of a long list; its download has every name."""
    at = _run("bimtek", tanggal="2024-01-28")
    assert not at.exception
    (total,) = figures("kabupaten").to_dict("records")
    untrained = total["kpps_aktif"] - total["kpps_terlatih"]
    shown = next(d.value for d in at.dataframe if "nama" in d.value.columns)
    assert len(shown) < untrained == 2887
    (sheet,) = read_workbook(offered["belum_bimtek"].xlsx()).values()
    assert len(sheet.rows) == untrained
    assert sheet.title == "KPPS belum Bimtek — Kabupaten Sampang"
    assert all("•" in nik for nik in sheet.column("NIK"))


def test_supervision_tables_download_what_the_report_counts(offered, figures) -> None:
    at = _run("supervisi", tanggal="2024-01-28")
    assert not at.exception
    (total,) = figures("kabupaten").to_dict("records")
    (desa,) = read_workbook(offered["desa_belum"].xlsx()).values()
    assert len(desa.rows) == total["desa"] - total["desa_dikunjungi"]
    assert desa.header[:7] == [
        "Provinsi", "Kode kabupaten", "Kabupaten/Kota", "Kode kecamatan", "Kecamatan",
        "Kode desa", "Desa/Kelurahan",
    ]  # fmt: skip
    (sessions,) = read_workbook(offered["sesi_belum"].xlsx()).values()
    assert len(sessions.rows) == total["sesi_bimtek"] - total["sesi_disupervisi"]
    assert "Posisi per tanggal: 28 Januari 2024" in sessions.lines[3]
