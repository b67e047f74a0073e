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


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from kesiapan import masuk

    masuk.hide_session_ids()  # before the server logs anything (app.py does it too)
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
