"""`python -m kesiapan.serve [streamlit options]`: the dashboard, as `make run` starts it.

app.py routes every page through st.navigation. Because the page files live in a folder named
`pages/`, Streamlit would also switch on its older folder-based routing for every session
until the first st.navigation call: the first visitor of a fresh server who follows a link to
a page would get that page without app.py (no filters, no navigation) or an English "Page not
found" dialog. Starting Streamlit from here turns that routing off before any session.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"
# Streamlit runs a full garbage collection (gc.collect(2)) after every script run: with
# pandas, DuckDB and Plotly loaded that was 30% of a run's CPU. Python's own generational
# collection still runs. Options given on the command line come later and win.
DEFAULT_OPTIONS = ["--runner.postScriptGC", "false"]


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    options = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(APP), *DEFAULT_OPTIONS, *options]
    cli.main()


if __name__ == "__main__":
    main()
