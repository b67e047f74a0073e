"""kesiapan.ui.serve turns off Streamlit's folder-based page routing by setting a class attribute
of Streamlit's PagesManager before the server starts. If a Streamlit upgrade renames or drops
that attribute, the assignment would silently do nothing and the first visitor of a fresh
server could again land on a page without app.py: these tests fail loudly instead.
(tests/browser/test_browser.py::test_shared_link_to_a_page_on_a_fresh_server checks the
behaviour end to end.)"""

from __future__ import annotations

import inspect
import sys

import pytest
from streamlit.runtime import pages_manager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli

from kesiapan.ui import serve
from tests.conftest import ROOT

UPGRADE = (
    "Streamlit no longer has PagesManager.uses_pages_directory as kesiapan.ui.serve expects: "
    "the workaround for pages/ routing (kesiapan/ui/serve.py) must be redone for this version."
)


@pytest.fixture
def restore_flag() -> object:
    before = PagesManager.__dict__.get("uses_pages_directory")
    yield
    PagesManager.uses_pages_directory = before


def test_the_patched_attribute_exists_and_is_read_where_pages_are_routed() -> None:
    assert "uses_pages_directory" in PagesManager.__dict__, UPGRADE
    # The script runner decides between the old folder routing and app.py by this flag, and
    # PagesManager only fills it in when nobody set it yet (None).
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner), UPGRADE
    assert "if PagesManager.uses_pages_directory is None" in inspect.getsource(
        pages_manager.PagesManager.__init__
    ), UPGRADE


def test_without_the_workaround_this_layout_switches_the_folder_routing_on(
    restore_flag: object,
) -> None:
    """The reason for the patch still holds: app.py beside pages/ turns the old routing on."""
    PagesManager.uses_pages_directory = None
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True


def test_serve_sets_it_off_before_streamlit_starts(
    restore_flag: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fake_streamlit_main() -> None:  # the server itself is started by the browser tests
        seen["flag"] = PagesManager.uses_pages_directory
        seen["argv"] = list(sys.argv)

    PagesManager.uses_pages_directory = None
    # No warm-up thread in the test process: no Streamlit server will start here.
    monkeypatch.setenv(serve.WARM_ENV, "0")
    monkeypatch.setattr(cli, "main", fake_streamlit_main)
    monkeypatch.setattr(sys, "argv", ["kesiapan.ui.serve"])
    serve.main(["--server.port", "8599"])
    assert seen["flag"] is False
    assert seen["argv"] == [
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--runner.postScriptGC",
        "false",
        "--server.port",
        "8599",
    ]
    # A session's PagesManager made after that keeps it off.
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is False
