"""Chart builders: one pure function per visual, a query's DataFrame in, a Plotly figure out.

Colours come from kesiapan.contract.theme and every number, percentage and date shown to people from
kesiapan.contract.labels, so that a chart never disagrees with a table. Plotly's own date formatting
speaks English, so date axes carry explicit Indonesian tick texts and hover texts are written
out here instead of using Plotly's date formats.
"""

from __future__ import annotations

import copy
import functools
import math
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kesiapan.contract import labels, theme

FONT_SIZE = 13
# The dashboard's own typeface (Streamlit's), so that charts read as part of the page.
FONT_FAMILY = '"Source Sans Pro", "Source Sans 3", "Segoe UI", Roboto, sans-serif'
DEFAULT_HEIGHT = 420
MAP_HEIGHT = 560
# A session's row label: its day and venue (or kecamatan), the venue cut to this many letters.
SESSION_PLACE_MAX = 30
SESSION_ROW_HEIGHT = 46  # px: a row, its label above its bar (labels beside the plot
SESSION_BAR_WIDTH = 0.4  # squeezed it to nothing on a phone); the bar's share of the row
# plotly_white's own text colour: marks that are neither a status nor a category.
INK = "#2a3f5f"
# Horizontal bar charts grow with their rows so that 13 px labels never overlap.
ROW_HEIGHT = 26
BAR_CHROME_HEIGHT = 110
MIN_HEIGHT = 240
# Beyond this many ticks, date labels collide on a half-width page column.
MAX_DATE_TICKS = 10
HALF_DAY = pd.Timedelta(hours=12)
LEGEND_GAP = 8  # px between the plot and the legend above it
# Plotly drops the text of a zero-length bar; a hair of length keeps "0 dari 84 (0,0%)" visible.
ZERO_BAR = 0.0005
ZERO_DAY_BAR = 0.1  # the same for a kecamatan visited on the day itself, in days

# Days since the last supervision visit: during Bimtek a kecamatan should be seen every few
# days, and a week without a visit means nobody is checking the sessions there.
DAYS_GREEN_MAX = 3
DAYS_AMBER_MAX = 7
NEVER_VISITED_LABEL = "Belum pernah"

# Projection of the Bimtek curve: members newly trained over the last few calendar days, per
# day. Calendar days, not training days: after the schedule, make-up sessions a week apart
# must not read as a daily pace.
PACE_CALENDAR_DAYS = 3
PROJECTION_HORIZON_DAYS = 14
# The schedule's expected figure (docs/jadwal.md): a tick on the bars, a line on the curve.
EXPECTED_LABEL = "Sasaran jadwal"
BAND_ALPHA = 0.07  # the Bimtek-window band: a hint behind the daily bars, never over them
BARE_SHARE = 0.02  # below this a bar is too short to show its status colour

PAW_STATUS_ORDER = ("belum_diganti", "pengganti_belum_bimtek", "pengganti_terlatih")
PAW_COLORS = {
    "belum_diganti": theme.RED,
    "pengganti_belum_bimtek": theme.AMBER,
    "pengganti_terlatih": theme.GREEN,
}

# Who visited is a category, not a judgement: a qualitative palette that shares no hue with
# the red/amber/green status legend. Provinsi and Kabupaten/Kota always keep their colour;
# any other institution takes the next colour in alphabetical order.
LEMBAGA_PROVINSI_COLOR = "#6a3d9a"
LEMBAGA_KABUPATEN_COLOR = theme.BLUE
LEMBAGA_OTHER_COLORS = ("#17becf", "#8c564b", "#c51b7d", "#4d4d4d")

# Coverage fills stay a little translucent so that names and points on top stay readable;
# visited/not visited is only a backdrop for the visit markers, hence a light tint.
MAP_FILL = 0.75
VISIT_FILL = 0.2
# Institutions visiting the same place are set this share of the map's width apart.
SPOT_SPREAD = 0.025
VISITED_LABEL = "Sudah dikunjungi"
NOT_VISITED_LABEL = "Belum dikunjungi"
# Long free-text findings are wrapped and cut in hover boxes so that the box stays on screen.
HOVER_WRAP = 70
# An island ring (fewer points than ISLAND_MAX_POINTS) further south of the mainland than
# ISLAND_GAP of the map's extent is drawn INSET_GAP below it, framed (`_inset_islands`).
ISLAND_MAX_POINTS = 12
ISLAND_GAP, INSET_GAP, INSET_PAD = 0.08, 0.03, 0.008
# Map names are placed for a plot this many pixels wide, at about this many pixels a letter and
# a line (12 px Source Sans): names that do not overlap there do not overlap on wider screens.
LABEL_PLOT_WIDTH = 320  # a 390 px phone's map, less the page's and the plot's margins
LABEL_CHAR_PX = 6.5
LABEL_LINE_PX = 15
LABEL_GAP_PX = 6  # between two names side by side ("SresehPangarengan" touched at 390 px)
HOVER_TEXT_MAX = 180
HOVER_MAX_VISITS = 6


# ---------------------------------------------------------------------------------------------
# Shared helpers


TEMPLATE = "plotly_white"


@functools.cache
def _template() -> dict[str, Any]:
    """TEMPLATE as `template="plotly_white"` stores it in a figure (a validated copy of the
    registered template, its keys in the validator's order), made once per process."""
    import plotly.io as pio

    return copy.deepcopy(pio.templates[TEMPLATE]).to_plotly_json()


def _attach_template(fig: go.Figure) -> None:
    """Set the figure's template to TEMPLATE without validating it again. Issue 17:
    `template="plotly_white"` deep-copies the registered template through Plotly's
    validators on every figure (±30-60 ms, half of building a small chart); this stores a plain
    copy of the once-validated one, as Plotly itself does for its default template
    (`BaseFigure._initialize_layout_template`). The figure's JSON is the same to the byte.
    Each figure gets its own copy: a template object shared between figures would be
    re-parented by each (Plotly objects read their values through their parent)."""
    layout = fig.layout
    layout._validate = False
    try:
        layout.template = copy.deepcopy(_template())
    finally:
        layout._validate = fig._validate


