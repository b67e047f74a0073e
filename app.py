"""Kesiapan KPPS: the only router and frame: page config, navigation, shared filters."""

import streamlit as st

from kesiapan import filters, labels, ui

st.set_page_config(
    page_title="Kesiapan KPPS",
    page_icon=":material/how_to_vote:",
    layout="wide",
    initial_sidebar_state="expanded",
)

folder = str(ui.data_folder())
data = ui.dataset(folder)
areas = ui.page().areas

pages = st.navigation(
    [
        st.Page("pages/overview.py", title="Ringkasan", icon=":material/dashboard:", default=True),
        st.Page("pages/bimtek.py", title="Cakupan Bimtek", icon=":material/school:"),
        st.Page("pages/petugas.py", title="Kekurangan Petugas", icon=":material/group_off:"),
        st.Page("pages/supervisi.py", title="Supervisi", icon=":material/travel_explore:"),
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
    ]
)

with st.sidebar:
    st.markdown(f"**{data.config.nama or 'Kesiapan KPPS'}**")
    filters.draw(areas, data.first_date, data.default_as_of, data.default_as_of)
    st.caption(f"Data terakhir: {labels.tanggal(data.default_as_of)}")
    if data.errors:
        st.warning(
            f"Dataset memuat {labels.angka(len(data.errors))} galat; lihat halaman Data.",
            icon=":material/warning:",
        )

pages.run()
