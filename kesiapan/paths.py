"""Where the repository's own files are: computed once, here, and imported everywhere else."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: app.py, pages/, queries/, data/
APP = ROOT / "app.py"
QUERIES = ROOT / "queries"
DATA = ROOT / "data"
SAMPLE = DATA / "sample"  # the bundled sample dataset
REFERENCE = DATA / "referensi"  # reference areas (wilayah) the sample and briefing draw on
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