def _base_layout(
    fig: go.Figure, height: int, *, hovermode: str | bool = "closest", legend: bool = True
) -> go.Figure:
    """The look every chart shares: Indonesian separators, a horizontal legend on top."""
    _attach_template(fig)
    fig.update_layout(
        height=height,
        font={"size": FONT_SIZE, "family": FONT_FAMILY},
        separators=",.",
        margin={"l": 8, "r": 16, "t": 40, "b": 8},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            # A fixed pixel gap above the plot; a paper fraction grows with tall charts.
            "y": 1 + LEGEND_GAP / height,
            "xanchor": "left",
            "x": 0,
            "title_text": "",
            # Stacked bars would otherwise list their legend backwards.
            "traceorder": "normal",
        },
        showlegend=legend,
        hovermode=hovermode,
        hoverlabel={"font_size": FONT_SIZE, "align": "left"},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _empty_figure(message: str, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """A figure that says why it is empty, so a page never has to catch an exception."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": FONT_SIZE + 2, "color": theme.GREY},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, height, legend=False)


def _bar_height(rows: int, height: int | None) -> int:
    return height or max(MIN_HEIGHT, rows * ROW_HEIGHT + BAR_CHROME_HEIGHT)


def _tint(color: str, alpha: float) -> str:
    """A theme colour made translucent, so that tints stay tied to the one legend."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or bool(pd.isna(value))


def _number(value: Any) -> float | None:
    """A cell as a float, with SQL NULL (NaN, pd.NA) as None for kesiapan.contract.labels."""
    return None if _is_missing(value) else float(value)


def _count(value: Any) -> int:
    return 0 if _is_missing(value) else int(value)


def _as_date(value: Any) -> date | None:
    return None if _is_missing(value) else pd.Timestamp(value).date()


def _short_date(value: date | None) -> str:
    """date(2024, 1, 25) → '25 Jan' (Indonesian month abbreviations: Mei, Agu, Okt, Des)."""
    return labels.tanggal_pendek(value)


def _date_axis(fig: go.Figure, first: date, last: date, **axis: Any) -> None:
    """Days from first to last with Indonesian tick texts, half a day of room on each side."""
    days = (last - first).days + 1
    step = max(1, math.ceil(days / MAX_DATE_TICKS))
    ticks = [first + timedelta(days=offset) for offset in range(0, days, step)]
    fig.update_xaxes(
        type="date",
        tickmode="array",
        tickvals=[pd.Timestamp(tick) for tick in ticks],
        ticktext=[_short_date(tick) for tick in ticks],
        range=[pd.Timestamp(first) - HALF_DAY, pd.Timestamp(last) + HALF_DAY],
        showgrid=False,
        **axis,
    )


def _count_axis(max_value: float) -> dict[str, Any]:
    """Whole numbers with Indonesian thousands (Plotly would otherwise write '15k')."""
    axis: dict[str, Any] = {"tickformat": ",d", "rangemode": "tozero"}
    if max_value <= 10:
        # Small counts would otherwise get ticks at 0,5 that round to duplicate labels.
        axis["dtick"] = 1
    return axis


def _category_axis(order: Sequence[str], *, top_down: bool) -> dict[str, Any]:
    """A fixed category order, so the chart never depends on the order of the rows.

    The range is set too: marker traces on a category axis otherwise pad it with empty rows.
    """
    edges = [-0.5, len(order) - 0.5]
    return {
        "categoryorder": "array",
        "categoryarray": list(order),
        "range": edges[::-1] if top_down else edges,
    }


def _area_labels(df: pd.DataFrame, name_col: str, code_col: str) -> list[str]:
    """Names as axis categories; names that repeat (desa 'Taman' in two kecamatan) are told
    apart by kecamatan or code, since equal categories would merge two bars into one."""
    names = [str(name) for name in df[name_col]]
    repeated = Counter(names)
    has_context = name_col != "kecamatan" and "kecamatan" in df.columns
    contexts = [str(v) for v in df["kecamatan"]] if has_context else [""] * len(names)
    first_pass = [
        f"{name} ({context or code})" if repeated[name] > 1 else name
        for name, context, code in zip(names, contexts, df[code_col], strict=True)
    ]
    still_repeated = Counter(first_pass)
    return [
        f"{name} ({code})" if still_repeated[label] > 1 else label
        for label, name, code in zip(first_pass, names, df[code_col], strict=True)
    ]


def _legend_swatch(fig: go.Figure, name: str, color: str, group: str) -> None:
    """A legend entry without data, for charts whose real traces stay out of the legend."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 14, "color": color},
            name=name,
            legendgroup=group,
            hoverinfo="skip",
        )
    )


def _hover_text(text: object) -> str:
    """Free text for a hover box: cut to a readable length and wrapped onto short lines."""
    if _is_missing(text) or not str(text).strip():
        return ""
    clean = " ".join(str(text).split())
    short = textwrap.shorten(clean, HOVER_TEXT_MAX, placeholder=" …")
    return "<br>".join(textwrap.wrap(short, HOVER_WRAP))


def _lembaga_rank(lembaga: str) -> int:
    lowered = lembaga.lower()
    if "provinsi" in lowered:
        return 0
    if "kabupaten" in lowered or "kota" in lowered:
        return 1
    return 2


def _lembaga_colors(names: Iterable[str]) -> dict[str, str]:
    """Provinsi first, then Kabupaten/Kota, then the rest alphabetically, each its colour."""
    ordered = sorted(set(names), key=lambda name: (_lembaga_rank(name), name))
    colors: dict[str, str] = {}
    others = 0
    for name in ordered:
        rank = _lembaga_rank(name)
        if rank == 0:
            colors[name] = LEMBAGA_PROVINSI_COLOR
        elif rank == 1:
            colors[name] = LEMBAGA_KABUPATEN_COLOR
        else:
            colors[name] = LEMBAGA_OTHER_COLORS[others % len(LEMBAGA_OTHER_COLORS)]
            others += 1
    return colors


def _lembaga_of(df: pd.DataFrame) -> list[str]:
    return ["Tanpa lembaga" if _is_missing(v) else str(v) for v in df["lembaga"]]


# ---------------------------------------------------------------------------------------------
# Geometry (GeoJSON [lon, lat]); no basemap, so nothing is ever fetched from the internet.


def _exterior_rings(geometry: Mapping[str, Any] | None) -> list[list[Sequence[float]]]:
    """Outer rings of a Polygon or MultiPolygon. Holes are left out: an enclave is another
    kecamatan that is drawn, and filled, on its own."""
    if not geometry:
        return []
    coordinates = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return [coordinates[0]] if coordinates else []
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in coordinates if polygon]
    return []


def _ring_path(rings: list[list[Sequence[float]]]) -> tuple[list[float | None], ...]:
    """All rings of one area as one path; None breaks the path so each ring fills on its own."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for ring in rings:
        if lons:
            lons.append(None)
            lats.append(None)
        lons.extend(point[0] for point in ring)
        lats.extend(point[1] for point in ring)
    return lons, lats


def _features(geojson: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Kecamatan of the GeoJSON: code, name, outer rings and the point for the name label."""
    features = []
    for feature in geojson.get("features") or []:
        properties = feature.get("properties") or {}
        rings = _exterior_rings(feature.get("geometry"))
        if not rings:
            continue
        lat, lon = properties.get("centroid_lat"), properties.get("centroid_lon")
        if lat is None or lon is None:
            points = [point for ring in rings for point in ring]
            lon = sum(point[0] for point in points) / len(points)
            lat = sum(point[1] for point in points) / len(points)
        code = str(properties.get("kode_kecamatan", ""))
        features.append(
            {
                "code": code,
                "name": str(properties.get("kecamatan") or code),
                "rings": rings,
                "lat": float(lat),
                "lon": float(lon),
            }
        )
    _inset_islands(features)
    return features


def _bbox(rings: Sequence[Sequence[Sequence[float]]]) -> tuple[float, float, float, float]:
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    return min(lons), max(lons), min(lats), max(lats)


def _inset_islands(features: list[dict[str, Any]]) -> None:
    """Move an island that lies far off the mainland (Pulau Mandangin, 10 km off Sampang)
    next to it, in place: a map drawn to scale was a sliver of island under an empty band.
    Each moved island's box goes into its feature's "insets", for the frame that marks it."""
    mainland = [
        ring for f in features for ring in f["rings"] if len(ring) >= ISLAND_MAX_POINTS
    ] or [ring for f in features for ring in f["rings"]]
    west, east, south, north = _bbox(mainland)
    extent = max(east - west, north - south, 1e-6)
    for feature in features:
        moved, boxes = [], []
        for ring in feature["rings"]:
            w, e, s, n = _bbox([ring])
            gap_south = south - n
            if len(ring) >= ISLAND_MAX_POINTS or gap_south < ISLAND_GAP * extent:
                moved.append(ring)
                continue
            shift = gap_south - INSET_GAP * extent
            moved.append([[p[0], p[1] + shift] for p in ring])
            pad = INSET_PAD * extent
            boxes.append((w - pad, e + pad, s + shift - pad, n + shift + pad))
        feature["rings"] = moved
        feature["insets"] = boxes


def _map_layout(fig: go.Figure, features: list[dict[str, Any]], height: int) -> go.Figure:
    """Plain lon/lat axes with equal scale, hidden, with a little room around the outlines."""
    for box in (box for f in features for box in f.get("insets", [])):
        fig.add_shape(
            type="rect",
            x0=box[0],
            x1=box[1],
            y0=box[2],
            y1=box[3],
            line={"color": theme.GREY, "width": 1, "dash": "dot"},
            layer="below",
        )
        # Under the frame, centred and clear of it: beside it, the words ran into the frame
        # and the coast (issue 15).
        fig.add_annotation(
            x=(box[0] + box[1]) / 2,
            y=box[2],
            xanchor="center",
            yanchor="top",
            yshift=-3,
            text="pulau, digeser",
            showarrow=False,
            font={"size": 11, "color": INK},
            bgcolor="rgba(255,255,255,0.85)",
        )
    lons = [p[0] for f in features for ring in f["rings"] for p in ring]
    lats = [p[1] for f in features for ring in f["rings"] for p in ring]
    pad = 0.03 * max(max(lons) - min(lons), max(lats) - min(lats), 1e-6)
    _base_layout(fig, height)
    fig.update_xaxes(visible=False, range=[min(lons) - pad, max(lons) + pad])
    fig.update_yaxes(
        visible=False,
        range=[min(lats) - pad, max(lats) + pad],
        scaleanchor="x",
        scaleratio=1,
        # On a phone the map is narrower than it is tall: it sits under its legend and the
        # spare height goes below it, not between the legend and the map.
        constrain="domain",
        constraintoward="top",
    )
    fig.update_layout(plot_bgcolor="white", dragmode="pan")
    return fig


def _add_area(
    fig: go.Figure,
    feature: Mapping[str, Any],
    fill: str,
    line: str,
    hover: str,
    group: str | None,
) -> None:
    lons, lats = _ring_path(feature["rings"])
    fig.add_trace(
        go.Scatter(
            x=lons,
            y=lats,
            mode="lines",
            fill="toself",
            fillcolor=fill,
            line={"color": line, "width": 1.2},
            # Hover on fills shows the trace's single text; hovertemplate is not used there.
            hoveron="fills",
            text=hover,
            hoverinfo="text",
            name=feature["name"],
            legendgroup=group,
            showlegend=False,
        )
    )


def _label_places(features: list[dict[str, Any]], positions: Sequence[str]) -> list[str | None]:
    """A text position per area name (one of `positions`, tried in order) so that no two names
    overlap, or None for a name that fits nowhere (its area still names it on hover; issue 15:
    "SresehPangarengan"). Sizes are worked out for a map LABEL_PLOT_WIDTH pixels wide, the
    narrower of the phone and the desktop column, so names that part there part everywhere."""
    lons = [p[0] for f in features for ring in f["rings"] for p in ring]
    lats = [p[1] for f in features for ring in f["rings"] for p in ring]
    if not lons:
        return [None] * len(features)
    per_px = max(max(lons) - min(lons), max(lats) - min(lats), 1e-6) / LABEL_PLOT_WIDTH
    half_h = LABEL_LINE_PX / 2 * per_px
    step = LABEL_LINE_PX + 1  # a pixel apart
    shift = {"middle center": 0.0, "top center": step, "bottom center": -step}
    placed: list[tuple[float, float, float, float]] = []
    out: list[str | None] = []
    for feature in features:
        half_w = (len(feature["name"]) * LABEL_CHAR_PX + LABEL_GAP_PX) / 2 * per_px
        chosen = None
        for position in positions:
            y = feature["lat"] + shift.get(position, 0.0) * per_px
            box = (feature["lon"] - half_w, feature["lon"] + half_w, y - half_h, y + half_h)
            if all(
                box[1] < other[0] or other[1] < box[0] or box[3] < other[2] or other[3] < box[2]
                for other in placed
            ):
                placed.append(box)
                chosen = position
                break
        out.append(chosen)
    return out


def _add_area_names(
    fig: go.Figure,
    features: list[dict[str, Any]],
    positions: Sequence[str] = ("middle center", "top center", "bottom center"),
) -> None:
    """Area names that do not run into each other (`_label_places`), and under each a small
    dot carrying the area code in customdata[0]: a click on a name drills into that area."""
    places = _label_places(features, positions)
    fig.add_trace(
        go.Scatter(
            x=[f["lon"] for f in features],
            y=[f["lat"] for f in features],
            mode="markers+text",
            text=[f["name"] if place else "" for f, place in zip(features, places, strict=True)],
            textposition=[place or "middle center" for place in places],
            # "auto" outlines dark text in white, readable on every fill.
            textfont={"size": 12, "shadow": "auto"},
            marker={"size": 9, "color": INK, "opacity": 0.35, "line": {"width": 0}},
            customdata=[[f["code"], f["name"]] for f in features],
            hovertemplate="<b>%{customdata[1]}</b><br>Klik untuk merinci<extra></extra>",
            showlegend=False,
        )
    )


# ---------------------------------------------------------------------------------------------
# 1. Bimtek coverage per area


def threshold_label(share: float) -> str:
    """The words on a coverage band's boundary line: 'batas 80%', 'sasaran 95%'."""
    word = "sasaran" if share >= theme.COVERAGE_GREEN_FROM else "batas"
    return f"{word} {labels.persen(share, 0)}"


def coverage_by_area(
    df: pd.DataFrame,
    name_col: str = "kecamatan",
    code_col: str = "kode_kecamatan",
    height: int | None = None,
) -> go.Figure:
    """Share of active KPPS trained per area from a `ringkasan_*` frame, worst first.

    With the schedule columns of the `jadwal_*` queries merged in (`status_jadwal`,
    `target_terlatih`, `tanpa_kursi`, docs/jadwal.md) each bar takes its schedule status's
    colour and a tick marks the share the sessions held so far had room for ("Sasaran jadwal");
    without them the coverage bands colour the bars. customdata[0] of every bar is the area
    code, for the page's click-to-drill.
    """
    if df.empty:
        return _empty_figure("Belum ada data cakupan Bimtek untuk wilayah ini.", height or 300)
    judged = "status_jadwal" in df.columns
    data = theme.worst_first(df, code_col)
    rows = []
    for label, record in zip(
        _area_labels(data, name_col, code_col), data.to_dict("records"), strict=True
    ):
        fraction = _number(record["cakupan_bimtek"])
        trained, active = _count(record["kpps_terlatih"]), _count(record["kpps_aktif"])
        if fraction is None:
            text = "Belum ada KPPS aktif"
        else:
            text = (
                f"{labels.angka(trained)} dari {labels.angka(active)} ({labels.persen(fraction)})"
            )
        hover = f"<b>{label}</b><br>" + (
            f"{labels.dari(trained, active, 'KPPS terlatih')} ({labels.persen(fraction)})"
            f"<br>Belum terlatih: {labels.angka(max(0, active - trained))} KPPS"
            if fraction is not None
            else "Belum ada KPPS aktif"
        )
        row = {"label": label, "code": str(record[code_col]), "fraction": fraction, "text": text}
        if judged:
            status = str(record["status_jadwal"])
            target = _count(record["target_terlatih"])
            row["band"] = status
            row["target"] = target / active if active else None
            hover += (
                f"<br>{theme.SCHEDULE_LABELS.get(status, status)}"
                f"<br>Sasaran jadwal: {labels.angka(target)} KPPS"
                f" ({labels.persen(row['target'])})"
            )
            if _count(record["tanpa_kursi"]):
                hover += f"<br>Tanpa kursi di sesi mendatang: {labels.angka(record['tanpa_kursi'])}"
        else:
            row["band"] = theme.coverage_band(fraction)
        row["hover"] = hover
        rows.append(row)

    bands = theme.SCHEDULE_ORDER if judged else theme.COVERAGE_BANDS
    colors = theme.SCHEDULE_COLORS if judged else theme.COVERAGE_COLORS
    names = theme.SCHEDULE_LABELS if judged else theme.COVERAGE_LABELS
    fig = go.Figure()
    for band in bands:
        members = [r for r in rows if r["band"] == band]
        if not members:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                x=[r["fraction"] or ZERO_BAR for r in members],
                y=[r["label"] for r in members],
                customdata=[[r["code"], r["hover"]] for r in members],
                hovertemplate="%{customdata[1]}<extra></extra>",
                text=[r["text"] for r in members],
                textposition="auto",
                insidetextanchor="end",
                cliponaxis=False,
                marker_color=colors[band],
                name=names[band],
                legendgroup=band,
            )
        )
    if judged:
        # A bar of (nearly) nothing shows no colour: its status as a square at zero instead.
        bare = [r for r in rows if (r["fraction"] or 0.0) < BARE_SHARE]
        if bare:
            fig.add_trace(
                go.Scatter(
                    x=[0.0] * len(bare),
                    y=[r["label"] for r in bare],
                    mode="markers",
                    marker={
                        "symbol": "square",
                        "size": 11,
                        "color": [colors[r["band"]] for r in bare],
                    },
                    customdata=[[r["code"], r["hover"]] for r in bare],
                    hovertemplate="%{customdata[1]}<extra></extra>",
                    cliponaxis=False,
                    showlegend=False,
                )
            )
        marked = [r for r in rows if r["target"] is not None]
        fig.add_trace(
            go.Scatter(
                x=[r["target"] for r in marked],
                y=[r["label"] for r in marked],
                mode="markers",
                name=EXPECTED_LABEL,
                marker={
                    "symbol": "line-ns-open",
                    "size": ROW_HEIGHT - 6,
                    "color": INK,
                    "line": {"width": 3},
                },
                customdata=[[r["code"], r["hover"]] for r in marked],
                hovertemplate="%{customdata[1]}<extra></extra>",
            )
        )
    else:
        for threshold in (theme.COVERAGE_RED_BELOW, theme.COVERAGE_GREEN_FROM):
            fig.add_vline(
                x=threshold,
                line={"color": theme.GREY, "width": 1, "dash": "dash"},
                layer="below",
                annotation_text=threshold_label(threshold),
                # Inside the plot at the top, right of the line: the worst rows (top) are
                # the shortest bars, and the axis below already has an "80%" tick.
                annotation_position="top right",
                annotation_yanchor="top",
                annotation_font={"size": 11, "color": INK},
                annotation_bgcolor="rgba(255,255,255,0.8)",
            )
    _base_layout(fig, _bar_height(len(rows), height))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(
        range=[0, 1.001], tickformat=".0%", dtick=0.2, title_text="Cakupan Bimtek", side="bottom"
    )
    fig.update_yaxes(**_category_axis([r["label"] for r in rows], top_down=True), ticksuffix=" ")
    return fig


