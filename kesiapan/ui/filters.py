"""The filters every page shares: kabupaten → kecamatan → desa and the as-of date.

One session-state key each (below), bound to the URL so that a copied link opens the same
view: `?kab=35.27&kec=35.27.02,35.27.03&desa=…&tanggal=2024-01-28`. `app.py` draws them once
per run in the sidebar; pages read them with `current()`. The drill state itself (the session
keys, the URL, drilling down, the breadcrumb up, browser Back and Forward) is
kesiapan.ui.navigation's; this module draws the widgets and names the view.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from kesiapan.contract import labels
from kesiapan.ui import navigation as nav

# The session keys and URL parameters of the drill state live in kesiapan.ui.navigation.
KABUPATEN_KEY = nav.KABUPATEN_KEY
KECAMATAN_KEY = nav.KECAMATAN_KEY
DESA_KEY = nav.DESA_KEY
DATE_KEY = nav.DATE_KEY
TPS_KEY = nav.TPS_KEY
PENDING_KEY = nav.PENDING_KEY
URL_PARAMS = nav.URL_PARAMS
URL_DATE = nav.URL_DATE
shown_code = nav.shown_code
drill = nav.drill
_CODE_COLUMNS = {
    KABUPATEN_KEY: "kode_kabupaten",
    KECAMATAN_KEY: "kode_kecamatan",
    DESA_KEY: "kode_desa",
}
# A desa list for a whole country would be tens of thousands of options; offer desa only
# once a kecamatan (or a small kabupaten) narrows it.
MAX_DESA_OPTIONS = 1000
MAX_WORDS = 1024  # area descriptions kept (Filters.describe)
_WORDS: dict[tuple[object, ...], tuple[weakref.ref[pd.DataFrame], str]] = {}
_WORDS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Filters:
    as_of: date
    kabupaten: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    desa: tuple[str, ...] = ()
    tps: str | None = None  # the TPS shown at the bottom level (kesiapan.ui.navigation)

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
        `markdown`: the area names escaped (they come from the data files). Worded once per
        area list and filter: a page asks for it for every caption and download."""
        key = (id(areas), self.kabupaten, self.kecamatan, self.desa, self.tps, markdown)
        with _WORDS_LOCK:
            found = _WORDS.get(key)
            if found is not None and found[0]() is areas:
                return found[1]
        words = self._describe(areas, markdown)
        with _WORDS_LOCK:
            # A weak reference: an id is only ours while the frame lives, and a cache of words
            # must not keep a whole country's area list alive.
            _WORDS[key] = (weakref.ref(areas), words)
            while len(_WORDS) > MAX_WORDS:
                _WORDS.pop(next(iter(_WORDS)))
        return words

    def _describe(self, areas: pd.DataFrame, markdown: bool) -> str:
        if self.tps and self.desa:
            names = _names(areas, "kode_desa", "desa", self.desa, markdown)
            return f"TPS {self.tps[-3:]} {names}"
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


def _names(
    areas: pd.DataFrame,
    code_col: str,
    name_col: str,
    codes: tuple[str, ...],
    markdown: bool = False,
) -> str:
    rows = areas.loc[areas[code_col].isin(codes), [code_col, name_col]]
    lookup = dict(zip(rows[code_col], rows[name_col], strict=True))
    names = [str(lookup[code]) if code in lookup else shown_code(code) for code in codes]
    if markdown:
        names = [labels.polos(name) for name in names]
    if len(names) > 3:
        return f"{', '.join(names[:3])} dan {len(names) - 3} lainnya"
    return ", ".join(names)


@dataclass(frozen=True)
class AreaIndex:
    """The area filters' option lists and labels, worked out once per dataset version and
    area scope (`index()`), not on every run: a national dataset has 83.000 desa, and a
    lookup per option per run was a sixth of every run's time."""

    kabupaten: tuple[str, ...]
    kecamatan_of: dict[str, tuple[str, ...]]  # kode_kabupaten -> its kecamatan, by code
    desa_of: dict[str, tuple[str, ...]]  # kode_kecamatan -> its desa, by code
    labels: dict[str, str]  # every code -> the words the filter shows for it
    kecamatan_of_desa: dict[str, str]
    codes: dict[str, frozenset[str]]  # session key -> every code known at that level

    def kecamatan_options(self, kabupaten: list[str]) -> list[str]:
        """The kecamatan of the chosen kabupaten (all when none is chosen), by code."""
        chosen = set(kabupaten)
        return [
            code
            for kab in self.kabupaten
            if not chosen or kab in chosen
            for code in self.kecamatan_of.get(kab, ())
        ]

    def desa_options(
        self, kabupaten: list[str], kecamatan: list[str], limit: int | None = None
    ) -> list[str] | None:
        """The desa of the chosen kecamatan (else of the chosen kabupaten), by code; None
        when there are more than `limit`."""
        chosen = set(kecamatan)
        within = [k for k in self.kecamatan_options(kabupaten) if not chosen or k in chosen]
        if limit is not None and sum(len(self.desa_of.get(k, ())) for k in within) > limit:
            return None
        return [code for kec in within for code in self.desa_of.get(kec, ())]

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


