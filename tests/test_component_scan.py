"""The suite's one-scan-per-worker patch of Streamlit's component scanner (tests/conftest.py)
still sits where AppTest calls it: a Streamlit upgrade that moves the scan fails here, not as a
suite that silently grew ±25 s of CPU."""

from __future__ import annotations

from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from tests.conftest import COMPONENT_SCANS


def _app() -> None:
    import streamlit as st

    st.write("Halo")


def test_apptest_scans_installed_components_once_per_worker() -> None:
    assert manifest_scanner.scan_component_manifests.__name__ == "scan_once"
    calls = COMPONENT_SCANS["calls"]
    for _ in range(2):
        at = AppTest.from_function(_app).run()
        assert not at.exception
        assert at.markdown[0].value == "Halo"
    assert COMPONENT_SCANS["calls"] == calls + 2  # each new AppTest asks the patched scanner
    assert COMPONENT_SCANS["scans"] == 1  # and the installed packages were read once
