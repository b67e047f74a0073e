"""Where the viewer stands in the area tree: kabupaten › kecamatan › desa › TPS, in the URL.

One place for the drill state. The URL is the truth: `?kab=35.27&kec=35.27.02&desa=…&tps=…
&tanggal=…` reproduces a view, every drill (a bar, a table row, a map area) or step up (the
breadcrumb) writes a new URL, and Streamlit's frontend pushes each as a browser history entry.
Browser Back and Forward rerun the script with the older URL (`is_history_navigation`); the
filters then take the URL's values instead of their widgets' (`follow_history`), so the page
shows what the URL says.

The session keys below are the sidebar widgets' (kesiapan.ui.filters draws them); a page asks for
a narrower view with `drill()` (widget state cannot change once the widget is drawn, so the
request waits in PENDING_KEY and `apply_drill()` applies it at the top of the next run) and a
breadcrumb button goes up with a callback, which runs before the widgets are drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kesiapan.contract import labels
from kesiapan.ui import signin

if TYPE_CHECKING:
    from kesiapan.ui.filters import AreaIndex, Filters

KABUPATEN_KEY = "f_kabupaten"  # list of kode_kabupaten; empty = all
KECAMATAN_KEY = "f_kecamatan"  # list of kode_kecamatan; empty = all
DESA_KEY = "f_desa"  # list of kode_desa; empty = all
DATE_KEY = "f_tanggal"  # datetime.date, the as-of date D
TPS_KEY = "f_tps"  # kode_tps of the TPS shown at the bottom level, or None
PENDING_KEY = "_f_drill"  # {"kecamatan": …} or {"desa": …} or {"tps": …}, applied next run

URL_PARAMS = {KABUPATEN_KEY: "kab", KECAMATAN_KEY: "kec", DESA_KEY: "desa"}
URL_DATE = "tanggal"
URL_TPS = "tps"
LEVELS = ("kabupaten", "kecamatan", "desa", "tps")
_TPS_CODE = re.compile(r"\d{13}")
CRUMB_SEPARATOR = "›"


def shown_code(code: str) -> str:
    """A code from a link as it may be echoed back: digits and dots only, 20 at most (a link
    can carry any text, and it is shown on screen)."""
    return re.sub(r"[^0-9.]", "", code)[:20] or "?"


def desa_of_tps(code: str) -> str:
    """`3527012001001` → `35.27.01.2001` (contract §1: kode_desa without dots + 3 digits)."""
    return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:10]}"


def valid_tps(index: AreaIndex, code: object) -> bool:
    """A 13-digit TPS code whose desa is one the viewer may see."""
    return (
        isinstance(code, str)
        and bool(_TPS_CODE.fullmatch(code))
        and desa_of_tps(code) in index.codes[DESA_KEY]
    )


def from_url(name: str) -> list[str]:
    value = st.query_params.get(name, "")
    return [v.strip() for v in value.split(",") if v.strip()]


def url_date(first: date, last: date) -> date | None:
    try:
        value = date.fromisoformat(st.query_params.get(URL_DATE, ""))
    except ValueError:
        return None
    return value if first <= value <= last else None


def _is_history_navigation() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def _read_url(index: AreaIndex, first: date, last: date, default: date) -> None:
    """The URL's areas, TPS and date into the session; codes outside the viewer's scope are
    left out, with a message (issue 5)."""
    state = st.session_state
    for key, param in URL_PARAMS.items():
        codes = from_url(param)
        known = index.codes[key]
        refused = [c for c in codes if c not in known]
        if refused:
            shown = ", ".join(shown_code(c) for c in refused[:3])
            signin.deny(
                f"Wilayah pada tautan ({param}={shown}) tidak ada atau di luar cakupan akun "
                "Anda; filter itu diabaikan."
            )
        state[key] = [c for c in codes if c in known]
    tps = st.query_params.get(URL_TPS, "") or None
    if tps is not None and not valid_tps(index, tps):
        signin.deny(
            f"TPS pada tautan ({URL_TPS}={shown_code(tps)}) tidak ada atau di luar cakupan akun "
            "Anda; diabaikan."
        )
        tps = None
    state[TPS_KEY] = tps
    if tps is not None:
        _narrow_to_tps(index, tps)
    state[DATE_KEY] = url_date(first, last) or default


def _narrow_to_tps(index: AreaIndex, tps: str) -> None:
    desa = desa_of_tps(tps)
    st.session_state[KECAMATAN_KEY] = [index.kecamatan_of_desa[desa]]
    st.session_state[DESA_KEY] = [desa]


def follow_url(index: AreaIndex, first: date, last: date, default: date) -> None:
    """At the top of every run, before the filters are drawn: a new session, and every run
    started by the browser's Back or Forward, takes the view from the URL."""
    if KECAMATAN_KEY not in st.session_state or _is_history_navigation():
        _read_url(index, first, last, default)
    st.session_state.setdefault(TPS_KEY, None)


