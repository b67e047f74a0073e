"""What the Streamlit pages share: the one dataset of this process and its cached queries."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kesiapan.store import Dataset

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "sample"


def data_folder() -> Path:
    return Path(os.environ.get("KESIAPAN_DATA", DEFAULT_DATA))


@st.cache_resource(show_spinner="Membaca dataset…")
def dataset(folder: str) -> Dataset:
    """One DuckDB connection per process; every query takes its own cursor."""
    return Dataset.open(Path(folder))


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def query(
    folder: str,
    name: str,
    as_of: date,
    kabupaten: tuple[str, ...] | None = None,
    kecamatan: tuple[str, ...] | None = None,
    desa: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    return dataset(folder).query(
        name,
        as_of=as_of,
        kabupaten=list(kabupaten) if kabupaten else None,
        kecamatan=list(kecamatan) if kecamatan else None,
        desa=list(desa) if desa else None,
    )
