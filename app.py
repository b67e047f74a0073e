"""Kesiapan KPPS: the only router and frame of the dashboard."""

import streamlit as st

from kesiapan import labels, ui

st.set_page_config(page_title="Kesiapan KPPS", page_icon="🗳️", layout="wide")

folder = str(ui.data_folder())
data = ui.dataset(folder)

with st.sidebar:
    st.caption(data.config.nama or folder)
    as_of = st.date_input(
        "Posisi per tanggal",
        value=data.default_as_of,
        min_value=data.first_date,
        max_value=data.default_as_of,
        format="DD/MM/YYYY",
        key="as_of",
        help="Angka dihitung seperti keadaan pada akhir tanggal ini.",
    )
    st.caption(f"Data terakhir: {labels.tanggal(data.default_as_of)}")

pages = st.navigation([st.Page("pages/ringkasan.py", title="Ringkasan", icon="📊", default=True)])
pages.run()
