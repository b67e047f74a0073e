"""Supervisi: where visits went, what was not visited, days since the last visit, findings."""

import streamlit as st

from kesiapan.contract import labels, theme
from kesiapan.outputs import charts
from kesiapan.ui import shared as ui
from kesiapan.ui import tables

page, total = ui.start("Supervisi Bimtek")
# Sessions belong to a kecamatan: under a desa filter the sessions, the map and the kecamatan
# figures are those of the desa's kecamatan with all their visits; the visit and desa counts
# are the visits naming the chosen desa. The cards say which is which.
chosen = page.filters.desa
kecamatan_codes = sorted(
    page.areas[page.areas["kode_desa"].isin(chosen)]["kode_kecamatan"].unique()
)
whole = {"desa": None, "kecamatan": kecamatan_codes, "kabupaten": None} if chosen else {}
# Frames derived from answers are made once per answer for every session (ui.derived), in
# kesiapan.ui.tables for the tables, which the warm-up prepares too.
ranked = tables.per_kecamatan(page, **whole)
per_kecamatan = ranked.frame
visits = page.query("supervisi_kunjungan")
sessions = page.query("supervisi_sesi")
cols = st.columns(4)
if chosen:
    names = ", ".join(per_kecamatan["kecamatan"])
    cols[0].metric(
        "Kunjungan yang menyebut desa", labels.angka(total.kunjungan_supervisi), border=True
    )
    ui.headline(
        cols[1], f"Sesi Kec. {names} disupervisi", total.sesi_disupervisi, total.sesi_bimtek, "sesi"
    )
    ui.headline(cols[2], "Desa dikunjungi", total.desa_dikunjungi, total.desa, "desa/kel.")
    cols[3].metric(
        f"Kunjungan di Kec. {names}", labels.angka(per_kecamatan["kunjungan"].sum()), border=True
    )
    st.caption(
        f"Filter desa: kunjungan dan desa dihitung dari kunjungan yang menyebut desa terpilih; "
        f"sesi, peta dan tabel per kecamatan mencakup seluruh Kecamatan {names} dengan semua "
        "kunjungannya, karena sesi Bimtek milik kecamatan."
    )
else:
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
        on_map = page.query("supervisi_kunjungan", **whole) if chosen else visits
        ui.chart(
            ui.figure(charts.visits_map, on_map, geojson, per_kecamatan),
            key="peta_kunjungan",
            theme=None,
        )
with right:
    st.subheader("Hari sejak kunjungan terakhir")
    waits = ui.longest_waits(per_kecamatan)  # a country has 7.000 kecamatan: the first 60
    ui.chart(ui.figure(charts.days_since_visit, waits), key="hari_sejak", theme=None)

st.subheader("Kunjungan per hari menurut lembaga")
if visits.empty:
    until = labels.tanggal(page.filters.as_of)
    ui.empty(f"Belum ada kunjungan supervisi di {labels.polos(page.area_name())} sampai {until}.")
else:
    ui.chart(ui.figure(charts.visits_timeline, visits), key="linimasa", theme=None)

st.subheader("Per kecamatan")
st.caption(theme.VISITS_ORDER_TEXT)
ranked.show()

left, right = st.columns(2)
with left:
    st.subheader("Sesi yang belum disupervisi")
    missed = tables.missed(page)
    if sessions.empty:
        until = labels.tanggal(page.filters.as_of)
        ui.empty(f"Belum ada sesi Bimtek yang berlangsung sampai {until}.")
    elif missed.frame.empty:
        ui.empty("Semua sesi yang sudah berlangsung telah disupervisi.")
    else:
        st.caption("Hanya sesi yang sudah berlangsung, urut tanggal.")
        missed.show()
with right:
    st.subheader("Desa/kelurahan yang belum dikunjungi")
    unvisited = tables.unvisited(page)
    if unvisited.frame.empty:
        ui.empty("Semua desa/kelurahan sudah dikunjungi.")
    else:
        left_out = total.desa - total.desa_dikunjungi
        st.caption(
            labels.dari(left_out, total.desa, "desa/kelurahan belum dikunjungi")
            + " · urutan: cakupan Bimtek terendah di atas"
        )
        unvisited.show()

st.subheader("Temuan dan tindak lanjut")
findings = tables.findings(page)
if findings.frame.empty:
    ui.empty("Belum ada temuan yang dicatat.")
else:
    st.caption("Urut tanggal kunjungan.")
    findings.show()
