"""The load check, small: three simultaneous sessions on a copy of the sample, through a real
Streamlit server and Chromium. Its timings are printed for people (`pytest -s`), never asserted:
the machine is shared."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from kesiapan.devtools import loadtest
from tests.conftest import ROOT, copy_sample

SESSIONS = 3
# A bound so the test always ends, not a performance expectation: it usually needs ~30 s
# (the sessions wait for one quiet window of the server first), but at a machine load of 30 the
# first Ringkasan alone took 45 s.
TIMEOUT_S = 150
# The quiet window the sessions wait for (loadtest.SETTLE_WINDOW_S, 3 s) is longer than the
# warm-up's give-way, so a deployed server's warm-up is not taken for quiet. The servers the
# tests start do not warm up (tests/conftest.py), so a 1 s window finds the same quiet and the
# two tests wait 2 × 2 s less; `settle_s` is still checked against the window in force.
SETTLE_WINDOW_S = 1.0


@pytest.fixture(autouse=True)
def _short_settle_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loadtest, "SETTLE_WINDOW_S", SETTLE_WINDOW_S, raising=True)


def _port_is_free(port: int) -> bool:
    """Nothing listens on the port any more. SO_REUSEADDR, as a server sets it, so that the
    closed connections' TIME_WAIT does not count as "in use"."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _process_group_gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_three_sessions_on_the_sample(tmp_path: Path) -> None:
    # With the sample's built store (as after a restart): building it (±10 s of CPU in the
    # server) is what the store's own tests and the bench time; this test is about the sessions.
    data = copy_sample(tmp_path / "sample")
    results = ROOT / "test-results"
    results.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    log = results / (f"loadtest-server-{worker}.log" if worker else "loadtest-server.log")

    result = loadtest.run(data, sessions=SESSIONS, timeout_s=TIMEOUT_S, log_path=log)
    print(loadtest.format_table(result))

    assert result["error_count"] == 0, result["errors"]
    assert result["errors"] == []
    assert result["deadline_hit"] is False
    assert result["server_started"] is True
    assert result["sessions"] == SESSIONS
    for key in (
        "server_ready_s",
        "first_render_s",
        "first_render_from_ready_s",
        "sign_in_form_s",
        "settle_s",
        "sessions_wall_s",
        "wall_s",
    ):
        assert isinstance(result[key], float) and result[key] >= 0, key
    assert result["server_ready_s"] <= result["first_render_s"]
    # Issue 17: the first page is also timed from the moment the server accepts connections,
    # and the sign-in form shows before the first Ringkasan is drawn.
    from_launch = result["server_ready_s"] + result["first_render_from_ready_s"]
    assert abs(from_launch - result["first_render_s"]) <= 0.002  # three decimals each
    assert result["sign_in_form_s"] < result["first_render_from_ready_s"]
    # The sessions waited until the server had settled: at least one quiet window.
    assert result["settle_s"] >= loadtest.SETTLE_WINDOW_S == SETTLE_WINDOW_S
    text = loadtest.format_table(result)
    assert "setelah server siap" in text and "setelah server tenang" in text

    assert list(result["steps"]) == ["buka", "filter", "halaman"]
    for name, figures in result["steps"].items():
        assert figures["measured"] == SESSIONS, name
        assert 0 <= figures["p50_s"] <= figures["p95_s"] <= figures["max_s"], name

    sessions = result["session_results"]
    assert [s["session"] for s in sessions] == list(range(1, SESSIONS + 1))
    # Spread over different kecamatan: the sample has more of them than there are sessions.
    assert len({s["kode_kecamatan"] for s in sessions}) == SESSIONS
    for session in sessions:
        durations = session["durations_s"]
        assert list(durations) == ["buka", "filter", "halaman"], session
        assert all(isinstance(v, float) and v >= 0 for v in durations.values()), session

    # The server was stopped: its process group is gone and its port is free again.
    assert _process_group_gone(result["server_pid"])
    assert _port_is_free(result["port"])


def test_protocol_mode_two_sessions_sign_in_switch_and_filter(tmp_path: Path) -> None:
    """The protocol client signs in, switches page and changes the filter like a browser."""
    data = copy_sample(tmp_path / "sample")
    result = loadtest.run_protocol(data, sessions=2, rounds=2, timeout_s=TIMEOUT_S)
    print(loadtest.format_protocol_table(result))

    assert result["error_count"] == 0, result["errors"]
    assert result["deadline_hit"] is False
    steps = result["steps"]
    assert list(steps) == ["masuk", "halaman", "filter"]
    assert steps["masuk"]["measured"] == 2
    assert steps["halaman"]["measured"] == steps["filter"]["measured"] == 4
    for figures in steps.values():
        assert 0 < figures["p50_s"] <= figures["p95_s"] <= figures["max_s"]
        assert figures["bytes_p50"] > 1000  # a page was sent, not an empty answer
    # A sign-in is two runs (the form's, then the page's); every other step one.
    assert result["script_runs"] == 2 * 2 + 2 * 4
    assert result["server_cpu_s"] > 0 and result["cpu_per_run_ms"] > 0
    # Signing in (2 runs per session) is counted apart from the rounds (1 run per step).
    assert result["sign_in_runs"] == 2 * 2
    assert 0 < result["sign_in_cpu_s"] < result["server_cpu_s"]
    assert _process_group_gone(result["server_pid"])


def test_protocol_client_refuses_other_hosts() -> None:
    from kesiapan.devtools import protocol

    for url in ("http://10.0.0.5:8501", "http://example.org", "http://192.168.1.1"):
        with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
            protocol.Session(url)
    protocol.check_loopback("http://127.0.0.1:8501")