def drill(
    kecamatan: str | None = None,
    desa: str | None = None,
    kabupaten: str | None = None,
    tps: str | None = None,
) -> None:
    """Ask for a narrower view from inside a page; takes effect on the rerun it triggers."""
    st.session_state[PENDING_KEY] = {
        "kabupaten": kabupaten,
        "kecamatan": kecamatan,
        "desa": desa,
        "tps": tps,
    }
    st.rerun()


def apply_drill(index: AreaIndex) -> None:
    """The drill a page asked for on the previous run (`drill`), before the widgets."""
    state = st.session_state
    pending = state.pop(PENDING_KEY, None)
    if not pending:
        return
    if pending.get("tps"):
        state[TPS_KEY] = pending["tps"]
        _narrow_to_tps(index, pending["tps"])
        return
    state[TPS_KEY] = None
    if pending.get("desa"):
        state[KECAMATAN_KEY] = [index.kecamatan_of_desa[pending["desa"]]]
        state[DESA_KEY] = [pending["desa"]]
    elif pending.get("kecamatan"):
        state[KECAMATAN_KEY] = [pending["kecamatan"]]
        state[DESA_KEY] = []
    elif pending.get("kabupaten"):
        state[KABUPATEN_KEY] = [pending["kabupaten"]]
        state[KECAMATAN_KEY] = []
        state[DESA_KEY] = []


def keep_tps_in_view() -> None:
    """A TPS stays chosen only while its desa is the one desa chosen (the sidebar may have
    changed the desa since)."""
    state = st.session_state
    tps = state.get(TPS_KEY)
    if tps and state.get(DESA_KEY) != [desa_of_tps(tps)]:
        state[TPS_KEY] = None


def write_url(filters: Filters, default: date) -> None:
    """The view into the URL; the frontend pushes it as a history entry when it changed."""
    wanted = {
        "kab": ",".join(filters.kabupaten),
        "kec": ",".join(filters.kecamatan),
        "desa": ",".join(filters.desa),
        URL_TPS: filters.tps or "",
        URL_DATE: filters.as_of.isoformat() if filters.as_of != default else "",
    }
    wanted = {k: v for k, v in wanted.items() if v}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


# -- the breadcrumb ----------------------------------------------------------------------------


def _go(kabupaten: list[str], kecamatan: list[str], desa: list[str]) -> None:
    """A breadcrumb step up (a button callback: it runs before the widgets are drawn)."""
    state = st.session_state
    state[KABUPATEN_KEY] = kabupaten
    state[KECAMATAN_KEY] = kecamatan
    state[DESA_KEY] = desa
    state[TPS_KEY] = None
    state.pop(PENDING_KEY, None)


def crumbs(
    index: AreaIndex, filters: Filters, single_kecamatan: str | None
) -> list[tuple[str, Callable[[], None] | None]]:
    """The breadcrumb of a view: (words, step up) from the widest area the viewer may see
    down to the view itself, whose step is None. Levels the viewer cannot leave (a scope of
    one kabupaten or one kecamatan) start the trail instead of being a step."""
    trail: list[tuple[str, Callable[[], None] | None]] = []
    several_kabupaten = len(index.kabupaten) > 1
    if several_kabupaten:
        trail.append(("Semua wilayah", partial(_go, [], [], [])))
    kabupaten = filters.kabupaten[0] if len(filters.kabupaten) == 1 else None
    if kabupaten is None and not several_kabupaten and index.kabupaten:
        kabupaten = index.kabupaten[0]
    if kabupaten is None and single_kecamatan is not None:
        kabupaten = next(
            (k for k, kec in index.kecamatan_of.items() if single_kecamatan in kec), None
        )
    if kabupaten is not None and len(index.kecamatan_of.get(kabupaten, ())) > 1:
        kab = [kabupaten] if several_kabupaten else []
        trail.append((f"Kab. {index.label(kabupaten)}", partial(_go, kab, [], [])))
    if single_kecamatan is not None:
        trail.append(
            (
                f"Kec. {index.label(single_kecamatan)}",
                partial(_go, list(filters.kabupaten), [single_kecamatan], []),
            )
        )
    if len(filters.desa) == 1:
        desa = filters.desa[0]
        name = index.label(desa).split(" (")[0]
        trail.append((name, partial(_go, list(filters.kabupaten), list(filters.kecamatan), [desa])))
    if filters.tps:
        trail.append((f"TPS {filters.tps[-3:]}", None))
    if trail:
        trail[-1] = (trail[-1][0], None)
    return trail


def breadcrumb(index: AreaIndex, filters: Filters, single_kecamatan: str | None) -> None:
    """The trail as a row of buttons (the last one, the view itself, plain), in the main area
    where a phone shows it; nothing when the view is the widest one."""
    trail = crumbs(index, filters, single_kecamatan)
    if len(trail) < 2:
        return
    row = st.container(horizontal=True, gap=None, vertical_alignment="center", key="remah")
    for number, (words, step) in enumerate(trail):
        if number:
            row.markdown(CRUMB_SEPARATOR)
        if step is None:
            row.markdown(f"**{labels.polos(words)}**")
        else:
            row.button(
                words,
                key=f"remah_{number}",
                type="tertiary",
                on_click=step,
                help="Naik ke tingkat ini",
            )
