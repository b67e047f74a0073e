"""Supervisi: where visits went, what was not visited, days since the last visit, findings."""

import streamlit as st

from kesiapan import charts, labels, ui

page, total = ui.start("Supervisi Bimtek")
per_kecamatan = page.query("supervisi_kecamatan")
visits = page.query("supervisi_kunjungan")
sessions = page.query("supervisi_sesi")
desa = page.query("supervisi_desa")
cols = st.columns(4)
cols[0].metric("Kunjungan", labels.angka(total.kunjungan_supervisi), border=True)
ui.headline(cols[1], "Sesi disupervisi", total.sesi_disupervisi, total.sesi_bimtek, "sesi")
ui.headline(cols[2], "Desa dikunjungi", total.desa_dikunjungi, total.desa, "desa/kel.")
ui.headline(
    cols[3], "Kecamatan dikunjungi", total.kecamatan_dikunjungi, total.kecamatan, "kecamatan"
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Peta kunjungan")
    geojson = page.geojson()
    if geojson is None:
        ui.empty("Batas kecamatan untuk dataset ini belum tersedia.")
    else:
        st.plotly_chart(
            ui.figure(charts.visits_map, visits, geojson, per_kecamatan),
            key="peta_kunjungan",
            theme=None,
        )
with right:
    st.subheader("Hari sejak kunjungan terakhir")
    waits = ui.longest_waits(per_kecamatan)  # a country has 7.000 kecamatan: the first 60
    st.plotly_chart(ui.figure(charts.days_since_visit, waits), key="hari_sejak", theme=None)

st.subheader("Kunjungan per hari menurut lembaga")
if visits.empty:
    until = labels.tanggal(page.filters.as_of)
    ui.empty(f"Belum ada kunjungan supervisi di {labels.polos(page.area_name())} sampai {until}.")
else:
    st.plotly_chart(ui.figure(charts.visits_timeline, visits), key="linimasa", theme=None)

st.subheader("Per kecamatan")
ui.table(
    per_kecamatan,
    [
        "kecamatan",
        "kunjungan",
        "sesi",
        "sesi_disupervisi",
        "desa",
        "desa_dikunjungi",
        "kunjungan_terakhir",
        "hari_sejak_kunjungan",
    ],
    key="tabel_kecamatan",
)

left, right = st.columns(2)
with left:
    st.subheader("Sesi yang belum disupervisi")
    missed = sessions[~sessions["disupervisi"]]
    if sessions.empty:
        until = labels.tanggal(page.filters.as_of)
        ui.empty(f"Belum ada sesi Bimtek yang berlangsung sampai {until}.")
    elif missed.empty:
        ui.empty("Semua sesi yang sudah berlangsung telah disupervisi.")
    else:
        ui.table(missed, ["tanggal", "kode_sesi", "kecamatan", "tempat"], key="sesi_belum")
with right:
    st.subheader("Desa/kelurahan yang belum dikunjungi")
    unvisited = desa[~desa["dikunjungi"]]
    if unvisited.empty:
        ui.empty("Semua desa/kelurahan sudah dikunjungi.")
    else:
        left_out = total.desa - total.desa_dikunjungi
        st.caption(labels.dari(left_out, total.desa, "desa/kelurahan belum dikunjungi"))
        ui.table(unvisited, ["kecamatan", "desa"], key="desa_belum")

st.subheader("Temuan dan tindak lanjut")
findings = visits[visits["temuan"].notna() | visits["tindak_lanjut"].notna()]
if findings.empty:
    ui.empty("Belum ada temuan yang dicatat.")
else:
    ui.table(
        findings,
        ["tanggal", "kecamatan", "desa", "pengawas", "lembaga", "temuan", "tindak_lanjut"],
        key="temuan",
    )
