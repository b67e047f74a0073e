"""The briefing PDF: printed by Chromium, its text extracted and its first page rendered."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kesiapan.contract import labels, theme
from kesiapan.outputs import briefing, exports
from tests.conftest import ROOT, SAMPLE
from tests.exports.conftest import TORJUN, D

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm
RENDER_DPI = 100
RESULTS = ROOT / "test-results"


def _dari(part: int, whole: int, noun: str) -> str:
    return f"dari {labels.angka(whole)} {noun} ({labels.persen(part / whole)})"


def _texts(document: pdfium.PdfDocument) -> list[str]:
    """Each page's text with runs of white space made single spaces."""
    return [" ".join(page.get_textpage().get_text_range().split()) for page in document]


@pytest.fixture(scope="module")
def sampang() -> tuple[bytes, pdfium.PdfDocument]:
    from kesiapan.store.dataset import Dataset

    dataset = Dataset.open(SAMPLE)
    data = briefing.pdf(dataset, exports.Scope.of(dataset, D))
    return data, pdfium.PdfDocument(data)


def test_sampang_briefing_is_a4_portrait_with_three_pages(sampang) -> None:
    data, document = sampang
    assert data.startswith(b"%PDF-")
    assert 1 <= len(document) <= 3
    assert len(document) == 3
    for page in document:
        assert page.get_size() == pytest.approx(A4_POINTS, abs=1)


def test_first_page_says_what_the_report_says(sampang, figures) -> None:
    text = _texts(sampang[1])[0]
    (t,) = figures("kabupaten").to_dict("records")
    for expected in [
        "Briefing Kesiapan KPPS",
        "Kabupaten Sampang",
        "Posisi per tanggal 28 Januari 2024",
        "Data terakhir: 12 Februari 2024",
        "H-17",
        "menuju hari pemungutan suara, Rabu, 14 Februari 2024",
        "Jadwal Bimtek 25–29 Januari 2024: hari ke-4 dari 5",
        f"TPS siap {labels.angka(t['tps_siap'])} {_dari(t['tps_siap'], t['tps'], 'TPS')}",
        f"KPPS terlatih {labels.angka(t['kpps_terlatih'])} "
        + _dari(t["kpps_terlatih"], t["kpps_aktif"], "KPPS aktif"),
        f"Kursi kosong {labels.angka(t['kursi_kosong'])} "
        + _dari(t["kursi_kosong"], t["kebutuhan_kpps"], "kursi"),
        f"Sesi disupervisi {t['sesi_disupervisi']} "
        + _dari(t["sesi_disupervisi"], t["sesi_bimtek"], "sesi"),
        # docs/jadwal.md on 28 January: the schedule's judgment, worst first, and the plan of
        # the whole kabupaten (seats never cross kecamatan: Sampang and Kedungdung have spare
        # seats, so 2.887 - 2.240 = 647 understates the 783 without a seat).
        "Status jadwal 14 kecamatan: 12 jadwal tidak cukup, 2 sesuai jadwal. Perlu perhatian: "
        "Banyuates (210 tanpa kursi), Ketapang (252 tanpa kursi),",
        "Jadwal tidak cukup: 2.887 KPPS belum Bimtek; 14 sesi sesudah 28 Januari 2024 (mulai 29 "
        "Januari 2024) menampung 2.240 (kursi tidak berpindah antarkecamatan), 783 tidak "
        "mendapat kursi: perlu 14 sesi tambahan.",
        "Kesiapan per kecamatan (perlu perhatian di atas)",
        # The total row: coverage, trained of active, ready of all TPS.
        f"Jumlah {labels.persen(t['cakupan_bimtek'])} {labels.angka(t['kpps_terlatih'])} / "
        f"{labels.angka(t['kpps_aktif'])} {labels.angka(t['tps_siap'])} / "
        f"{labels.angka(t['tps'])}",
        "Halaman 1 dari 3",
    ]:
        assert expected in text, expected
    # Every kecamatan has its row, worst first (schedule status, then gap), with the report's
    # numbers.
    rows = theme.worst_first(figures("kecamatan"), "kode_kecamatan")
    positions = []
    for r in rows.to_dict("records"):
        row = (
            f"{r['kecamatan']} {labels.persen(r['cakupan_bimtek'])} "
            f"{labels.angka(r['kpps_terlatih'])} / {labels.angka(r['kpps_aktif'])} "
            f"{labels.angka(r['tps_siap'])} / {labels.angka(r['tps'])} "
            f"{r['tps_kurang_petugas']} {r['tps_tanpa_ketua']} {r['tps_belum_bimtek']}"
        )
        assert row in text, row
        positions.append(text.index(row))
    assert positions == sorted(positions)


