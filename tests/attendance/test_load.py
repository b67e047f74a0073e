"""Operators marking at once through the real server, on both journal backends: no mark lost
or doubled, marks sent = marks recorded; a server killed with SIGKILL mid-marking loses no
confirmed mark (kesiapan.devtools.attendance_loadcheck; `python -m kesiapan presensi loadcheck` runs
the full 20-session check, whose figures are in the README)."""

from __future__ import annotations

from kesiapan.devtools import attendance_loadcheck as loadcheck
from tests.conftest import SAMPLE


def test_concurrent_operators_lose_and_double_nothing(backend: str, tmp_path) -> None:
    # Eight pages on four Bimtek sessions, each member given to two of them. Only counts are
    # asserted: how many taps a busy machine manages in 30 s is not.
    result = loadcheck.run(SAMPLE, sessions=8, seconds=30, workdir=tmp_path)
    print(loadcheck.format_result(result))
    assert result["ketukan_terkirim"] >= 1, result  # it did mark
    assert result["ketukan_terkirim"] == (
        result["dicatat_baru"] + result["sudah_tercatat"] + result["tanpa_jawaban"]
    )
    # Every answered mark is in the journal once; nothing else is, but a tap still waiting
    # for its answer when the page gave up.
    assert result["ganda"] == 0 and result["terkonfirmasi_hilang"] == 0
    assert result["tercatat_tanpa_konfirmasi"] <= result["tanpa_jawaban"]
    assert result["dicatat_baru"] <= result["catatan_jurnal"] == result["tanda_berlaku"]
    assert result["catatan_jurnal"] <= result["dicatat_baru"] + result["tanpa_jawaban"]


def test_a_killed_server_loses_no_confirmed_mark(backend: str, tmp_path) -> None:
    result = loadcheck.run(SAMPLE, sessions=4, seconds=120, kill_after=6, workdir=tmp_path)
    print(loadcheck.format_result(result))
    assert result["dibunuh_setelah_tanda"] >= 6
    assert result["terkonfirmasi_hilang"] == 0 and result["ganda"] == 0
    # Only the taps in flight when it died (one per page at most) may have become records.
    assert result["tercatat_tanpa_konfirmasi"] <= result["tanpa_jawaban"] <= 4
    assert result["catatan_jurnal"] >= result["dicatat_baru"]