# ---------------------------------------------------------------------------------------------
# 2. TPS status per area

_STATUS_COLUMNS = {status: f"tps_{status}" for status in theme.STATUS_ORDER}


def status_by_area(
    df: pd.DataFrame,
    name_col: str = "kecamatan",
    code_col: str = "kode_kecamatan",
    height: int | None = None,
) -> go.Figure:
    """TPS per status stacked per area, the areas with the most problem TPS on top."""
    if df.empty:
        return _empty_figure("Belum ada TPS di wilayah ini.", height or 300)
    rows = []
    for label, record in zip(
        _area_labels(df, name_col, code_col), df.to_dict("records"), strict=True
    ):
        counts = {status: _count(record[column]) for status, column in _STATUS_COLUMNS.items()}
        total = sum(counts.values())
        rows.append(
            {"label": label, "code": str(record[code_col]), "counts": counts, "total": total}
        )
    # Most problem TPS first; ties go to the worse statuses, then the name, never row order.
    rows.sort(
        key=lambda r: (
            r["counts"]["siap"] - r["total"],
            *(-r["counts"][status] for status in theme.STATUS_ORDER),
            r["label"],
        )
    )

    fig = go.Figure()
    for status in theme.STATUS_ORDER:
        values = [r["counts"][status] for r in rows]
        fig.add_trace(
            go.Bar(
                orientation="h",
                x=values,
                y=[r["label"] for r in rows],
                customdata=[
                    [
                        r["code"],
                        f"{labels.STATUS_LABELS[status]}: {labels.angka(n)} TPS"
                        f" ({labels.persen(n / r['total'] if r['total'] else None)})",
                    ]
                    for r, n in zip(rows, values, strict=True)
                ],
                hovertemplate="%{customdata[1]}<extra></extra>",
                text=[labels.angka(n) if n else "" for n in values],
                textposition="inside",
                insidetextanchor="middle",
                # Upright numbers only: in a narrow segment Plotly would turn them sideways.
                textangle=0,
                marker_color=theme.STATUS_COLORS[status],
                name=labels.STATUS_LABELS[status],
            )
        )
    _base_layout(fig, _bar_height(len(rows), height), hovermode="y unified")
    # Segment numbers that would not fit at a readable size are hidden, not shrunk.
    fig.update_layout(barmode="stack", uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_xaxes(title_text="Jumlah TPS", **_count_axis(max(r["total"] for r in rows)))
    fig.update_yaxes(**_category_axis([r["label"] for r in rows], top_down=True), ticksuffix=" ")
    return fig


# ---------------------------------------------------------------------------------------------
# 3. Bimtek progress over time


def _pace(new_per_day: Sequence[int]) -> float:
    """`new_per_day` has one entry per calendar day, the last being the as-of date."""
    recent = list(new_per_day)[-PACE_CALENDAR_DAYS:]
    return sum(recent) / len(recent) if recent else 0.0


def bimtek_curve(
    df: pd.DataFrame,
    bimtek_mulai: date | None = None,
    bimtek_selesai: date | None = None,
    as_of: date | None = None,
    height: int = DEFAULT_HEIGHT,
    hari_pemungutan: date | None = None,
    expected: pd.DataFrame | None = None,
) -> go.Figure:
    """KPPS trained over time from `bimtek_kumulatif`, with the target and a projection
    (which never runs past voting day, marked when given), and with `expected`
    (`jadwal_harian`) the schedule's expected line: how many the sessions up to each day had
    room for, ahead of D too."""
    if df.empty:
        return _empty_figure("Belum ada sesi Bimtek sampai tanggal ini.", height)
    data = df.sort_values("tanggal")
    days = [_as_date(v) for v in data["tanggal"]]
    new = [_count(v) for v in data["terlatih_baru"]]
    cumulative = [_count(v) for v in data["terlatih_kumulatif"]]
    target = _count(data["kpps_aktif"].max())
    x = [pd.Timestamp(d) for d in days]

    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=new,
            name="Terlatih baru per hari",
            # Strong enough to stand out on the Bimtek-window band behind it (issue 15).
            marker_color=_tint(theme.BLUE, 0.7),
            customdata=[
                f"<b>{labels.tanggal(d)}</b><br>Terlatih baru: {labels.angka(n)} KPPS"
                for d, n in zip(days, new, strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=cumulative,
            mode="lines+markers",
            name="KPPS terlatih (kumulatif)",
            line={"color": theme.BLUE, "width": 3},
            marker={"size": 7},
            customdata=[
                f"<b>{labels.tanggal(d)}</b><br>"
                f"{labels.dari(n, target, 'KPPS aktif terlatih')}"
                f" ({labels.persen(n / target if target else None)})"
                for d, n in zip(days, cumulative, strict=True)
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.add_hline(
        y=target,
        line={"color": theme.GREY, "width": 1.5, "dash": "dash"},
        annotation_text=f"Target: semua KPPS aktif ({labels.angka(target)})",
        # Left: the projection runs towards the line on the right.
        annotation_position="top left",
        annotation_font={"size": 12},
    )

    first, last = days[0], days[-1]
    axis_end = last
    if expected is not None and not expected.empty:
        line = expected.sort_values("tanggal")
        line_days = [_as_date(v) for v in line["tanggal"]]
        targets = [_count(v) for v in line["target_terlatih"]]
        if first < line_days[0]:
            # No session of these kecamatan yet: nothing could have been trained.
            line_days, targets = [first, *line_days], [0, *targets]
        fig.add_trace(
            go.Scatter(
                x=[pd.Timestamp(d) for d in line_days],
                y=targets,
                mode="lines",
                line={"color": INK, "width": 2, "shape": "hv"},
                name=f"{EXPECTED_LABEL} (kursi sesi sampai hari itu)",
                customdata=[
                    f"<b>{labels.tanggal(d)}</b><br>{EXPECTED_LABEL}: {labels.angka(n)} KPPS"
                    f" ({labels.persen(n / target if target else None)})"
                    for d, n in zip(line_days, targets, strict=True)
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
        first = min(first, line_days[0])
        axis_end = max(axis_end, line_days[-1])
    pace = _pace(new)
    remaining = target - cumulative[-1]
    horizon = (
        bimtek_selesai
        if bimtek_selesai and bimtek_selesai > last
        else (as_of or last) + timedelta(days=PROJECTION_HORIZON_DAYS)
    )
    if hari_pemungutan is not None:
        horizon = min(horizon, hari_pemungutan)
    if pace > 0 and remaining > 0 and horizon > last:
        span = min(remaining / pace, float((horizon - last).days))
        end_value = min(target, cumulative[-1] + pace * span)
        end_x = x[-1] + pd.Timedelta(days=span)
        end_day = (x[-1] + pd.Timedelta(days=math.ceil(span))).date()
        reached = end_value >= target
        summary = (
            f"semua KPPS aktif terlatih sekitar {labels.tanggal(end_day)}"
            if reached
            else f"{labels.angka(end_value)} KPPS terlatih pada {labels.tanggal(end_day)}"
        )
        fig.add_trace(
            go.Scatter(
                x=[x[-1], end_x],
                y=[cumulative[-1], end_value],
                mode="lines",
                name="Proyeksi laju saat ini",
                line={"color": theme.BLUE, "width": 2, "dash": "dash"},
                hovertemplate=(
                    f"<b>Proyeksi laju saat ini</b><br>≈{labels.angka(pace)} KPPS per hari"
                    f"<br>{summary}<extra></extra>"
                ),
            )
        )
        axis_end = max(axis_end, end_day)
    if bimtek_mulai and bimtek_selesai:
        fig.add_vrect(
            x0=pd.Timestamp(bimtek_mulai) - HALF_DAY,
            x1=pd.Timestamp(bimtek_selesai) + HALF_DAY,
            # Neutral grey: amber would read as the "belum Bimtek" status.
            fillcolor=_tint(theme.GREY, BAND_ALPHA),
            line_width=0,
            layer="below",
            annotation_text="Jadwal Bimtek",
            # Top right of the band, clear of the target label at the left.
            annotation_position="top right",
            annotation_font={"size": 12},
        )
        first = min(first, bimtek_mulai)
        axis_end = max(axis_end, bimtek_selesai)
    if hari_pemungutan is not None and hari_pemungutan <= axis_end + timedelta(days=3):
        fig.add_vline(
            x=pd.Timestamp(hari_pemungutan),
            line={"color": theme.RED, "width": 1.5, "dash": "dot"},
            annotation_text="Hari pemungutan",
            annotation_position="top left",
            annotation_font={"size": 12, "color": theme.RED},
        )
        axis_end = max(axis_end, hari_pemungutan)

    _base_layout(fig, height)
    _date_axis(fig, first, axis_end)
    fig.update_yaxes(
        title_text="KPPS terlatih",
        # Head room above the target line for its label.
        range=[0, max(target, max(cumulative)) * 1.12],
        **_count_axis(target),
    )
    fig.update_layout(bargap=0.3)
    return fig


# ---------------------------------------------------------------------------------------------
# 4. Bimtek sessions: attendance against capacity


def _session_label(day: date | None, place: str, kecamatan: str, several: bool) -> str:
    """'25 Jan · Balai Desa Kodak'; with sessions of several kecamatan, 'Torjun: Balai Desa
    Kodak'; without a venue, 'Kec. Torjun'. Words a person reads, not the session code."""
    short = textwrap.shorten(place, SESSION_PLACE_MAX, placeholder="…") if place else ""
    where = (f"{kecamatan}: {short}" if several else short) if short else f"Kec. {kecamatan}"
    return f"{_short_date(day)} · {where}"


def _session_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    sessions = []
    several = df["kecamatan"].nunique() > 1
    for record in df.sort_values(["tanggal", "kode_sesi"]).to_dict("records"):
        day = _as_date(record["tanggal"])
        place = "" if _is_missing(record["tempat"]) else str(record["tempat"])
        when = labels.tanggal(day)
        sessions.append(
            {
                "label": _session_label(day, place, str(record["kecamatan"]), several),
                "code": str(record["kode_sesi"]),
                "held": bool(record["sudah_berlangsung"]),
                "present": _count(record["hadir"]),
                "absent": _count(record["tidak_hadir"]),
                "called": _count(record["dipanggil"]),
                "capacity": _number(record["kapasitas"]),
                "fill": _number(record["keterisian"]),
                "place": f"{place}, {when}" if place else when,
            }
        )
    # Two sessions on one day at one venue: told apart by their codes.
    repeated = Counter(s["label"] for s in sessions)
    for session in sessions:
        if repeated[session["label"]] > 1:
            session["label"] += f" ({session['code']})"
    return sessions


def sessions_capacity(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Per session from `bimtek_sesi_kehadiran`: present and absent against the capacity,
    one row per session in date order, labelled by day and venue (`_session_label`)."""
    if df.empty:
        return _empty_figure("Belum ada sesi Bimtek di wilayah ini.", height or DEFAULT_HEIGHT)
    sessions = _session_rows(df)
    held = [s for s in sessions if s["held"]]
    planned = [s for s in sessions if not s["held"]]
    with_capacity = [s for s in sessions if s["capacity"] is not None]
    layers = (
        ("Hadir", held, "present", theme.BLUE),
        ("Tidak hadir", held, "absent", _tint(theme.RED, 0.55)),
        # Not held yet: the planned seats, in grey, instead of a misleading zero.
        ("Belum berlangsung", planned, "capacity", _tint(theme.GREY, 0.45)),
    )
    hovers = {
        "present": lambda s: f"Hadir: {labels.dari(s['present'], s['called'], 'dipanggil')}",
        "absent": lambda s: f"Tidak hadir: {labels.angka(s['absent'])}",
        "capacity": lambda s: "Belum berlangsung",
    }

    fig = go.Figure()
    for name, members, key, color in layers:
        fig.add_trace(
            go.Bar(
                y=[s["label"] for s in members],
                x=[s[key] or 0 for s in members],
                orientation="h",
                # A thin bar in the middle of its row, its label just above it.
                width=SESSION_BAR_WIDTH,
                name=name,
                marker_color=color,
                customdata=[hovers[key](s) for s in members],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            y=[s["label"] for s in with_capacity],
            x=[s["capacity"] for s in with_capacity],
            mode="markers",
            name="Kapasitas",
            marker={"symbol": "line-ns-open", "size": 14, "color": INK, "line": {"width": 3}},
            customdata=[
                f"{s['place']} · {s['code']}<br>Kapasitas: {labels.angka(s['capacity'])}"
                + (f" (terisi {labels.persen(s['fill'])})" if s["held"] else "")
                for s in with_capacity
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    most = max(max(s["capacity"] or 0, s["called"]) for s in sessions)
    rows_height = len(sessions) * SESSION_ROW_HEIGHT + BAR_CHROME_HEIGHT
    _base_layout(fig, height or max(MIN_HEIGHT, rows_height), hovermode="y unified")
    # Each row's label just above its bar, from the left edge: as tick labels
    # beside the plot they squeezed it to nothing on a phone, and as "inside" tick labels
    # Plotly hid the count axis's numbers under them.
    for session in sessions:
        fig.add_annotation(
            x=0,
            xref="paper",
            y=session["label"],
            yref="y",
            xanchor="left",
            yanchor="bottom",
            yshift=SESSION_ROW_HEIGHT * SESSION_BAR_WIDTH / 2,
            text=session["label"],
            showarrow=False,
            font={"size": 12, "color": INK},
        )
    fig.update_yaxes(
        **_category_axis([s["label"] for s in sessions], top_down=True),
        showticklabels=False,
        showgrid=False,
    )
    fig.update_xaxes(title_text="Anggota KPPS", **_count_axis(most))
    fig.update_layout(barmode="stack", bargap=0.25)
    return fig


def sessions_by_day(df: pd.DataFrame, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Sessions per day from `bimtek_sesi_harian`, for views with too many sessions to draw one
    by one: present and absent on the days held, the planned seats in grey on the days to come
    (never a zero), the seats as a mark."""
    if df.empty:
        return _empty_figure("Belum ada sesi Bimtek di wilayah ini.", height)
    rows = []
    for record in df.sort_values("tanggal").to_dict("records"):
        day, held = _as_date(record["tanggal"]), bool(record["sudah_berlangsung"])
        sessions, seats = _count(record["sesi"]), _number(record["kapasitas"])
        head = f"<b>{labels.tanggal(day)}</b> · {labels.angka(sessions)} sesi"
        if held:
            called, present = _count(record["dipanggil"]), _count(record["hadir"])
            supervised = _count(record["sesi_disupervisi"])
            hover = (
                f"{head}<br>Hadir: {labels.dari(present, called, 'dipanggil')}<br>"
                f"Disupervisi: {labels.dari(supervised, sessions, 'sesi')}"
            )
        else:
            present = called = 0
            hover = f"{head}<br>Belum berlangsung"
        if seats is not None:
            hover += f"<br>Kapasitas: {labels.angka(seats)}"
        rows.append(
            {"x": pd.Timestamp(day), "held": held, "present": present,
             "absent": called - present, "seats": seats, "hover": hover}
        )  # fmt: skip
    held = [r for r in rows if r["held"]]
    planned = [r for r in rows if not r["held"]]
    fig = go.Figure()
    for name, members, values, color in (
        ("Hadir", held, [r["present"] for r in held], theme.BLUE),
        ("Tidak hadir", held, [r["absent"] for r in held], _tint(theme.RED, 0.55)),
        ("Belum berlangsung", planned, [r["seats"] or 0 for r in planned], _tint(theme.GREY, 0.45)),
    ):
        fig.add_trace(
            go.Bar(
                x=[r["x"] for r in members],
                y=values,
                name=name,
                marker_color=color,
                customdata=[r["hover"] for r in members],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    marked = [r for r in rows if r["seats"] is not None]
    fig.add_trace(
        go.Scatter(
            x=[r["x"] for r in marked],
            y=[r["seats"] for r in marked],
            mode="markers",
            name="Kapasitas",
            marker={"symbol": "line-ew-open", "size": 22, "color": INK, "line": {"width": 3}},
            customdata=[r["hover"] for r in marked],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    most = max(max(r["seats"] or 0, r["present"] + r["absent"]) for r in rows)
    _base_layout(fig, height, hovermode="x unified")
    fig.update_layout(barmode="stack", bargap=0.3)
    _date_axis(fig, _as_date(rows[0]["x"]), _as_date(rows[-1]["x"]))
    fig.update_yaxes(title_text="Anggota KPPS", **_count_axis(most))
    return fig


# ---------------------------------------------------------------------------------------------
# 5. Coverage map of kecamatan (no tiles)


def kecamatan_map(
    df: pd.DataFrame,
    geojson: Mapping[str, Any],
    value_col: str = "cakupan_bimtek",
    points: pd.DataFrame | None = None,
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """Kecamatan filled with their schedule status (`status_jadwal` merged in from
    `jadwal_kecamatan`, as on the bars), else their coverage band, from a
    `ringkasan_kecamatan` frame.

    Kecamatan of the GeoJSON missing from `df` (outside the filter) stay light grey.
    `points` (lat, lon, label, optional color and schedule status) are drawn as markers on
    top, the statuses they carry named in the legend.
    """
    features = _features(geojson)
    if df.empty or not features:
        return _empty_figure("Belum ada data kecamatan untuk peta ini.", height)
    by_code = {str(r["kode_kecamatan"]): r for r in df.to_dict("records")}
    judged = "status_jadwal" in df.columns
    colors = theme.SCHEDULE_COLORS if judged else theme.COVERAGE_COLORS
    names = theme.SCHEDULE_LABELS if judged else theme.COVERAGE_LABELS

    fig = go.Figure()
    bands_present = set()
    for feature in features:
        record = by_code.get(feature["code"])
        if record is None:
            _add_area(fig, feature, _tint(theme.GREY, 0.15), theme.GREY, feature["name"], None)
            continue
        fraction = _number(record[value_col])
        band = str(record["status_jadwal"]) if judged else theme.coverage_band(fraction)
        bands_present.add(band)
        trained, active = _count(record["kpps_terlatih"]), _count(record["kpps_aktif"])
        hover = (
            f"<b>{feature['name']}</b><br>"
            f"{labels.dari(trained, active, 'KPPS terlatih')} ({labels.persen(fraction)})<br>"
        )
        if judged:
            target = _count(record["target_terlatih"])
            hover += (
                f"{names.get(band, band)}: sasaran {labels.angka(target)} KPPS"
                f" ({labels.persen(target / active if active else None)})<br>"
            )
        hover += (
            f"TPS siap: {labels.angka(_count(record['tps_siap']))} dari "
            f"{labels.angka(_count(record['tps']))}<br>"
            f"Kursi kosong: {labels.angka(_count(record['kursi_kosong']))}"
        )
        _add_area(fig, feature, _tint(colors.get(band, theme.GREY), MAP_FILL), "white", hover, band)
    for band in theme.SCHEDULE_ORDER if judged else theme.COVERAGE_BANDS:
        if band in bands_present:
            color = _tint(colors[band], MAP_FILL)
            _legend_swatch(fig, names[band], color, band)
    if points is not None and not points.empty:
        # The dots' own statuses in the legend too: under a desa filter the area's fill may be
        # green while most dots of its kecamatan are red.
        shown = set(points["status"].dropna()) if "status" in points else set()
        for status in (s for s in theme.SCHEDULE_ORDER if s in shown):
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"symbol": "circle", "size": 12, "color": theme.SCHEDULE_COLORS[status]},
                    name=f"Desa: {theme.SCHEDULE_LABELS[status].lower()}",
                    hoverinfo="skip",
                )
            )
        # Desa are points named on hover only: a kecamatan's dozen desa names would collide.
        codes = points["kode_desa"].astype(str).tolist() if "kode_desa" in points else None
        fig.add_trace(
            go.Scatter(
                x=points["lon"].tolist(),
                y=points["lat"].tolist(),
                mode="markers",
                marker={
                    "size": 13,
                    "color": points["color"].tolist() if "color" in points else theme.BLUE,
                    "line": {"width": 1.5, "color": "white"},
                },
                customdata=(
                    [[c, t] for c, t in zip(codes, points["label"].astype(str), strict=True)]
                    if codes
                    else None
                ),
                text=points["label"].astype(str).tolist(),
                hoverinfo="text",
                showlegend=False,
            )
        )
    else:
        _add_area_names(fig, features)
    return _map_layout(fig, features, height)


# ---------------------------------------------------------------------------------------------
# 6. Supervision visits per day


def visits_timeline(df: pd.DataFrame, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Visits per day from `supervisi_kunjungan`, stacked by institution."""
    if df.empty:
        return _empty_figure("Belum ada kunjungan supervisi sampai tanggal ini.", height)
    data = df.assign(_hari=[_as_date(v) for v in df["tanggal"]], _lembaga=_lembaga_of(df))
    data = data.sort_values(["_hari", "kecamatan", "pengawas"])
    colors = _lembaga_colors(data["_lembaga"])
    fig = go.Figure()
    for lembaga, color in colors.items():
        days, counts, hovers = [], [], []
        for day, group in data[data["_lembaga"] == lembaga].groupby("_hari", sort=True):
            visits = [
                f"{pengawas} — {kecamatan}" + ("" if _is_missing(desa) else f" ({desa})")
                for pengawas, kecamatan, desa in zip(
                    group["pengawas"], group["kecamatan"], group["desa"], strict=True
                )
            ]
            days.append(day)
            counts.append(len(visits))
            hovers.append(
                f"<b>{labels.tanggal(day)}</b> · {lembaga}<br>"
                f"{labels.angka(len(visits))} kunjungan<br>" + "<br>".join(visits)
            )
        fig.add_trace(
            go.Bar(
                x=[pd.Timestamp(d) for d in days],
                y=counts,
                name=lembaga,
                marker_color=color,
                customdata=hovers,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    per_day = data.groupby("_hari").size()
    _base_layout(fig, height)
    fig.update_layout(barmode="stack", bargap=0.3)
    _date_axis(fig, min(per_day.index), max(per_day.index))
    fig.update_yaxes(title_text="Kunjungan", **_count_axis(per_day.max()))
    return fig


# ---------------------------------------------------------------------------------------------
# 7. Map of supervision visits


def visits_map(
    df: pd.DataFrame,
    geojson: Mapping[str, Any],
    kecamatan_df: pd.DataFrame | None = None,
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """Kecamatan tinted by visited or not, visits from `supervisi_kunjungan` as markers.

    Visited status comes from `kecamatan_df` (`supervisi_kecamatan`), whose kecamatan are the
    ones in scope; the others are only outlined. Without it every kecamatan of the GeoJSON is
    in scope and counts as visited when a visit in `df` names it.
    """
    features = _features(geojson)
    if not features or (df.empty and (kecamatan_df is None or kecamatan_df.empty)):
        return _empty_figure("Belum ada kunjungan supervisi sampai tanggal ini.", height)
    if kecamatan_df is not None:
        area = {
            str(r["kode_kecamatan"]): (_count(r["kunjungan"]), _as_date(r["kunjungan_terakhir"]))
            for r in kecamatan_df.to_dict("records")
        }
    else:
        area = {feature["code"]: (0, None) for feature in features}
        for code, day in zip(df["kode_kecamatan"], df["tanggal"], strict=True):
            count, latest = area.get(str(code), (0, None))
            day = _as_date(day)
            area[str(code)] = (count + 1, max(filter(None, (latest, day)), default=None))

    fig = go.Figure()
    shown = set()
    for feature in features:
        if feature["code"] not in area:
            _add_area(fig, feature, "rgba(0,0,0,0)", theme.GREY, feature["name"], None)
            continue
        count, latest = area[feature["code"]]
        visited = count > 0
        color = theme.GREEN if visited else theme.RED
        group = VISITED_LABEL if visited else NOT_VISITED_LABEL
        shown.add(group)
        hover = f"<b>{feature['name']}</b><br>" + (
            f"{labels.angka(count)} kunjungan, terakhir {labels.tanggal(latest)}"
            if visited
            else "Belum pernah dikunjungi"
        )
        _add_area(fig, feature, _tint(color, VISIT_FILL), _tint(color, 0.6), hover, group)
    for group, color in ((VISITED_LABEL, theme.GREEN), (NOT_VISITED_LABEL, theme.RED)):
        if group in shown:
            _legend_swatch(fig, group, _tint(color, VISIT_FILL), group)
    if not df.empty:
        lons = [p[0] for f in features for ring in f["rings"] for p in ring]
        _add_visit_markers(fig, df, SPOT_SPREAD * (max(lons) - min(lons)))
    # Above or below the centroid, where kecamatan-level visits sit, and drawn after the
    # markers so that no marker covers a name.
    _add_area_names(fig, features, ("top center", "bottom center"))
    if df.empty:
        fig.add_annotation(
            text="Belum ada kunjungan supervisi sampai tanggal ini.",
            # Top right, beside the legend: the bottom of the map may hold an island.
            x=1,
            y=1,
            xanchor="right",
            yanchor="bottom",
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"color": theme.GREY},
        )
    return _map_layout(fig, features, height)


def _add_visit_markers(fig: go.Figure, df: pd.DataFrame, spread: float) -> None:
    """One marker per place and institution, sized by its number of visits.

    Kecamatan-level visits all sit on the kecamatan's mean point, so visits at one place are
    merged, and institutions sharing a place are set side by side so neither hides the other.
    """
    data = df.assign(_lembaga=_lembaga_of(df), _hari=[_as_date(v) for v in df["tanggal"]])
    data = data.dropna(subset=["lat", "lon"]).sort_values(["_hari", "pengawas"])
    colors = _lembaga_colors(data["_lembaga"])
    sharing = {
        spot: sorted(set(group["_lembaga"]), key=list(colors).index)
        for spot, group in data.groupby(["lat", "lon"], sort=True)
    }
    for lembaga, color in colors.items():
        xs, ys, sizes, counts, hovers = [], [], [], [], []
        for (lat, lon), group in data[data["_lembaga"] == lembaga].groupby(["lat", "lon"]):
            neighbours = sharing[(lat, lon)]
            xs.append(lon + (neighbours.index(lembaga) - (len(neighbours) - 1) / 2) * spread)
            ys.append(lat)
            counts.append(labels.angka(len(group)) if len(group) > 1 else "")
            sizes.append(12 + 5 * math.sqrt(len(group) - 1))
            hovers.append(_visits_hover(group, lembaga))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers+text",
                name=lembaga,
                text=counts,
                textfont={"size": 11, "color": "white"},
                marker={
                    "size": sizes,
                    "color": color,
                    "opacity": 1,
                    "line": {"width": 1, "color": "white"},
                },
                customdata=hovers,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )


def _visits_hover(group: pd.DataFrame, lembaga: str) -> str:
    first = group.iloc[0]
    place = str(first["kecamatan"]) + ("" if _is_missing(first["desa"]) else f" / {first['desa']}")
    lines = [f"<b>{place}</b> · {lembaga}", f"{labels.angka(len(group))} kunjungan"]
    for record in group.head(HOVER_MAX_VISITS).to_dict("records"):
        lines.append(f"<b>{labels.tanggal(record['_hari'])}</b> · {record['pengawas']}")
        finding = _hover_text(record["temuan"])
        lines.append(f"Temuan: {finding}" if finding else "Temuan: –")
    if len(group) > HOVER_MAX_VISITS:
        lines.append(f"… dan {labels.angka(len(group) - HOVER_MAX_VISITS)} kunjungan lain")
    return "<br>".join(lines)


# ---------------------------------------------------------------------------------------------
# 8. Replacements (PAW) per day


def paw_timeline(df: pd.DataFrame, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Members who stopped, per day, from `paw`, stacked by whether they were replaced."""
    if df.empty:
        return _empty_figure("Belum ada anggota KPPS yang berhenti sampai tanggal ini.", height)
    data = df.assign(_hari=[_as_date(v) for v in df["tanggal_berhenti"]])
    table = data.groupby(["_hari", "status"]).size().unstack(fill_value=0).sort_index()
    fig = go.Figure()
    for status in PAW_STATUS_ORDER:
        if status not in table.columns:
            continue
        per_day = table[status][table[status] > 0]
        fig.add_trace(
            go.Bar(
                x=[pd.Timestamp(d) for d in per_day.index],
                y=per_day.tolist(),
                name=labels.PAW_STATUS_LABELS[status],
                marker_color=PAW_COLORS[status],
                customdata=[
                    f"<b>{labels.tanggal(d)}</b><br>{labels.PAW_STATUS_LABELS[status]}: "
                    f"{labels.angka(n)} anggota KPPS"
                    for d, n in per_day.items()
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    per_day_total = data.groupby("_hari").size()
    _base_layout(fig, height)
    fig.update_layout(barmode="stack", bargap=0.3)
    _date_axis(fig, min(per_day_total.index), max(per_day_total.index))
    fig.update_yaxes(title_text="Anggota KPPS berhenti", **_count_axis(per_day_total.max()))
    return fig


# ---------------------------------------------------------------------------------------------
# 9. Days since the last supervision visit


def days_since_band(days: int | None) -> tuple[str, str]:
    """The class (label, colour) a kecamatan takes on the days-since-visit chart, for lists
    that show the same colours (kesiapan.ui.shared.visit_cards)."""
    return _days_class(days)


def _days_class(days: int | None) -> tuple[str, str]:
    if days is None:
        # No visit is no measurement: the legend's "no data" grey, listed first on the chart.
        return NEVER_VISITED_LABEL, theme.GREY
    if days <= DAYS_GREEN_MAX:
        return f"≤ {DAYS_GREEN_MAX} hari", theme.GREEN
    if days <= DAYS_AMBER_MAX:
        return f"{DAYS_GREEN_MAX + 1}–{DAYS_AMBER_MAX} hari", theme.AMBER
    return f"> {DAYS_AMBER_MAX} hari", theme.RED


def days_since_visit(df: pd.DataFrame, height: int | None = None) -> go.Figure:
    """Days since each kecamatan's last visit from `supervisi_kecamatan`, longest on top."""
    if df.empty:
        return _empty_figure("Belum ada kecamatan di wilayah ini.", height or 300)
    rows = []
    for label, record in zip(
        _area_labels(df, "kecamatan", "kode_kecamatan"), df.to_dict("records"), strict=True
    ):
        days = (
            None
            if _is_missing(record["hari_sejak_kunjungan"])
            else int(record["hari_sejak_kunjungan"])
        )
        latest = _as_date(record["kunjungan_terakhir"])
        rows.append(
            {"label": label, "days": days, "latest": latest, "code": record["kode_kecamatan"]}
        )
    # Never visited first, then the longest wait: the order in which someone should go.
    rows.sort(key=lambda r: (r["days"] is not None, -(r["days"] or 0), r["label"]))
    longest = max((r["days"] for r in rows if r["days"] is not None), default=0)

    fig = go.Figure()
    classes = [_days_class(d) for d in (None, 0, DAYS_GREEN_MAX + 1, DAYS_AMBER_MAX + 1)]
    for name, color in classes:
        members = [r for r in rows if _days_class(r["days"])[0] == name]
        if not members:
            continue
        never = name == NEVER_VISITED_LABEL
        hovers = [
            f"<b>{r['label']}</b><br>"
            + (
                "Belum pernah dikunjungi"
                if never
                else f"{labels.angka(r['days'])} hari sejak kunjungan terakhir"
                f" ({labels.tanggal(r['latest'])})"
            )
            for r in members
        ]
        common = {
            "y": [r["label"] for r in members],
            "name": name,
            "customdata": [[r["code"], h] for r, h in zip(members, hovers, strict=True)],
            "hovertemplate": "%{customdata[1]}<extra></extra>",
            "legendgroup": name,
        }
        if never:
            # No number to draw: a marker at zero with the words, not a bar of made-up length.
            fig.add_trace(
                go.Scatter(
                    x=[0] * len(members),
                    mode="markers+text",
                    marker={"symbol": "square", "size": 12, "color": color},
                    text=[NEVER_VISITED_LABEL] * len(members),
                    textposition="middle right",
                    textfont={"color": color},
                    cliponaxis=False,
                    **common,
                )
            )
        else:
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    x=[r["days"] or ZERO_DAY_BAR for r in members],
                    marker_color=color,
                    text=[
                        (f"{labels.angka(r['days'])} hari" if r["days"] else "Hari ini")
                        + f" · {_short_date(r['latest'])}"
                        for r in members
                    ],
                    textposition="outside",
                    cliponaxis=False,
                    **common,
                )
            )
    for threshold in (DAYS_GREEN_MAX, DAYS_AMBER_MAX):
        fig.add_vline(
            x=threshold, line={"color": theme.GREY, "width": 1, "dash": "dash"}, layer="below"
        )
    right = max(longest, DAYS_AMBER_MAX + 1) * 1.45  # room for the label of the longest bar
    _base_layout(fig, _bar_height(len(rows), height))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(
        title_text="Hari sejak kunjungan terakhir",
        # A little room left of zero, so the "Belum pernah" square clears the names.
        range=[-0.02 * right, right],
        tickformat=",d",
        dtick=None if longest > 10 else 1,
    )
    fig.update_yaxes(**_category_axis([r["label"] for r in rows], top_down=True), ticksuffix=" ")
    return fig