def test_chart_pages_carry_their_titles_and_the_header(sampang) -> None:
    second, third = _texts(sampang[1])[1:]
    running = "Briefing Kesiapan KPPS · Kabupaten Sampang posisi 28 Januari 2024"
    assert second.startswith(running) and third.startswith(running)
    assert "Status TPS per kecamatan" in second and "Jumlah TPS" in second
    assert "Perkembangan KPPS terlatih" in second and "Target: semua KPPS aktif (19.045)" in second
    assert "Peta status jadwal Bimtek per kecamatan" in third
    assert "Sasaran jadwal (kursi sesi sampai hari itu)" in second
    assert "Hari sejak kunjungan supervisi terakhir" in third and "Belum pernah" in third
    assert "Halaman 3 dari 3" in third


def test_first_page_renders_in_the_status_colours(sampang) -> None:
    page = sampang[1][0]
    image = page.render(scale=RENDER_DPI / 72).to_pil().convert("RGB")
    RESULTS.mkdir(exist_ok=True)
    image.save(RESULTS / "briefing-sampang-2024-01-28-1.png")
    width, height = image.size
    assert (width, height) == pytest.approx((827, 1169), abs=2)  # A4 at 100 dpi
    colours = {colour for _, colour in image.getcolors(maxcolors=width * height)}

    def present(hex_colour: str) -> bool:
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return any(all(abs(a - b) <= 6 for a, b in zip(c, rgb, strict=True)) for c in colours)

    # Chips in the schedule's colours: 12 kecamatan short of seats red, Sampang and Kedungdung
    # on schedule green; the H-17 box blue.
    for colour in (theme.RED, theme.GREEN, theme.BLUE):
        assert present(colour), colour


def test_one_kecamatan_lists_its_desa(tmp_path, figures) -> None:
    out = tmp_path / "torjun.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "kesiapan", "briefing", "--data", str(SAMPLE), "--area", TORJUN,
         "--as-of", "2024-01-28", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Briefing Kecamatan Torjun, posisi 28 Januari 2024, ditulis ke" in done.stdout
    document = pdfium.PdfDocument(out.read_bytes())
    assert 1 <= len(document) <= 3
    text = " ".join(_texts(document))
    assert "Kecamatan Torjun" in text and "Kesiapan per desa" in text
    for name in figures("desa", areas=[TORJUN])["desa"]:
        assert re.search(rf"\b{re.escape(name)} \d+,\d%", text), name
    assert "Status TPS per desa" in text
    # One kecamatan: its supervision in a sentence instead of a one-bar chart.
    assert "Kecamatan Torjun: 3 kunjungan supervisi sampai 28 Januari 2024" in text


def test_briefing_cli_errors(tmp_path) -> None:
    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kesiapan", "briefing", "--data", str(SAMPLE), *args],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False, env=env,
        )  # fmt: skip

    nothing = run("--area", "35.27.99", "--out", str(tmp_path / "x.pdf"))
    assert nothing.returncode == 1
    assert "Tidak ada wilayah yang cocok dengan filter (Kecamatan 35.27.99)" in nothing.stderr
    assert not (tmp_path / "x.pdf").exists()
    # No Chromium to be found: said in Indonesian, with what to install.
    no_browser = run(
        "--out", str(tmp_path / "y.pdf"), env={"PATH": str(Path(sys.executable).parent)}
    )
    assert no_browser.returncode == 1
    assert "Chromium tidak ditemukan" in no_browser.stderr


def test_long_tables_are_cut_with_a_note(sample, monkeypatch) -> None:
    """Beyond MAX_TABLE_ROWS the lowest coverage is kept and the rest counted (no Chromium)."""
    monkeypatch.setattr(briefing, "MAX_TABLE_ROWS", 5)
    monkeypatch.setattr(briefing, "MAX_CHART_ROWS", 4)
    figures = briefing.collect(sample, exports.Scope.of(sample, D))
    document = briefing.render_html(figures)
    assert (
        "5 kecamatan yang paling perlu perhatian dari 14; daftar lengkap ada di unduhan Excel."
        in document
    )
    assert "4 kecamatan yang paling perlu perhatian dari 14." in document
    assert document.count('<td class="name">') == 5 + 1  # five rows and the total


def test_no_map_where_the_boundaries_do_not_reach(mini) -> None:
    """Kamal (Bangkalan) has no boundary in the bundled Sampang reference: no map of elsewhere."""
    geojson = briefing.kecamatan_geojson(None)
    kamal = briefing.collect(mini, exports.Scope.of(mini, D, kabupaten=["35.26"]))
    assert "Peta status jadwal Bimtek" not in briefing.render_html(kamal, geojson)
    torjun = briefing.collect(mini, exports.Scope.of(mini, D, kecamatan=[TORJUN]))
    assert "Peta status jadwal Bimtek per kecamatan" in briefing.render_html(torjun, geojson)
