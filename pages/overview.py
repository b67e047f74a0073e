"""Ringkasan: headline figures with their denominators, the map and the area ranking."""

import streamlit as st

from kesiapan.contract import labels, theme
from kesiapan.outputs import charts
from kesiapan.ui import shared as ui
from kesiapan.ui import tables

page, row = ui.start("Ringkasan kesiapan KPPS")
since, before = page.previous()


def _before(column: str) -> float | None:
    return None if before is None else before[column]


cols = st.columns(4)
for col, label, part, whole, noun in (
    (cols[0], "TPS siap", "tps_siap", "tps", "TPS"),
    (cols[1], "KPPS terlatih", "kpps_terlatih", "kpps_aktif", "KPPS aktif"),
    (cols[2], "Kursi kosong", "kursi_kosong", "kebutuhan_kpps", "kursi"),
    (cols[3], "Sesi disupervisi", "sesi_disupervisi", "sesi_bimtek", "sesi"),
):
    ui.headline(col, label, row[part], row[whole], noun, before=_before(part), since=since)
st.caption(
    f"{labels.angka(row.kecamatan)} kecamatan · {labels.angka(row.desa)} desa/kelurahan · "
    f"{labels.angka(row.tps)} TPS · {labels.angka(row.kunjungan_supervisi)} kunjungan supervisi"
)
ui.report_downloads(page)

summary, name_col, code_col, level = page.areas_summary()
left, right = st.columns([3, 2])
with left:
    desa_level = page.single_kecamatan is not None
    where = page.area_name() if desa_level else ""
    st.subheader(f"Peta status jadwal Bimtek per {'desa' if desa_level else 'kecamatan'}")
    geojson = page.geojson()
    if geojson is None:
        ui.empty("Batas kecamatan untuk dataset ini belum tersedia.")
    else:
        kecamatan = page.judged("kecamatan")
        points = None
        if desa_level:  # every desa of the kecamatan, the chosen one among them
            whole = {"kecamatan": [page.single_kecamatan], "desa": None}
            desa = page.judged("desa", **whole)
            points = ui.desa_points(page.query("supervisi_desa", **whole), desa)
        ui.drill_from_chart(
            ui.figure(charts.kecamatan_map, kecamatan, geojson, points=points),
            "peta",
            "desa" if desa_level else "kecamatan",
        )
        st.caption(
            (f"{labels.polos(where)}: titik desa berwarna status jadwalnya. " if where else "")
            + f"{theme.SCHEDULE_CAPTION} Klik nama atau titik untuk merinci."
        )
with right:
    st.subheader(f"Status TPS per {level}" if level != "TPS" else "Status per TPS")
    st.caption("Urutan: TPS bermasalah terbanyak di atas. Klik batang untuk merinci.")
    ui.drill_from_chart(
        ui.figure(charts.status_by_area, summary, name_col, code_col), "status", level
    )

st.subheader(f"Peringkat {level} (perlu perhatian di atas)")
st.caption(f"{theme.AREAS_ORDER_TEXT} Pilih satu baris untuk melihat wilayah itu lebih rinci.")
ranked, columns, code_col, title = tables.ranking(page)
ui.status_table(ranked, columns, key="peringkat", drill_col=code_col, download=title, view=page)
