"""Kesiapan KPPS: the only router and frame: page config, navigation, shared filters."""

import streamlit as st

from kesiapan.access import accounts as access
from kesiapan.contract import labels
from kesiapan.ui import filters, signin, warmup
from kesiapan.ui import shared as ui

# URL paths deliberately differ from the file names in pages/: a link straight to a page on a
# freshly started server would otherwise be served by Streamlit's folder-based routing,
# running the page without this frame (no filters, no navigation). An unknown path falls
# back to app.py, whose st.navigation then picks the page.
URL_PATHS = {
    "bimtek": "cakupan-bimtek",
    "petugas": "kekurangan-petugas",
    "supervisi": "supervisi-bimtek",
    "data": "tentang-data",
}

signin.hide_session_ids()  # issue 12: no session id in the server's log, ever

st.set_page_config(
    page_title="Kesiapan KPPS",
    page_icon=ui.FAVICON,  # kesiapan/ikon.png, made once (a Material icon is fetched from Google)
    layout="wide",
    initial_sidebar_state="auto",
)
ui.frame_style()  # issue 15: nothing in English in the app's frame
ui.limit_runs()  # issue 12: a session rerunning without end must not slow everybody else
warmup.note_run()  # issue 17: the warm-up gives way while people use the server

# Who is looking (kesiapan.ui.signin); the navigation is built before the sign-in form so that a
# link to a page (/supervisi-bimtek?kec=…) still opens that page once signed in.
viewer = signin.find(ui.data_folder())

impor = st.Page(
    "pages/impor.py",
    title="Impor Data",
    icon=":material/upload_file:",
    url_path="impor-data",
    # Listed only for roles that import; the page's own guard refuses the others by URL.
    visibility="visible" if viewer and viewer.boleh(access.IMPOR) else "hidden",
)
presensi = st.Page(
    "pages/presensi.py",
    title="Presensi",
    icon=":material/how_to_reg:",
    url_path="presensi-bimtek",
    # Issue 16: listed for session operators; the page's own guard refuses the others by URL.
    visibility="visible" if viewer and viewer.boleh(access.PRESENSI) else "hidden",
)
pages = st.navigation(
    [
        st.Page("pages/overview.py", title="Ringkasan", icon=":material/dashboard:", default=True),
        st.Page(
            "pages/bimtek.py",
            title="Cakupan Bimtek",
            icon=":material/school:",
            url_path=URL_PATHS["bimtek"],
        ),
        st.Page(
            "pages/petugas.py",
            title="Kekurangan Petugas",
            icon=":material/group_off:",
            url_path=URL_PATHS["petugas"],
        ),
        st.Page(
            "pages/supervisi.py",
            title="Supervisi",
            icon=":material/travel_explore:",
            url_path=URL_PATHS["supervisi"],
        ),
        st.Page(
            "pages/data.py", title="Data", icon=":material/database:", url_path=URL_PATHS["data"]
        ),
        impor,
        presensi,
    ],
    position="sidebar" if viewer else "hidden",
)
if viewer is None:
    signin.sign_in_screen(ui.data_folder())
view = ui.page()  # the data, limited to the viewer's area scope
data, areas = view.data, view.areas
warmup.follow(view.folder)  # issue 17: a version an import just named, warmed in the background
if viewer.demo:
    st.info(
        "Mode demo: data contoh rekaan Kabupaten Sampang, tanpa akun. Data nyata hanya "
        "terbuka setelah masuk.",
        icon=":material/science:",
    )

with st.sidebar:
    st.text(data.config.nama or "Kesiapan KPPS")
    signin.account_box(viewer, areas)
    filters.draw(areas, data.first_date, data.default_as_of, data.default_as_of, view.index)
    st.caption(f"Data terakhir: {labels.tanggal(data.default_as_of)}")
    # Issue 16: marks made at a venue show within seconds on every dashboard page. Not on the
    # Presensi page itself: each tap redraws it, and twenty phones rerunning on each other's
    # marks would keep the server busy for nothing.
    if not viewer.demo and pages.url_path != "presensi-bimtek":
        ui.follow_journal()
    if data.errors:
        st.warning(
            f"Dataset memuat {labels.angka(len(data.errors))} galat; lihat halaman Data.",
            icon=":material/warning:",
        )

for message in st.session_state.pop(signin.DENIED_KEY, []):
    st.error(message, icon=":material/block:")

pages.run()
