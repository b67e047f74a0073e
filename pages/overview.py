"""Ringkasan: headline figures with their denominators, the map and the area ranking."""

import streamlit as st

from kesiapan import charts, labels, ui

page, row = ui.start("Ringkasan kesiapan KPPS")

cols = st.columns(4)
ui.headline(cols[0], "TPS siap", row.tps_siap, row.tps, "TPS")
ui.headline(cols[1], "KPPS terlatih", row.kpps_terlatih, row.kpps_aktif, "KPPS aktif")
ui.headline(cols[2], "Kursi kosong", row.kursi_kosong, row.kebutuhan_kpps, "kursi")
ui.headline(cols[3], "Sesi disupervisi", row.sesi_disupervisi, row.sesi_bimtek, "sesi")
st.caption(
    f"{labels.angka(row.kecamatan)} kecamatan · {labels.angka(row.desa)} desa/kelurahan · "
    f"{labels.angka(row.tps)} TPS · {labels.angka(row.kunjungan_supervisi)} kunjungan supervisi"
)
ui.report_downloads(page)

summary, name_col, code_col, level = page.areas_summary()
left, right = st.columns([3, 2])
with left:
    st.subheader("Peta cakupan Bimtek per kecamatan")
    geojson = page.geojson()
    if geojson is None:
        ui.empty("Batas kecamatan untuk dataset ini belum tersedia.")
    else:
        kecamatan = page.query("ringkasan_kecamatan")
        points = ui.desa_points(page.query("supervisi_desa")) if page.single_kecamatan else None
        st.plotly_chart(
            ui.figure(charts.kecamatan_map, kecamatan, geojson, points=points),
            key="peta",
            theme=None,
        )
with right:
    st.subheader(f"Status TPS per {level}")
    ui.drill_from_chart(
        ui.figure(charts.status_by_area, summary, name_col, code_col), "status", level
    )

st.subheader(f"Peringkat {level} (cakupan terendah di atas)")
st.caption("Pilih satu baris untuk melihat wilayah itu lebih rinci.")
ranked = summary.sort_values(["cakupan_bimtek", code_col], na_position="first")
columns = [
    name_col,
    "tps",
    "tps_siap",
    "kpps_aktif",
    "kpps_terlatih",
    "cakupan_bimtek",
    "kursi_kosong",
    "tps_tanpa_ketua",
    "kunjungan_supervisi",
]
ui.status_table(ranked, columns, key="peringkat", drill_col=code_col, download=f"Peringkat {level}")