def build_index(areas: pd.DataFrame) -> AreaIndex:
    """The option lists and labels of `areas` (`wilayah_daftar`, sorted by kode_desa)."""
    kab = areas.drop_duplicates("kode_kabupaten")
    kec = areas.drop_duplicates("kode_kecamatan")
    kecamatan_of: dict[str, list[str]] = {}
    for kab_code, kec_code in zip(kec["kode_kabupaten"], kec["kode_kecamatan"], strict=True):
        kecamatan_of.setdefault(kab_code, []).append(kec_code)
    desa_of: dict[str, list[str]] = {}
    for kec_code, desa_code in zip(areas["kode_kecamatan"], areas["kode_desa"], strict=True):
        desa_of.setdefault(kec_code, []).append(desa_code)
    prefix = areas["jenis"].map({"kelurahan": "Kel."}).fillna("Desa")
    desa_labels = prefix + " " + areas["desa"].astype(str) + " (" + areas["kecamatan"] + ")"
    words = {
        **dict(zip(areas["kode_desa"], desa_labels, strict=True)),
        **dict(zip(kec["kode_kecamatan"], kec["kecamatan"].astype(str), strict=True)),
        **dict(zip(kab["kode_kabupaten"], kab["kabupaten"].astype(str), strict=True)),
    }
    return AreaIndex(
        kabupaten=tuple(kab["kode_kabupaten"]),
        kecamatan_of={k: tuple(v) for k, v in kecamatan_of.items()},
        desa_of={k: tuple(v) for k, v in desa_of.items()},
        labels=words,
        kecamatan_of_desa=dict(zip(areas["kode_desa"], areas["kode_kecamatan"], strict=True)),
        codes={
            KABUPATEN_KEY: frozenset(kab["kode_kabupaten"]),
            KECAMATAN_KEY: frozenset(kec["kode_kecamatan"]),
            DESA_KEY: frozenset(areas["kode_desa"]),
        },
    )


def _keep_valid(key: str, options: list[str]) -> None:
    allowed = set(options)
    current = st.session_state.get(key, [])
    kept = [c for c in current if c in allowed]
    if kept != current:
        st.session_state[key] = kept


def draw(
    areas: pd.DataFrame,
    first: date,
    last: date,
    default: date,
    index: AreaIndex | None = None,
) -> Filters:
    """The sidebar filters (call inside `with st.sidebar`), kept in the URL; returns them.
    `index`: the option lists of `areas` when the caller keeps them (ui.area_index)."""
    index = index or build_index(areas)
    nav.follow_url(index, first, last, default)
    nav.apply_drill(index)

    _keep_valid(KABUPATEN_KEY, list(index.kabupaten))
    st.multiselect(
        "Kabupaten/Kota",
        index.kabupaten,
        key=KABUPATEN_KEY,
        format_func=index.label,
        placeholder="Semua kabupaten/kota",
    )
    kecamatan_options = index.kecamatan_options(st.session_state[KABUPATEN_KEY])
    _keep_valid(KECAMATAN_KEY, kecamatan_options)
    st.multiselect(
        "Kecamatan",
        kecamatan_options,
        key=KECAMATAN_KEY,
        format_func=index.label,
        placeholder="Semua kecamatan",
    )
    desa_options = index.desa_options(
        st.session_state[KABUPATEN_KEY], st.session_state[KECAMATAN_KEY], MAX_DESA_OPTIONS
    )
    too_many = desa_options is None
    _keep_valid(DESA_KEY, desa_options or [])
    st.multiselect(
        "Desa/Kelurahan",
        desa_options or [],
        key=DESA_KEY,
        format_func=index.label,
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
    nav.keep_tps_in_view()
    filters = current(default)
    nav.write_url(filters, default)
    return filters


def current(default: date) -> Filters:
    """The filters as the sidebar left them (or the URL's, when a page runs on its own)."""
    state = st.session_state
    as_of = state.get(DATE_KEY) or nav.url_date(date.min, default) or default

    def codes(key: str) -> tuple[str, ...]:
        value = state.get(key)
        return tuple(value) if value is not None else tuple(nav.from_url(URL_PARAMS[key]))

    tps = state.get(TPS_KEY) if TPS_KEY in state else st.query_params.get(nav.URL_TPS)
    return Filters(
        as_of=as_of,
        kabupaten=codes(KABUPATEN_KEY),
        kecamatan=codes(KECAMATAN_KEY),
        desa=codes(DESA_KEY),
        tps=tps or None,
    )


def caption(filters: Filters, areas: pd.DataFrame, voting_day: date | None) -> str:
    """'Kabupaten Sampang · posisi 28 Januari 2024 · H-17 menuju hari pemungutan suara', as
    Markdown (area names escaped)."""
    parts = [filters.describe(areas, markdown=True), f"posisi {labels.tanggal(filters.as_of)}"]
    countdown = labels.hitung_mundur(filters.as_of, voting_day)
    if countdown:
        parts.append(f"{countdown} menuju hari pemungutan suara")
    return " · ".join(parts)
