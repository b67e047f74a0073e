"""Every page, as the server runs it, on a dataset past the limits pages once had.

300.300 members nobody trained, 100.100 desa with one understaffed TPS each, 30.000 sessions
(kesiapan.devtools.bench.write_limits_dataset): two pages used to end in pandas' 262.144-cell limit
and one sent 12 MB. Through a real server and Streamlit's own protocol, no page may raise
nor send more than the bench's bound. Times are printed, never asserted."""

from __future__ import annotations

from pathlib import Path

from kesiapan.devtools import bench


def test_every_page_at_past_the_limits_scale(tmp_path: Path) -> None:
    counts = bench.write_limits_dataset(tmp_path / "batas")
    assert counts["kpps"] > 300_000 and counts["wilayah"] > 100_000

    result = bench.run_pages(tmp_path / "batas", timeout_s=600)
    print(bench.pages_table(result))

    assert result["gagal"] == []
    rows = result["halaman"]
    assert {r["halaman"] for r in rows} == set(bench.PAGES)
    assert {r["tampilan"] for r in rows} >= {"semua wilayah", "satu kabupaten"}
    for row in rows:
        assert row["exception"] == [], row
        assert 0 < row["bytes"] <= bench.PAGE_BOUND_BYTES, row
    # The lists are cut on screen: no page sends anything close to a whole national list.
    assert max(r["bytes"] for r in rows) < 2 * 1024 * 1024
