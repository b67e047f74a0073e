"""The benchmark cannot rot: it runs at Sampang scale, and it times what the pages really run."""

from __future__ import annotations

import ast
import re
from datetime import date

from kesiapan.devtools import bench
from tests.conftest import ROOT

# What page.areas_summary() runs: the summaries and their schedules (ui.Page.judged).
AREA_SUMMARIES = {
    "ringkasan_kabupaten",
    "ringkasan_kecamatan",
    "ringkasan_desa",
    "jadwal_kabupaten",
    "jadwal_kecamatan",
    "jadwal_desa",
}


def test_page_queries_are_the_queries_each_page_calls() -> None:
    views = [
        bench.View("", date(2024, 2, 12)),
        bench.View("", date(2024, 2, 12), kecamatan=("35.27.02",)),
        bench.View("", date(2024, 2, 12), by_kabupaten=True),
    ]
    for page, file_name in bench.PAGE_FILES.items():
        text = (ROOT / "pages" / file_name).read_text(encoding="utf-8")
        called = set(re.findall(r'page\.query\("([a-z_]+)"', text))
        if "page.areas_summary()" in text:
            called |= AREA_SUMMARIES
        if "ui.start(" in text:
            called.add("ringkasan_total")  # the head every area page draws
        if "page.previous()" in text:
            called.add("tanggal_sebelumnya")  # the day before, for the trend on the cards
        if "ui.sessions_planned(page)" in text:
            called |= {"bimtek_sesi_kehadiran", "rencana_sesi"}  # the sessions and their places
        if "ui.least_visited(page" in text:
            called.add("supervisi_kecamatan")  # the kecamatan, least visited first
        for level in re.findall(r'page\.judged\("([a-z]+)"\)', text):
            called |= {f"ringkasan_{level}", f"jadwal_{level}"}
        for helper in re.findall(r"tables\.([a-z_]+)\(page", text):
            called |= _table_queries()[helper]  # the page's tables (kesiapan/ui/tables.py)
        timed = {name for view in views for name, _ in bench.page_queries(page, view)}
        assert timed | bench.ON_CLICK.get(page, set()) == called, page


def _table_queries() -> dict[str, set[str]]:
    """The queries each table helper of kesiapan/ui/tables.py asks for (issue 17, round six:
    the pages take their tables from there), by the helper's name."""
    source = (ROOT / "kesiapan" / "ui" / "tables.py").read_text(encoding="utf-8")
    found = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        body = ast.get_source_segment(source, node) or ""
        asked = set(re.findall(r'view\.query\("([a-z_]+)"', body))
        if "view.areas_summary()" in body:
            asked |= AREA_SUMMARIES
        if "ui.sessions_planned(view)" in body:
            asked |= {"bimtek_sesi_kehadiran", "rencana_sesi"}
        if "ui.least_visited(view" in body:
            asked.add("supervisi_kecamatan")
        found[node.name] = asked
    return found


def test_bench_runs_at_sampang_scale(tmp_path) -> None:
    result = bench.run("sampang", warm=1)
    assert result["skala"] == "sampang"
    assert result["baris"]["kpps"] == 19288
    assert result["bangun_dari_csv"]["detik"] > 0
    rows = result["halaman"]
    assert {r["halaman"] for r in rows} == set(bench.PAGES)
    assert len(rows) == len(bench.PAGES) * 6  # three filters at two dates
    assert all(r["hangat_ms"] > 0 and r["pandas_ms"] >= 0 for r in rows)
    # The precomputed store and the reference agree, and pandas counts the same people.
    assert set(result["pemeriksaan"].values()) == {"sama"}
    assert "| Ringkasan | semua wilayah, tanggal bawaan |" in bench.table(result)
    bench.write_json(result, tmp_path / "bench.json")
    assert '"skala": "sampang"' in (tmp_path / "bench.json").read_text()
