"""Issue 17: the server options the felt speed of a click depends on, as the dashboard's
server reads them (.streamlit/config.toml, then kesiapan.ui.serve's own)."""

from __future__ import annotations

import tomllib

from streamlit import config

from kesiapan.ui import serve
from tests.conftest import ROOT

EXPECTED = {
    ("server", "fileWatcherType"): "none",
    ("server", "runOnSave"): False,
    ("server", "enableWebsocketCompression"): False,
    ("server", "enableStaticServing"): False,
    ("server", "headless"): True,
    ("runner", "fastReruns"): True,
    ("browser", "gatherUsageStats"): False,
}


def test_config_file_sets_the_options_streamlit_knows() -> None:
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    for (section, name), value in EXPECTED.items():
        assert settings[section][name] == value, f"{section}.{name}"
        # A misspelt option is ignored by Streamlit without a word: it must be one it has.
        assert f"{section}.{name}" in config._config_options_template, f"{section}.{name}"


def test_serve_turns_off_the_collection_after_every_run() -> None:
    assert serve.DEFAULT_OPTIONS == ["--runner.postScriptGC", "false"]
    assert "runner.postScriptGC" in config._config_options_template
