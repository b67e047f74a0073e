"""The filters every page shares: kabupaten → kecamatan → desa and the as-of date.

One session-state key each (below), bound to the URL so that a copied link opens the same
view: `?kab=35.27&kec=35.27.02,35.27.03&desa=…&tanggal=2024-01-28`. `app.py` draws them once
per run in the sidebar; pages read them with `current()`. A page may ask to drill into an area
with `drill()`: widget state cannot change once the widget is drawn, so the request waits in
`PENDING_KEY` and `draw()` applies it at the top of the next run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from kesiapan import labels, masuk

KABUPATEN_KEY = "f_kabupaten"  # list of kode_kabupaten; empty = all
KECAMATAN_KEY = "f_kecamatan"  # list of kode_kecamatan; empty = all
DESA_KEY = "f_desa"  # list of kode_desa; empty = all
DATE_KEY = "f_tanggal"  # datetime.date, the as-of date D
PENDING_KEY = "_f_drill"  # {"kecamatan": [...]} or {"desa": [...]}, applied by draw()

URL_PARAMS = {KABUPATEN_KEY: "kab", KECAMATAN_KEY: "kec", DESA_KEY: "desa"}
_CODE_COLUMNS = {
    KABUPATEN_KEY: "kode_kabupaten",
    KECAMATAN_KEY: "kode_kecamatan",
    DESA_KEY: "kode_desa",
}
URL_DATE = "tanggal"
# A desa list for a whole country would be tens of thousands of options; offer desa only
# once a kecamatan (or a small kabupaten) narrows it.
MAX_DESA_OPTIONS = 1000


@dataclass(frozen=True)
class Filters:
    as_of: date
    kabupaten: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    desa: tuple[str, ...] = ()

    def args(self) -> dict[str, object]:
        """Keyword arguments for `ui.query` (empty tuples mean no filter)."""
        return {
            "as_of": self.as_of,
            "kabupaten": self.kabupaten or None,
            "kecamatan": self.kecamatan or None,
            "desa": self.desa or None,
        }

    @property
    def is_filtered(self) -> bool:
        return bool(self.kabupaten or self.kecamatan or self.desa)

    def describe(self, areas: pd.DataFrame, markdown: bool = False) -> str:
        """'Kecamatan Torjun, Sampang' style text of the area in scope, for captions;
        `markdown`: the area names escaped (they come from the data files)."""
        if self.desa:
            names = _names(areas, "kode_desa", "desa", self.desa, markdown)
            return f"Desa/Kel. {names}"
        if self.kecamatan:
            names = _names(areas, "kode_kecamatan", "kecamatan", self.kecamatan, markdown)
            return f"Kecamatan {names}"
        if self.kabupaten:
            names = _names(areas, "kode_kabupaten", "kabupaten", self.kabupaten, markdown)
            return f"Kabupaten {names}"
        kabupaten = areas["kabupaten"].drop_duplicates()
        if len(kabupaten) == 1:
            name = str(kabupaten.iloc[0])
            return f"Kabupaten {labels.polos(name) if markdown else name}"
        return "Semua wilayah"


def shown_code(code: str) -> str:
    """A code from a link as it may be echoed back: digits and dots only, 20 at most (a link
    can carry any text, and it is shown on screen)."""
    return re.sub(r"[^0-9.]", "", code)[:20] or "?"


def _names(
    areas: pd.DataFrame,
    code_col: str,
    name_col: str,
    codes: tuple[str, ...],
    markdown: bool = False,
) -> str:
    lookup = areas.drop_duplicates(code_col).set_index(code_col)[name_col]
    names = [str(lookup[code]) if code in lookup.index else shown_code(code) for code in codes]
    if markdown:
        names = [labels.polos(name) for name in names]
    if len(names) > 3:
        return f"{', '.join(names[:3])} dan {len(names) - 3} lainnya"
    return ", ".join(names)


def _from_url(name: str) -> list[str]:
    value = st.query_params.get(name, "")
    return [v.strip() for v in value.split(",") if v.strip()]


def _url_date(first: date, last: date) -> date | None:
    try:
        value = date.fromisoformat(st.query_params.get(URL_DATE, ""))
    except ValueError:
        return None
    return value if first <= value <= last else None


def drill(kecamatan: str | None = None, desa: str | None = None) -> None:
    """Ask for a narrower view from inside a page; takes effect on the rerun it triggers."""
    st.session_state[PENDING_KEY] = {"kecamatan": kecamatan, "desa": desa}
    st.rerun()


def _apply_drill(areas: pd.DataFrame) -> None:
    pending = st.session_state.pop(PENDING_KEY, None)
    if not pending:
        return
    if pending.get("desa"):
        row = areas[areas["kode_desa"] == pending["desa"]].iloc[0]
        st.session_state[KECAMATAN_KEY] = [row["kode_kecamatan"]]
        st.session_state[DESA_KEY] = [pending["desa"]]
    elif pending.get("kecamatan"):
        st.session_state[KECAMATAN_KEY] = [pending["kecamatan"]]
        st.session_state[DESA_KEY] = []


def _options(areas: pd.DataFrame, code_col: str, within: dict[str, list[str]]) -> list[str]:
    rows = areas
    for column, codes in within.items():
        if codes:
            rows = rows[rows[column].isin(codes)]
    return rows[code_col].drop_duplicates().tolist()


def _keep_valid(key: str, options: list[str]) -> None:
    allowed = set(options)
    st.session_state[key] = [c for c in st.session_state.get(key, []) if c in allowed]


def _init(areas: pd.DataFrame, first: date, last: date, default: date) -> None:
    for key, param in URL_PARAMS.items():
        if key not in st.session_state:
            codes = _from_url(param)
            known = set(areas[_CODE_COLUMNS[key]])
            refused = [c for c in codes if c not in known]
            if refused:
                # Issue 5: a link to an area outside the viewer's scope (or none at all) shows
                # nothing of it; the data layer would return no row of it anyway.
                shown = ", ".join(shown_code(c) for c in refused[:3])
                masuk.deny(
                    f"Wilayah pada tautan ({param}={shown}) tidak ada atau di luar cakupan akun "
                    "Anda; filter itu diabaikan."
                )
            st.session_state[key] = [c for c in codes if c in known]
    if DATE_KEY not in st.session_state:
        st.session_state[DATE_KEY] = _url_date(first, last) or default


def draw(areas: pd.DataFrame, first: date, last: date, default: date) -> Filters:
    """The sidebar filters (call inside `with st.sidebar`), kept in the URL; returns them."""
    _init(areas, first, last, default)
    _apply_drill(areas)
    lookup = {
        "kode_kabupaten": areas.drop_duplicates("kode_kabupaten").set_index("kode_kabupaten"),
        "kode_kecamatan": areas.drop_duplicates("kode_kecamatan").set_index("kode_kecamatan"),
        "kode_desa": areas.set_index("kode_desa"),
    }

    kabupaten_options = _options(areas, "kode_kabupaten", {})
    _keep_valid(KABUPATEN_KEY, kabupaten_options)
    st.multiselect(
        "Kabupaten/Kota",
        kabupaten_options,
        key=KABUPATEN_KEY,
        format_func=lambda c: str(lookup["kode_kabupaten"].at[c, "kabupaten"]),
        placeholder="Semua kabupaten/kota",
    )
    kecamatan_options = _options(
        areas, "kode_kecamatan", {"kode_kabupaten": st.session_state[KABUPATEN_KEY]}
    )
    _keep_valid(KECAMATAN_KEY, kecamatan_options)
    st.multiselect(
        "Kecamatan",
        kecamatan_options,
        key=KECAMATAN_KEY,
        format_func=lambda c: str(lookup["kode_kecamatan"].at[c, "kecamatan"]),
        placeholder="Semua kecamatan",
    )
    desa_options = _options(
        areas,
        "kode_desa",
        {
            "kode_kabupaten": st.session_state[KABUPATEN_KEY],
            "kode_kecamatan": st.session_state[KECAMATAN_KEY],
        },
    )
    too_many = len(desa_options) > MAX_DESA_OPTIONS
    _keep_valid(DESA_KEY, [] if too_many else desa_options)
    st.multiselect(
        "Desa/Kelurahan",
        [] if too_many else desa_options,
        key=DESA_KEY,
        format_func=lambda c: _desa_label(lookup["kode_desa"], c),
        placeholder="Pilih kecamatan dulu" if too_many else "Semua desa/kelurahan",
        disabled=too_many,
    )
    st.date_input(
        "Posisi per tanggal",
        key=DATE_KEY,
        min_value=first,
        max_value=last,
        format="DD/MM/YYYY",
        help="Angka dihitung seperti keadaan pada akhir tanggal ini.",
    )
    filters = current(default)
    _write_url(filters, default)
    return filters


def _desa_label(desa: pd.DataFrame, code: str) -> str:
    row = desa.loc[code]
    prefix = "Kel." if row["jenis"] == "kelurahan" else "Desa"
    return f"{prefix} {row['desa']} ({row['kecamatan']})"


def _write_url(filters: Filters, default: date) -> None:
    wanted = {
        "kab": ",".join(filters.kabupaten),
        "kec": ",".join(filters.kecamatan),
        "desa": ",".join(filters.desa),
        URL_DATE: filters.as_of.isoformat() if filters.as_of != default else "",
    }
    wanted = {k: v for k, v in wanted.items() if v}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def current(default: date) -> Filters:
    """The filters as the sidebar left them (or the URL's, when a page runs on its own)."""
    state = st.session_state
    as_of = state.get(DATE_KEY) or _url_date(date.min, default) or default

    def codes(key: str) -> tuple[str, ...]:
        value = state.get(key)
        return tuple(value) if value is not None else tuple(_from_url(URL_PARAMS[key]))

    return Filters(
        as_of=as_of,
        kabupaten=codes(KABUPATEN_KEY),
        kecamatan=codes(KECAMATAN_KEY),
        desa=codes(DESA_KEY),
    )


def caption(filters: Filters, areas: pd.DataFrame, voting_day: date | None) -> str:
    """'Kabupaten Sampang · posisi 28 Januari 2024 · H-17 menuju hari pemungutan suara', as
    Markdown (area names escaped)."""
    parts = [filters.describe(areas, markdown=True), f"posisi {labels.tanggal(filters.as_of)}"]
    countdown = labels.hitung_mundur(filters.as_of, voting_day)
    if countdown:
        parts.append(f"{countdown} menuju hari pemungutan suara")
    return " · ".join(parts)
