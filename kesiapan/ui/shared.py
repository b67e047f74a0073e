"""What the Streamlit pages share: the dataset of this process, cached queries, table display.

Pages call `page()` for the dataset, the filters and the area list, then `query()` for every
figure; nothing here aggregates: it maps codes to words and formats for display.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import dataclasses
import functools
import hashlib
import html
import os
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kesiapan import paths
from kesiapan.access import accounts as access
from kesiapan.access import audit, privacy
from kesiapan.contract import columns as catalogue
from kesiapan.contract import labels, theme
from kesiapan.outputs import actions, charts, exports
from kesiapan.store.dataset import Dataset, resolve_folder
from kesiapan.ui import filters as flt
from kesiapan.ui import navigation as nav
from kesiapan.ui import signin

ROOT = paths.ROOT
DEFAULT_DATA = ROOT / "data" / "sample"
# The app's icon for the browser tab, as a data URL made once per process: st.set_page_config
# reads a file given by path, hashes it and registers it with the media files on every run
# (issue 17, round six: ±4% of a run); a data URL is passed on as it is. Still local: a
# Material icon as favicon would be fetched from Google's servers by the browser.
FAVICON = "data:image/png;base64," + base64.b64encode(
    (ROOT / "kesiapan" / "ikon.png").read_bytes()
).decode("ascii")
# DataFrame.attrs key of a list cut to its first `batas` rows by Page.query: how to fetch it whole.
CAPPED = "kesiapan_dibatasi"
# Issue 12: a selection refused (an area outside the scope, sent by a forged message) bumps this
# counter, which is part of every selectable widget's key: the next run draws a fresh widget
# without it, and nothing reruns by itself in the meantime.
REFUSED_KEY = "_pilihan_ditolak"
RUNS_KEY = "_jalan_terakhir"  # monotonic times of this session's recent runs
MAX_RUNS, RUNS_WINDOW = 40, 10.0  # runs of one session within the window before it must wait
# Areas one chart shows as bars at most: beyond this a summary goes one level up (kabupaten)
# and a list of kecamatan is cut to the ones that need attention first.
MAX_CHART_AREAS = 60
# Plotly's own toolbar is English ("Zoom", "Download plot as a png") and on a phone it covers
# the legend: off on every chart (issue 15). Scroll zoom stays off too: a page scrolls.
PLOTLY_CONFIG = {"displayModeBar": False, "scrollZoom": False, "displaylogo": False}


def data_folder() -> Path:
    return Path(os.environ.get("KESIAPAN_DATA", DEFAULT_DATA))


def dataset(folder: str) -> Dataset:
    """The dataset of `folder`. Issue 7: an imported dataset opens at its live version and the
    cache is keyed by that version's folder, so a new version is picked up without a restart."""
    return _open_version(str(resolve_folder(Path(folder))))


@st.cache_resource(show_spinner="Membaca dataset…", max_entries=4)
def _open_version(folder: str) -> Dataset:
    """One DuckDB connection per process (per version); every query takes its own cursor."""
    return Dataset.open(Path(folder))


# 1.024 answers: a warmed kabupaten (kesiapan.ui.warmup, ±25 per view) leaves room for the rest.
@st.cache_data(ttl=600, max_entries=1024, show_spinner=False)
def _query(
    folder: str,
    scope: tuple[str, ...] | None,
    name: str,
    as_of: date | None,
    kabupaten: tuple[str, ...] | None,
    kecamatan: tuple[str, ...] | None,
    desa: tuple[str, ...] | None,
    batas: int | None = None,
    stamp: int = 0,
) -> pd.DataFrame:
    # Issue 5: the viewer's area codes are applied in the data layer, below every filter.
    # Issue 16: `stamp` (the last attendance journal record applied) keys the cache, so a mark
    # made at a venue shows at the next rerun, not when the cached result expires.
    return (
        dataset(folder)
        .scoped(scope)
        .query(
            name,
            as_of=as_of,
            kabupaten=list(kabupaten) if kabupaten else None,
            kecamatan=list(kecamatan) if kecamatan else None,
            desa=list(desa) if desa else None,
            batas=batas,
        )
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def kecamatan_geojson(folder: str, kecamatan: tuple[str, ...]) -> dict | None:
    """The boundaries of these kecamatan (kesiapan.outputs.briefing reads them for the PDF too).
    One object shared by every session (never changed in place): a copy per run was
    hundreds of kilobytes unpickled, and `figure()` knows it by identity."""
    from kesiapan.outputs import briefing

    return briefing.kecamatan_geojson(Path(folder), kecamatan)


@dataclass(frozen=True)
class Page:
    folder: str
    data: Dataset  # already limited to the viewer's area scope
    filters: flt.Filters
    areas: pd.DataFrame
    viewer: signin.Viewer

    @property
    def index(self) -> flt.AreaIndex:
        """The area filters' option lists for this viewer (built once per version and scope)."""
        return _view(self.folder, self.viewer.pengguna.scope).index

    @property
    def tampil(self) -> privacy.Tampil:
        """What this viewer may see unmasked."""
        return access.tampil(self.viewer.pengguna)

    def masked(self, frame: pd.DataFrame) -> pd.DataFrame:
        return masked(frame, self.tampil)

    def boleh(self, izin: str) -> bool:
        return self.viewer.boleh(izin)

    def query(self, name: str, **overrides: object) -> pd.DataFrame:
        """A query with this view's filters (any of them overridden by keyword)."""
        args = {**self.filters.args(), **overrides}
        frame = _answer(self._key(name, args))
        cap = args.get("batas")
        if cap is not None and len(frame) >= cap:  # type: ignore[operator]
            # The screen shows the first rows only; a download of it fetches the whole list.
            frame.attrs[CAPPED] = {
                "name": name,
                "args": {**args, "batas": None},
                "rows": len(frame),
            }
        return frame

    def _key(self, name: str, args: dict[str, object]) -> tuple[object, ...]:
        """`_query`'s arguments for `name` with these filter arguments."""
        return (
            self.folder,
            self.data.scope,
            name,
            args["as_of"],
            _tuple(args["kabupaten"]),
            _tuple(args["kecamatan"]),
            _tuple(args["desa"]),
            args.get("batas"),
            self._stamp,
        )

    @functools.cached_property
    def _stamp(self) -> int:
        """The attendance journal's stamp for this view's answers (issue 16), looked up once
        per view: `page()` makes a view per run, so a mark shows at the next run; per query it
        was a twentieth of a run (the version folder's check and the connection's cache)."""
        return dataset(self.folder).journal_stamp()

    def geojson(self) -> dict | None:
        """The boundaries of the kecamatan in the viewer's scope (all of the dataset's when
        unrestricted), for the maps."""
        codes = tuple(sorted(self.areas["kode_kecamatan"].unique()))
        return kecamatan_geojson(self.folder, codes)

    @property
    def shown(self) -> flt.Filters:
        """The filters as words and files name the view: without a filter, an account limited
        to areas of one level is named by them ("Kecamatan Torjun, Sampang"), not by the
        kabupaten they lie in (the query itself is scoped either way)."""
        codes = self.data.scope
        if self.filters.is_filtered or not codes:
            return self.filters
        depth = {len(code.split(".")) for code in codes}
        level = (
            {2: "kabupaten", 3: "kecamatan", 4: "desa"}.get(depth.pop())
            if len(depth) == 1
            else None
        )
        if level is None:
            return self.filters
        return dataclasses.replace(self.filters, **{level: tuple(codes)})

    def caption(self) -> str:
        return flt.caption(self.shown, self.areas, self.data.config.hari_pemungutan)

    def area_name(self) -> str:
        return self.shown.describe(self.areas)

    def scope(self) -> exports.Scope:
        """This view for the files it downloads (kesiapan.outputs.exports)."""
        config = self.data.config
        return exports.Scope(
            as_of=self.filters.as_of,
            areas=self.areas,
            kabupaten=self.shown.kabupaten,
            kecamatan=self.shown.kecamatan,
            desa=self.shown.desa,
            dataset_name=config.nama,
            data_as_of=self.data.default_as_of,
            voting_day=config.hari_pemungutan,
            bimtek_start=config.bimtek_mulai,
            bimtek_end=config.bimtek_selesai,
            tampil=self.tampil,
        )

    def areas_summary(self) -> tuple[pd.DataFrame, str, str, str]:
        """The summary one level below the view: desa inside one kecamatan, else kecamatan,
        or kabupaten when the view spans several kabupaten with more kecamatan than a chart
        or a ranking can show (a province, the country); judged against the schedule
        (`judged`), worst first. Returns the frame, its name column, its code column and the
        drill level."""
        if self.single_desa:
            return tps_summary(self.query("tps_status")), "tps_nama", "kode_tps", "TPS"
        if self.single_kecamatan:
            return self.judged("desa"), "desa", "kode_desa", "desa"
        if self.spans_kabupaten:
            return self.judged("kabupaten"), "kabupaten", "kode_kabupaten", "kabupaten"
        return self.judged("kecamatan"), "kecamatan", "kode_kecamatan", "kecamatan"

    def judged(self, level: str, **overrides: object) -> pd.DataFrame:
        """`ringkasan_<level>` with the schedule figures of `jadwal_<level>` (docs/jadwal.md)
        merged in, worst first (theme.worst_first): what every area list and colour uses."""
        args = {**self.filters.args(), **overrides}
        return _shared(("judged", level, self._key(level, args)), lambda: self._judged(level, args))

    def _judged(self, level: str, args: dict[str, object]) -> pd.DataFrame:
        code = f"kode_{level}"
        summary = self.query(f"ringkasan_{level}", **args)
        schedule = self.query(f"jadwal_{level}", **args)
        extra = [c for c in schedule.columns if c == code or c not in summary.columns]
        return theme.worst_first(summary.merge(schedule[extra], on=code, how="left"), code)

    def previous(self) -> tuple[date | None, pd.Series | None]:
        """The day of data before the view's date and the area's totals then (the trend
        on the headline cards); (None, None) when nothing happened before."""
        found = self.query("tanggal_sebelumnya")
        if found.empty:
            return None, None
        day = pd.Timestamp(found["tanggal_sebelumnya"].iloc[0]).date()
        total = self.query("ringkasan_total", as_of=day)
        return day, (total.iloc[0] if len(total) else None)

    @property
    def spans_kabupaten(self) -> bool:
        """Whether the view covers several kabupaten and more than MAX_CHART_AREAS kecamatan
        (no kecamatan or desa chosen): its summary then goes by kabupaten."""
        if self.filters.kecamatan or self.filters.desa:
            return False
        index = self.index
        chosen = list(self.filters.kabupaten)
        kabupaten = chosen or index.kabupaten
        return len(kabupaten) > 1 and len(index.kecamatan_options(chosen)) > MAX_CHART_AREAS

    @property
    def single_kecamatan(self) -> str | None:
        """The kecamatan when the view is one kecamatan (chosen, or implied by its desa)."""
        if len(self.filters.kecamatan) == 1:
            return self.filters.kecamatan[0]
        if self.filters.desa:
            codes = self.areas[self.areas["kode_desa"].isin(self.filters.desa)]["kode_kecamatan"]
            if codes.nunique() == 1:
                return str(codes.iloc[0])
            return None
        if not self.filters.kecamatan:
            # Issue 15: an account of one kecamatan lands on its desa at once.
            options = self.index.kecamatan_options(list(self.filters.kabupaten))
            if len(options) == 1:
                return options[0]
        return None

    @property
    def single_desa(self) -> str | None:
        """The desa when the view is one desa: its breakdown is by TPS."""
        return self.filters.desa[0] if len(self.filters.desa) == 1 else None


# Issue 16: how often an open page looks for marks made at a venue, and the session key of the
# journal stamp its figures were drawn with.
LIVE_EVERY = 2  # seconds
LIVE_KEY = "_jurnal_stempel"


def follow_journal() -> None:
    """Rerun the page when the attendance journal gained marks since it was drawn, so that
    every open dashboard shows them within seconds, without a reload."""
    st.session_state[LIVE_KEY] = dataset(str(resolve_folder(data_folder()))).journal_stamp()
    _watch_journal()


@st.fragment(run_every=LIVE_EVERY)
def _watch_journal() -> None:
    stamp = dataset(str(resolve_folder(data_folder()))).journal_stamp()
    if stamp != st.session_state.get(LIVE_KEY):
        st.session_state[LIVE_KEY] = stamp
        st.rerun(scope="app")


# Issue 17: query answers kept as frames for every session of this process, on top of
# `_query`'s cache (which hands each caller its own unpickled copy: a tenth of a rerun on
# answers already known). A caller gets a shallow copy: pandas copies on write, so whatever a
# page does to its copy (a column added, a sort in place) never reaches the shared frame.
MAX_ANSWERS = 1024
_ANSWERS: collections.OrderedDict[tuple[object, ...], pd.DataFrame] = collections.OrderedDict()
_ANSWERS_LOCK = threading.Lock()


def _answer(key: tuple[object, ...]) -> pd.DataFrame:
    """`_query(*key)`, unpickled once per process (the last MAX_ANSWERS keys)."""
    return _shared(key, lambda: _query(*key))  # type: ignore[arg-type]


def _shared(key: tuple[object, ...], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A shallow copy of the frame `build()` returns for `key`, built once per process. The
    copy remembers `key` as where it came from (`origin`): figures and tables drawn from it
    are cached by that key instead of by hashing its values."""
    with _ANSWERS_LOCK:
        found = _ANSWERS.get(key)
        if found is not None:
            _ANSWERS.move_to_end(key)
    if found is None:
        found = build()
        with _ANSWERS_LOCK:
            _ANSWERS[key] = found
            while len(_ANSWERS) > MAX_ANSWERS:
                _ANSWERS.popitem(last=False)
    copy = found.copy(deep=False)
    _ORIGINS[id(copy)] = _Origin(key, _fingerprint(copy), found)
    weakref.finalize(copy, _ORIGINS.pop, id(copy), None)
    return copy


# Issue 17: where each frame handed out by `_shared` came from, by the copy's id while it lives
# (a finalizer drops the entry with the copy). Hashing a frame's values to key its figure or
# table was a tenth of a rerun; the key it was fetched by says the same for free: query,
# filters, scope, dataset version and journal stamp (`Page._key`). A copy changed in place
# since (a column added, written, sorted or re-indexed) no longer matches its fingerprint and
# is hashed as before: pandas copies on write, so any write makes new column arrays, and the
# entry holds the shared original so that the arrays always have another reference.
@dataclass(frozen=True)
class _Origin:
    key: tuple[object, ...]
    fingerprint: tuple[object, ...]
    source: pd.DataFrame  # the shared frame: keeps copy-on-write copying (see above)


_ORIGINS: dict[int, _Origin] = {}


def _fingerprint(frame: pd.DataFrame) -> tuple[object, ...]:
    """What changes when a frame is changed in place: its column names, its index object and
    the identity of each column's array (new on any write, pandas copying on write)."""
    arrays = tuple(id(block.values) for block in frame._mgr.blocks)
    return (tuple(frame.columns), id(frame.index), frame.shape, arrays)


def origin(frame: pd.DataFrame) -> tuple[object, ...] | None:
    """The key `frame` was handed out by (`_shared`), if it is such a frame unchanged."""
    found = _ORIGINS.get(id(frame))
    if found is None or found.fingerprint != _fingerprint(frame):
        return None
    return found.key


def derived(
    name: str, build: Callable[..., pd.DataFrame], *frames: pd.DataFrame, extra: object = None
) -> pd.DataFrame:
    """`build(*frames)`, shared by the origins of `frames` (and `extra`) when they all have
    one: the same derived frame for every session, itself with an origin, so what is drawn
    from it is cached without hashing either. Without origins it is built as usual."""
    keys = tuple(origin(frame) for frame in frames)
    if any(key is None for key in keys):
        return build(*frames)
    return _shared(("derived", name, keys, extra), lambda: build(*frames))


def _tuple(values: object) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(values)  # type: ignore[arg-type]


def tps_summary(tps: pd.DataFrame) -> pd.DataFrame:
    """`tps_status` rows as a one-desa breakdown with the columns of an area summary (one TPS
    each: `tps`, `tps_<status>`, `cakupan_bimtek`), worst first, so the same charts and
    ranking table show the TPS of a desa."""
    out = theme.worst_first_tps(tps).reset_index(drop=True)
    out["tps_nama"] = [f"TPS {int(n):03d}" for n in out["nomor_tps"]]
    out["tps"] = 1
    for status in theme.STATUS_ORDER:
        out[f"tps_{status}"] = (out["status"] == status).astype("int64")
    active = out["kpps_aktif"].astype("float64")
    out["cakupan_bimtek"] = (out["kpps_terlatih"] / active).where(active > 0)
    return out


def chart(figure: object, key: str, **kwargs: Any) -> Any:
    """st.plotly_chart without Plotly's toolbar (PLOTLY_CONFIG), in the app's own colours."""
    kwargs.setdefault("theme", None)
    return st.plotly_chart(figure, key=key, config=PLOTLY_CONFIG, **kwargs)


def page() -> Page:
    """The context of the page being drawn (app.py has drawn the filters already). Without a
    signed-in viewer this draws the sign-in screen and stops the page (kesiapan.ui.signin)."""
    viewer = signin.current(data_folder())
    folder = str(resolve_folder(data_folder()))  # issue 7: query caches keyed by version
    scope = _view(folder, viewer.pengguna.scope)
    return Page(folder, scope.data, flt.current(scope.data.default_as_of), scope.areas, viewer)


def page_for(folder: str, viewer: signin.Viewer, filters: flt.Filters | None = None) -> Page:
    """The view of `viewer` on the version folder `folder` with `filters` (None: no filter, at
    the data's latest date), outside any page run: what kesiapan.ui.warmup asks through."""
    scope = _view(folder, viewer.pengguna.scope)
    shown = filters or flt.Filters(as_of=scope.data.default_as_of)
    return Page(folder, scope.data, shown, scope.areas, viewer)


@dataclass(frozen=True)
class _Scope:
    data: Dataset
    areas: pd.DataFrame  # shared by every session of this scope: never changed in place
    index: flt.AreaIndex


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _view(folder: str, scope: tuple[str, ...] | None) -> _Scope:
    """The dataset of one version seen from one area scope, its area list and the filters'
    option lists: worked out once per version and scope, not on every run. An hour without
    use lets an old version's connection go after an import."""
    data = dataset(folder).scoped(scope)
    areas = data.query("wilayah_daftar")
    return _Scope(data, areas, flt.build_index(areas))


# -- tables ------------------------------------------------------------------------------------
# Personal data is masked in one place for screens and files alike (kesiapan.access.privacy).
mask_nik = privacy.mask_nik
mask_phone = privacy.mask_phone


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Words instead of codes: status and jabatan labels, dates in Indonesian, a dash for a
    blank (st.dataframe prints "None" for a missing value whatever the Styler says). Each
    distinct value is worded once and mapped back: a column of 1.000 rows holds a handful."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        words = _words(column)
        if words is not None:
            out[column] = _each_distinct(values, lambda s, w=words: w.get(s, s))
        elif catalogue.is_read_as_text(column):
            out[column] = _each_distinct(values, functools.partial(catalogue.as_read, column))
        elif pd.api.types.is_bool_dtype(values):
            # Words, not checkboxes: next to a selectable row a checkbox reads as a control.
            out[column] = _each_distinct(values, lambda b: "Ya" if b else "Tidak")
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = _each_distinct(values, lambda d: labels.tanggal(d.date()))
        elif values.hasnans and pd.api.types.is_numeric_dtype(values):
            # Text from here on: the blank must read as a dash, the numbers as Indonesian ones.
            out[column] = _each_distinct(
                values, labels.persen if _is_share(column) else labels.angka
            )
        if out[column].hasnans:
            out[column] = out[column].astype(object).where(out[column].notna(), "–")
    return out


def _each_distinct(values: pd.Series, word: Callable[[Any], str]) -> pd.Series:
    """`word` of every non-blank value, worked out once per distinct value; blanks stay
    blank."""
    lookup = {value: word(value) for value in values.dropna().unique()}
    return values.map(lookup).astype(object).where(values.notna(), None)


def _words(column: str) -> Mapping[str, str] | None:
    """The words a column's codes stand for (status, PAW status, schedule), from the column
    catalogue; None for a column shown as it is."""
    return catalogue.words(column)


# Titles of the tables on the pages, by widget key, for the files they download as; a page may
# pass its own with `download="…"`.
TABLE_TITLES = {
    "peringkat": "Peringkat kesiapan",
    "tabel_sesi": "Sesi Bimtek",
    "tabel_tps": "Status TPS",
    "belum_bimtek": "KPPS belum Bimtek",
    "kekurangan": "TPS dengan kursi kosong atau tanpa ketua",
    "anggota": "Anggota aktif TPS",
    "tabel_paw": "Penggantian antar waktu (PAW)",
    "tabel_kecamatan": "Supervisi per kecamatan",
    "sesi_belum": "Sesi belum disupervisi",
    "desa_belum": "Desa dan kelurahan belum dikunjungi",
    "temuan": "Temuan dan tindak lanjut supervisi",
    "tabel_data": "Tabel dataset",
    "masalah": "Hasil pemeriksaan data",
    "sesi_lain": "KPPS yang dilatih di sesi kecamatan lain",
}


def _download_buttons(files: exports.TableFiles, key: str, view: Page) -> None:
    """Excel and CSV of one table; the files are written only when a button is pressed, and a
    file that names people unmasked is written into the audit log as it is made."""
    row = st.container(horizontal=True, gap="small")
    stem = download_stem(files.title, view)
    for label, kind, make, mime in (
        ("Unduh Excel", "xlsx", files.xlsx, exports.XLSX_MIME),
        ("Unduh CSV", "csv", files.csv, exports.CSV_MIME),
    ):
        row.download_button(
            label,
            _audited(view, f"{stem}.{kind}", files.table, make),
            file_name=f"{stem}.{kind}",
            mime=mime,
            key=f"{key}_{kind}",
            icon=":material/download:",
            on_click="ignore",
        )


# File names of downloads by (title, area words, date): the same view names its files alike.
_STEMS: dict[tuple[object, ...], str] = {}


def _named(title: str, view: Page, name: Callable[[], str]) -> str:
    """`name()`, the file name of `title` in this view, worked out once per area and date
    (naming looks the area up in the area list: on every rerun it was 2-4% of one)."""
    key = (title, view.area_name(), view.filters.as_of)
    found = _STEMS.get(key)
    if found is None:
        found = _STEMS.setdefault(key, name())
        if len(_STEMS) > MAX_FIGURES:
            _STEMS.clear()
    return found


def download_stem(title: str, view: Page) -> str:
    """The file name, without its extension, of the table `title` downloads as in `view`
    (`_named`: once per area and date, for every session)."""
    return _named(title, view, lambda: view.scope().file_stem(title))


def _audited(
    view: Page,
    file_name: str,
    table: Callable[[], pd.DataFrame],
    make: Callable[[], bytes],
    izin: str = access.EKSPOR,
) -> Callable[[], bytes]:
    """`make`, writing first who downloads what into the audit log when the file carries
    names or personal data the viewer sees unmasked (`table`: the rows naming people it
    holds); refused when the account may no longer have it (`signin.guarded`)."""
    viewer, tampil, filters = view.viewer, view.tampil, view.area_name()

    def run() -> bytes:
        data = make()
        frame = table()
        if not privacy.reveals(frame, tampil):
            return data
        rows = len(frame)
        viewer.catat(
            audit.UNDUH,
            berkas=file_name,
            filter=filters,
            tanggal=view.filters.as_of.isoformat(),
            baris=rows,
        )
        return data

    return signin.guarded(viewer, izin, file_name, run)


def _source(
    frame: pd.DataFrame, view: Page
) -> tuple[pd.DataFrame | Callable[[], pd.DataFrame], tuple[str, ...]]:
    """What a download writes: the frame, or for a list cut to its first rows on screen, the
    whole list fetched when the button is pressed; and any line to add above the table."""
    capped = frame.attrs.get(CAPPED)
    if not capped:
        return frame, ()
    if len(frame) == capped["rows"]:
        data = view.data
        return (lambda: data.query(capped["name"], **capped["args"])), ()
    return frame, (f"Disaring dari {labels.angka(capped['rows'])} baris pertama daftar lengkap.",)


def table_downloads(
    frame: pd.DataFrame,
    columns: list[str] | None,
    key: str,
    title: str | None = None,
    view: Page | None = None,
) -> None:
    """Downloads of a table as shown, with the area hierarchy, the filters and the date
    (`view`: the page's view, else this run's, `page()`)."""
    view = view or page()
    if not view.boleh(access.EKSPOR):
        return  # issue 5: downloads are for roles with the export permission
    source, notes = _source(frame, view)
    title = title or TABLE_TITLES.get(key, key)
    _download_buttons(exports.TableFiles(source, columns, title, view.scope(), notes), key, view)


def report_downloads(view: Page) -> None:
    """The commissioner's briefing (PDF) and the PPK action packs (zip of workbooks) of this
    view, both made only when their button is pressed."""
    from kesiapan.outputs import actions, briefing

    scope, data = view.scope(), view.data
    try:
        chromium: str | None = briefing.find_chromium()
        why = "Ringkasan 1–3 halaman A4 untuk wilayah dan tanggal yang dipilih."
    except briefing.BriefingError as exc:
        chromium, why = None, str(exc)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Unduh briefing (PDF)",
        signin.guarded(
            view.viewer, access.BACA, "briefing", lambda: briefing.pdf(data, scope, chromium)
        )
        if chromium
        else b"",
        file_name=_briefing_name(view),
        mime=exports.PDF_MIME,
        key="unduh_briefing",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        disabled=chromium is None,
        help=why,
    )
    if not view.boleh(access.EKSPOR):
        return  # the action pack lists people: for roles with the export permission
    packs = functools.cache(lambda: actions.collect(data, scope))  # once per click
    zip_name = _pack_name(view)
    row.download_button(
        "Unduh paket aksi PPK (ZIP)",
        _audited(
            view,
            zip_name,
            lambda: _named_rows([f for p in packs() for f in (p.untrained, p.paw)]),
            lambda: actions.zip_bytes(packs()),
        ),
        file_name=zip_name,
        mime=exports.ZIP_MIME,
        key="unduh_paket_aksi",
        icon=":material/folder_zip:",
        on_click="ignore",
        help="Satu berkas Excel per kecamatan: TPS belum siap, KPPS dan PAW belum Bimtek "
        "dengan sesi berikutnya, desa dan sesi yang belum disupervisi.",
    )


def _briefing_name(view: Page) -> str:
    from kesiapan.outputs import briefing

    return _named("briefing (pdf)", view, lambda: briefing.file_name(view.scope()))


def _pack_name(view: Page) -> str:
    return _named("paket aksi (zip)", view, lambda: actions.zip_name(view.scope()))


def warm_report_names(view: Page) -> None:
    """The file names `report_downloads` gives in `view`, worked out ahead (the warm-up)."""
    _briefing_name(view)
    if view.boleh(access.EKSPOR):
        _pack_name(view)


def _named_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The lists of an action pack that name people, as one frame (for the audit log)."""
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


ROW_HEIGHT = 35  # st.dataframe's default row height in pixels
LAT_LON = ("lat", "lon")
MAX_TABLE_HEIGHT = 560
# Rows of a table sent to the browser; a longer list is cut here and downloaded whole.
MAX_ROWS_SHOWN = 1000


def _is_share(column: str) -> bool:
    """A fraction shown as a percentage: the catalogue's display class."""
    return catalogue.is_share(column)


def _is_number(column: str) -> bool:
    """A whole number read without thousands separators (TPS 001 is number 1)."""
    return catalogue.is_number(column)


def _header(column: str) -> str:
    """The column's Indonesian header from the catalogue; catalogue.UnknownColumn (naming the
    file to add it to) for a column without one, never the raw name on screen."""
    return catalogue.header(column)


# Issue 15: no clipped header or cell ("Statu…", "Disupervis", "Tambelanga…"): each column is
# as wide as its header or its longest text, at about this many pixels a letter, within bounds;
# the status column stays pinned on the left, so a phone sees it without scrolling sideways.
CHAR_PX, CELL_PAD_PX = 8, 28
MIN_COLUMN_PX, MAX_COLUMN_PX = 60, 360
PINNED = ("kesiapan", "status")


def _width(label: str, values: pd.Series, numeric: bool) -> int:
    longest = len(label)
    if not numeric and len(values):
        longest = max(longest, int(values.astype(str).str.len().max()))
    return max(MIN_COLUMN_PX, min(MAX_COLUMN_PX, longest * CHAR_PX + CELL_PAD_PX))


def column_config(frame: pd.DataFrame) -> dict[str, object]:
    """Indonesian headers for every known column of a query, wide enough to be read whole."""
    config: dict[str, object] = {}
    for column in frame.columns:
        label = _header(column)
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        number = numeric and not pd.api.types.is_bool_dtype(frame[column])
        width = _width(label, frame[column], number)
        pinned = column in PINNED
        if number and column[:3] not in LAT_LON:
            config[column] = st.column_config.NumberColumn(label, width=width)
        else:
            config[column] = st.column_config.TextColumn(label, width=width, pinned=pinned)
    return config


def display_values(shown: pd.DataFrame, raw: pd.DataFrame) -> dict[str, pd.Series]:
    """The Indonesian text of every number that must read differently from its plain digits
    (19.082, 87,5%), per column: the cells the browser shows instead of the numbers, which
    stay numbers so that a click on a header still sorts by them. Integers under 1.000 read
    the same either way and carry no text."""
    texts: dict[str, pd.Series] = {}
    for column in shown.columns:
        if column not in raw.columns or pd.api.types.is_bool_dtype(raw[column]):
            continue
        values = shown[column]
        if not pd.api.types.is_numeric_dtype(values):
            continue  # already text (for_display wrote a blank as a dash)
        if _is_share(column):
            texts[column] = _each_distinct(values, labels.persen)
        elif pd.api.types.is_integer_dtype(raw[column]) and not _is_number(column):
            large = values.abs() >= 1000
            if large.any():
                texts[column] = _each_distinct(values[large], labels.angka)
    return texts


def _carrier(
    shown: pd.DataFrame,
    texts: dict[str, pd.Series],
    cell_styles: dict[str, list[tuple[str, str]]] | None = None,
) -> object:
    """`shown` as st.dataframe should get it: the plain frame when no cell needs a text of
    its own, else a pandas Styler carrying only those texts (and `cell_styles`: column ->
    CSS properties per row, for the coverage band).

    Streamlit reads display texts from a Styler alone, by calling its `_compute` and
    `_translate` and keeping the cells' ids, display values and styles. pandas' own
    rendering builds a dict of a dozen entries per cell of the whole table and refuses
    more than 262.144 cells; here only the cells that need a text are listed, worked out
    column by column, and nothing else is rendered (tests/test_ui_tables.py checks what
    the browser receives, string for string)."""
    if not texts and not cell_styles:
        return shown
    position = {column: i for i, column in enumerate(shown.columns)}
    body = [
        {"id": f"row{row}_col{position[column]}", "display_value": text}
        for column, series in texts.items()
        for row, text in zip(series.index, series.tolist(), strict=True)
        if text is not None
    ]
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for column, per_row in (cell_styles or {}).items():
        for row, props in enumerate(per_row):
            selector = f"row{row}_col{position[column]}"
            groups.setdefault(tuple(props), []).append(selector)
    translated = {
        "body": [body],
        "cellstyle": [
            {"props": list(props), "selectors": selectors} for props, selectors in groups.items()
        ],
        "table_styles": [],
    }
    styler = shown.style
    styler._compute = lambda: styler  # type: ignore[method-assign]
    styler._translate = lambda *args, **kwargs: translated  # type: ignore[method-assign]
    return styler


# Issue 17, round six: st.dataframe redid on every run what only depends on a table's content:
# pandas to Arrow (±1 ms a table), and for a table with texts Streamlit's marshalling of the
# Styler, which copies the whole table as strings to place the texts (2-5 ms). A table's
# carrier is now made once per content (`_sendable`, kept in TABLES) and what Streamlit makes
# of it is kept on it (`_marshalled`): the browser gets the same bytes.
_MARSHALLED = "_kesiapan_marshalled"  # a shared carrier Styler's marshalled ArrowData.styler


def _sendable(
    shown: pd.DataFrame,
    texts: dict[str, pd.Series],
    cell_styles: dict[str, list[tuple[str, str]]] | None = None,
) -> object:
    """What st.dataframe gets for `shown`, made to be kept and sent again: a plain table as
    the Arrow table Streamlit would convert it to (st.dataframe serialises an Arrow table as
    it is), one with texts or colours as its `_carrier` Styler, marked to keep its
    marshalling (`_marshalled`)."""
    from streamlit import dataframe_util

    carrier = _carrier(shown, texts, cell_styles)
    if isinstance(carrier, pd.DataFrame):
        return dataframe_util.convert_pandas_df_to_arrow_table(carrier)
    setattr(carrier, _MARSHALLED, None)
    return carrier


def _marshalled(sent: object) -> None:
    """Let Streamlit marshal a kept carrier Styler now (the warm-up), so that its first draw
    finds it done; nothing for an Arrow table."""
    if _MARSHALLED in getattr(sent, "__dict__", {}) and getattr(sent, _MARSHALLED) is None:
        from streamlit.elements import arrow
        from streamlit.proto.ArrowData_pb2 import ArrowData

        arrow.marshall_styler(ArrowData(), sent, "")


def _keep_styler_marshalling() -> None:
    """Streamlit's `marshall_styler` as st.dataframe calls it, keeping its result on a carrier
    made by `_sendable` and giving it again on later runs (it writes the ArrowData's `styler`
    part only: the pandas Styler's id, its CSS and the display texts). Any other Styler is
    marshalled as before. Without that function (another Streamlit), nothing changes."""
    from streamlit.elements import arrow

    real = getattr(arrow, "marshall_styler", None)
    if real is None or getattr(real, "kesiapan_keeps", False):
        return

    lock = threading.Lock()

    def marshall_styler(proto: Any, styler: Any, default_uuid: str) -> None:
        kept = styler.__dict__.get(_MARSHALLED, False)
        if kept is False:  # not a kept carrier: as Streamlit does it
            real(proto, styler, default_uuid)
            return
        if kept is None:
            # A kept carrier is shared by every session: the pandas Styler it renders is not
            # safe to render from two script threads at once, so its first marshalling is
            # done once, under a lock, and every later run reuses the bytes.
            with lock:
                kept = styler.__dict__.get(_MARSHALLED)
                if kept is None:
                    real(proto, styler, default_uuid)
                    setattr(styler, _MARSHALLED, proto.styler.SerializeToString())
                    return
        proto.styler.MergeFromString(kept)

    marshall_styler.kesiapan_keeps = True  # type: ignore[attr-defined]
    arrow.marshall_styler = marshall_styler


_keep_styler_marshalling()


def _prepare(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """A table's words and Indonesian number texts, as the browser gets them."""
    shown = for_display(raw).reset_index(drop=True)
    shown.attrs = {}  # Streamlit would send them along to the browser
    return shown, display_values(shown, raw)


def table_height(rows: int) -> int:
    return min(ROW_HEIGHT * (rows + 1) + 3, MAX_TABLE_HEIGHT)


def bounded(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The first MAX_ROWS_SHOWN rows of a long table, and how many it has in all: a table is
    never sent whole to the browser when it is long (a national list has hundreds of
    thousands of rows); its downloads hold every row."""
    return (frame.head(MAX_ROWS_SHOWN) if len(frame) > MAX_ROWS_SHOWN else frame), len(frame)


def _cut_note(total: int, view: Page | None) -> None:
    if total <= MAX_ROWS_SHOWN:
        return
    where = (
        "daftar lengkap ada di unduhan Excel/CSV di bawah"
        if view is not None and view.boleh(access.EKSPOR)
        else "pilih wilayah yang lebih sempit untuk melihat sisanya"
    )
    st.caption(
        f"{labels.angka(MAX_ROWS_SHOWN)} baris pertama dari {labels.angka(total)} "
        f"ditampilkan; {where}."
    )


def table(
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    download: bool | str = True,
    cards: Callable[[pd.DataFrame], list[Card]] | None = None,
    view: Page | None = None,
    **kwargs: object,
) -> object:
    """st.dataframe of the chosen columns with Indonesian headers and formats, and under it
    Excel and CSV downloads (`download`: False for none, or the files' title). A long table
    shows its first MAX_ROWS_SHOWN rows (a selection's row numbers are those of `frame`).
    Given `cards` (rows → Card, in the table's order), a phone sees its first PHONE_CARDS
    rows as a list of cards instead of the table (`phone_list`). `view`: the page's view (the
    viewer's permissions, the files' names), else this run's (`page()`)."""
    if cards is not None:
        phone_list(frame, key, cards, view=view)
    total = len(frame)
    shown, sent, config = prepared(frame, columns)
    with _wide_only(key, cards):
        event = st.dataframe(
            sent,
            hide_index=True,
            column_config=config,
            key=key,
            width="stretch",
            height=table_height(len(shown)),
            **kwargs,
        )
        _cut_note(total, (view or page()) if total > MAX_ROWS_SHOWN else None)
    if download:
        title = download if isinstance(download, str) else None
        table_downloads(frame, columns, key, title, view)
    return event


def prepared(
    frame: pd.DataFrame, columns: list[str]
) -> tuple[pd.DataFrame, object, dict[str, object]]:
    """What `table()` sends for `frame`'s first MAX_ROWS_SHOWN rows of `columns`: the words
    and Indonesian number texts (`_prepare`) as st.dataframe takes them (`_sendable`) and the
    column widths, which read every cell; worked out once per content for every session
    (kesiapan.ui.warmup prepares them too). Returns the shown frame, what to send, widths."""
    head, _ = bounded(frame)
    content = _rows_key(frame, len(head), columns)
    shown, texts = remembered(("table", content), lambda: _prepare(head[columns]), TABLES)
    sent = remembered(("table_sent", content), lambda: _sendable(shown, texts), TABLES)
    config = remembered(("table_config", content), lambda: column_config(shown), TABLES)
    return shown, sent, config


def warm_table(
    view: Page,
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    download: bool | str = True,
    cards: Callable[[pd.DataFrame], list[Card]] | None = None,
) -> None:
    """What `table()` would prepare for `view` (its texts, widths, phone cards and download
    names), without drawing anything: kesiapan.ui.warmup, so that a view's first run finds
    its tables made."""
    if cards is not None:
        phone_markup(frame, key, cards, _can_download(frame, view))
    _marshalled(prepared(frame, columns)[1])
    if download and view.boleh(access.EKSPOR):
        download_stem(download if isinstance(download, str) else TABLE_TITLES.get(key, key), view)


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


# Issue 15: on a phone a ranked table shows 3-4 of its columns and scrolls sideways, hiding
# the status and the figures. Streamlit cannot know the screen's width, so both are sent: the
# table, hidden below PHONE_PX (FRAME_CSS), and its first PHONE_CARDS rows as cards (name,
# "x dari y", status chip), shown only below PHONE_PX. The whole list stays in the downloads.
PHONE_PX = 640
PHONE_CARDS = 8
_WIDE_KEY, _NARROW_KEY = "lebar_", "sempit_"


@dataclass(frozen=True)
class Card:
    """One row of a ranked table as a phone shows it."""

    title: str
    figure: str  # the row's key figure: "1.255 dari 1.692 KPPS terlatih (74,2%)"
    status: str
    color: str  # the status's colour in the shared legend
    detail: str = ""  # a second, smaller line


def _cards_html(cards: list[Card], total: int, can_download: bool) -> str:
    items = []
    for card in cards:
        ink = theme.INK_ON.get(card.color, "#ffffff")
        items.append(
            '<div class="kk"><div class="kk-atas">'
            f'<span class="kk-nama">{html.escape(card.title)}</span>'
            f'<span class="kk-status" style="background-color:{card.color};color:{ink}">'
            f"{html.escape(card.status)}</span></div>"
            f'<div class="kk-angka">{html.escape(card.figure)}</div>'
            + (f'<div class="kk-ket">{html.escape(card.detail)}</div>' if card.detail else "")
            + "</div>"
        )
    if total > len(cards):
        where = (
            "daftar lengkap ada di unduhan Excel/CSV di bawah atau di layar yang lebih lebar"
            if can_download
            else "daftar lengkap ada di layar yang lebih lebar"
        )
        items.append(
            f'<div class="kk-lagi">{labels.angka(len(cards))} teratas dari '
            f"{labels.angka(total)}; {where}.</div>"
        )
    return f'<div class="kk-daftar">{"".join(items)}</div>'


def phone_list(
    frame: pd.DataFrame,
    key: str,
    build: Callable[[pd.DataFrame], list[Card]],
    content: object = None,
    view: Page | None = None,
) -> None:
    """The first PHONE_CARDS rows of a ranked table as cards, shown on a phone only; built
    once per content of those rows (`content`: a key of them the caller has worked out
    already; else their hash)."""
    markup = phone_markup(frame, key, build, _can_download(frame, view), content)
    with st.container(key=f"{_NARROW_KEY}{key}"):
        st.html(markup)


def _can_download(frame: pd.DataFrame, view: Page | None) -> bool:
    """Whether a phone list of `frame` points to its downloads: only a cut list does, so the
    viewer's permission (of `view`, else this run's) is looked up then only."""
    return len(frame) > PHONE_CARDS and (view or page()).boleh(access.EKSPOR)


def phone_markup(
    frame: pd.DataFrame,
    key: str,
    build: Callable[[pd.DataFrame], list[Card]],
    can_download: bool,
    content: object = None,
) -> str:
    """The HTML of `phone_list`, once per content of the rows shown for every session."""
    head = frame.head(PHONE_CARDS)
    return remembered(  # type: ignore[no-any-return]
        ("kartu", key, content or _rows_key(frame, len(head)), len(frame), can_download),
        lambda: _cards_html(build(head), len(frame), can_download),
        TABLES,
    )


def _wide_only(key: str, narrow_too: object) -> contextlib.AbstractContextManager[object]:
    """A container hidden on a phone, for a table that has a phone list (`narrow_too`)."""
    if not narrow_too:
        return contextlib.nullcontext()
    return st.container(key=f"{_WIDE_KEY}{key}")


def _chip(kind_words: dict[str, str], colors: dict[str, str], code: object) -> tuple[str, str]:
    word = kind_words.get(str(code), str(code))
    return word, colors.get(str(code), theme.GREY)


def summary_cards(frame: pd.DataFrame, name_col: str) -> list[Card]:
    """Cards of an area summary (Page.areas_summary): its status chip as the table's first
    column, the share trained, and the TPS ready (for a TPS: the seats filled)."""
    chips = _chips(frame).tolist()
    colors = _chip_colors(_chip_kind(frame))
    cards = []
    for chip, row in zip(chips, frame.to_dict("records"), strict=True):
        active, trained = int(row["kpps_aktif"]), int(row["kpps_terlatih"])
        figure = (
            f"{labels.dari(trained, active, 'KPPS terlatih')} ({labels.persen(trained / active)})"
            if active
            else "Belum ada KPPS aktif"
        )
        if "kode_tps" in row:
            detail = labels.dari(active, int(row["kebutuhan_kpps"]), "kursi terisi")
            if not row.get("ada_ketua", True):
                detail += " · tanpa ketua"
        else:
            detail = labels.dari(int(row["tps_siap"]), int(row["tps"]), "TPS siap")
            if row.get("kursi_kosong"):
                detail += f" · {labels.angka(row['kursi_kosong'])} kursi kosong"
        word = chip if isinstance(chip, str) else "–"
        cards.append(Card(str(row[name_col]), figure, word, colors.get(word, theme.GREY), detail))
    return cards


def tps_cards(frame: pd.DataFrame) -> list[Card]:
    """Cards of TPS rows (`tps_status`, `tps_kekurangan`): the TPS and its desa, seats filled,
    members trained, and the TPS status."""
    cards = []
    for row in frame.to_dict("records"):
        where = f"TPS {int(row['nomor_tps']):03d} · {row['desa']}"
        if "kecamatan" in row:
            where += f", {row['kecamatan']}"
        figure = labels.dari(int(row["kpps_aktif"]), int(row["kebutuhan_kpps"]), "kursi terisi")
        parts = []
        if "kpps_terlatih" in row:
            trained, active = int(row["kpps_terlatih"]), int(row["kpps_aktif"])
            parts.append(labels.dari(trained, active, "sudah Bimtek"))
        if not row["ada_ketua"]:
            parts.append("tanpa ketua")
        word, color = _chip(labels.STATUS_LABELS, theme.STATUS_COLORS, row["status"])
        cards.append(Card(where, figure, word, color, " · ".join(parts)))
    return cards


def untrained_cards(frame: pd.DataFrame) -> list[Card]:
    """Cards of `rencana_bimtek` rows (names already masked for the viewer): who, where, and
    the session planned for them, amber like "belum Bimtek", or red when no seat is left."""
    cards = []
    for row in frame.to_dict("records"):
        day = row["tanggal_sesi_rencana"]
        planned = not pd.isna(day)
        word, color = (
            (f"Sesi {labels.tanggal_pendek(pd.Timestamp(day).date())}", theme.AMBER)
            if planned
            else (actions.NO_SEAT, theme.RED)
        )
        where = f"TPS {int(row['nomor_tps']):03d} · {row['desa']}, {row['kecamatan']}"
        parts = [str(catalogue.as_read("jabatan", row["jabatan"]))]
        if row["kali_absen"]:
            parts.append(f"absen {labels.angka(row['kali_absen'])} kali")
        if planned:
            parts.append(f"sesi {row['sesi_rencana']}")
        cards.append(Card(str(row["nama"]), where, word, color, " · ".join(parts)))
    return cards


def problem_cards(frame: pd.DataFrame) -> list[Card]:
    """Cards of the Data page's check results (`tingkat`, `berkas`, `baris`, `kolom`, `nilai`,
    `pesan`; values already masked): the message, where it is, and its level."""
    cards = []
    for row in frame.to_dict("records"):
        level = str(row["tingkat"])
        color = theme.RED if level.lower() == "galat" else theme.AMBER
        where = [str(row["berkas"])]
        if not pd.isna(row["baris"]):
            where.append(f"baris {labels.angka(row['baris'])}")
        if row["kolom"] and not pd.isna(row["kolom"]):
            where.append(f"kolom {row['kolom']}")
        value = "" if row["nilai"] is None or pd.isna(row["nilai"]) else f"tertulis {row['nilai']}"
        cards.append(Card(str(row["pesan"]), ", ".join(where), level, color, value))
    return cards


def visit_cards(frame: pd.DataFrame) -> list[Card]:
    """Cards of `supervisi_kecamatan` rows: sessions supervised, visits and desa visited, and
    the days since the last visit in the colours of the days-since chart."""
    cards = []
    for row in frame.to_dict("records"):
        days = row["hari_sejak_kunjungan"]
        days = None if pd.isna(days) else int(days)
        _, color = charts.days_since_band(days)
        word = (
            "Belum pernah dikunjungi"
            if days is None
            else ("Dikunjungi hari ini" if days == 0 else f"{labels.angka(days)} hari lalu")
        )
        figure = labels.dari(int(row["sesi_disupervisi"]), int(row["sesi"]), "sesi disupervisi")
        detail = f"{labels.angka(row['kunjungan'])} kunjungan · " + labels.dari(
            int(row["desa_dikunjungi"]), int(row["desa"]), "desa dikunjungi"
        )
        cards.append(Card(str(row["kecamatan"]), figure, word, color, detail))
    return cards


def status_table(
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    drill_col: str | None = "kode_kecamatan",
    download: bool | str = True,
    view: Page | None = None,
) -> None:
    """A summary table whose first column is the schedule status (`status_jadwal`, else the
    coverage band) in the shared colours; selecting a row drills into that area. Downloads
    and `view` as `table()`."""
    head, total = bounded(frame)
    shown, table_style, config, content = prepared_status(frame, columns)
    phone_list(frame, key, lambda rows: summary_cards(rows, columns[0]), content, view)
    with _wide_only(key, True):
        event = st.dataframe(
            table_style,
            hide_index=True,
            column_config=config,
            key=view_key(key),
            width="stretch",
            height=table_height(len(shown)),
            on_select="rerun" if drill_col else "ignore",
            selection_mode="single-row",
        )
        _cut_note(total, (view or page()) if total > MAX_ROWS_SHOWN else None)
    if download:
        banded = frame.assign(kesiapan=_chips(frame))
        title = download if isinstance(download, str) else None
        table_downloads(banded, ["kesiapan", *columns], key, title, view)
    rows = event.selection.rows if drill_col and event else []
    if rows:
        index = rows[0]
        if isinstance(index, int) and 0 <= index < len(head):
            _drill(_DRILL_LEVELS.get(drill_col, "kecamatan"), head[drill_col].iloc[index])
        else:
            _refuse(f"baris {str(index)[:20]}")


def prepared_status(
    frame: pd.DataFrame, columns: list[str]
) -> tuple[pd.DataFrame, object, dict[str, object], object]:
    """What `status_table()` sends for `frame`: the table with its status column first
    (`prepared`'s texts, the band's colours per row) as st.dataframe takes it (`_sendable`),
    the column widths, and the key of its content that its phone cards are kept by; once per
    content for every session."""
    head, _ = bounded(frame)
    kind = _chip_kind(frame)
    needed = list(dict.fromkeys([*columns, _CHIP_SOURCE[kind]]))

    def prepare() -> tuple[pd.DataFrame, dict[str, pd.Series], list[list[tuple[str, str]]]]:
        shown, texts = _prepare(head[columns])
        shown.insert(0, "kesiapan", _chips(head).tolist())
        colors = _chip_colors(kind)
        band_style = [
            [("background-color", colors.get(b, "")), ("color", "white"), ("font-weight", "600")]
            for b in shown["kesiapan"]
        ]
        return shown, texts, band_style

    content = (_rows_key(frame, len(head), needed), tuple(columns))
    shown, texts, band_style = remembered(("status", *content), prepare, TABLES)
    sent = remembered(
        ("status_sent", *content),
        lambda: _sendable(shown, texts, {"kesiapan": band_style}),
        TABLES,
    )

    def configure() -> dict[str, object]:
        config = column_config(shown)
        label = _header("kesiapan")
        config["kesiapan"] = st.column_config.TextColumn(
            label, width=_width(label, shown["kesiapan"], False), pinned=True
        )
        return config

    config = remembered(("status_config", *content), configure, TABLES)
    # The table's key, and the two figures of a TPS's card that its columns do not hold.
    extra = tuple(tuple(head[c].head(PHONE_CARDS)) for c in _CARD_EXTRA if c in head.columns)
    return shown, sent, config, (content, extra)


def warm_status_table(
    view: Page, frame: pd.DataFrame, columns: list[str], key: str, download: str
) -> None:
    """What `status_table()` would prepare for `view`, without drawing (`warm_table`)."""
    _, sent, _, content = prepared_status(frame, columns)
    _marshalled(sent)
    build = functools.partial(summary_cards, name_col=columns[0])
    phone_markup(frame, key, build, _can_download(frame, view), content)
    if view.boleh(access.EKSPOR):
        download_stem(download, view)


_CHIP_SOURCE = {"jadwal": "status_jadwal", "tps": "status", "cakupan": "cakupan_bimtek"}
_CARD_EXTRA = ("kebutuhan_kpps", "ada_ketua")  # read by summary_cards, not in a ranking's columns


def _chip_kind(frame: pd.DataFrame) -> str:
    """What a summary's first column shows: the schedule status of an area judged against it
    (Page.judged), the status of a TPS (tps_summary), else the coverage band."""
    if "status_jadwal" in frame.columns:
        return "jadwal"
    if "kode_tps" in frame.columns and "status" in frame.columns:
        return "tps"
    return "cakupan"


def _chips(frame: pd.DataFrame) -> pd.Series:
    """The words of a summary's first column (`_chip_kind`)."""
    kind = _chip_kind(frame)
    if kind == "jadwal":
        return frame["status_jadwal"].map(theme.SCHEDULE_LABELS)
    if kind == "tps":
        return frame["status"].map(labels.STATUS_LABELS)
    return frame["cakupan_bimtek"].map(theme.coverage_band).map(theme.COVERAGE_LABELS)


def _chip_colors(kind: str) -> dict[str, str]:
    if kind == "jadwal":
        return {theme.SCHEDULE_LABELS[s]: theme.SCHEDULE_COLORS[s] for s in theme.SCHEDULE_ORDER}
    if kind == "tps":
        return {labels.STATUS_LABELS[s]: theme.STATUS_COLORS[s] for s in theme.STATUS_ORDER}
    return dict(zip(theme.COVERAGE_LABELS.values(), theme.COVERAGE_COLORS.values(), strict=True))


def view_key(key: str) -> str:
    """A widget key per filtered view: a selection made to drill in must not survive the
    drill and fire again on the narrower table or chart."""
    state = st.session_state
    view = "|".join(
        ",".join(state.get(k) or []) for k in (flt.KABUPATEN_KEY, flt.KECAMATAN_KEY, flt.DESA_KEY)
    )
    view += f"|{state.get(flt.TPS_KEY) or ''}|{state.get(REFUSED_KEY, 0)}"
    return f"{key}:{zlib.crc32(view.encode()):08x}"


_LEVEL_KEYS = {
    "kabupaten": flt.KABUPATEN_KEY,
    "kecamatan": flt.KECAMATAN_KEY,
    "desa": flt.DESA_KEY,
}
_DRILL_LEVELS = {
    "kode_kabupaten": "kabupaten",
    "kode_kecamatan": "kecamatan",
    "kode_desa": "desa",
    "kode_tps": "tps",
}


def _drill(level: str, code: object) -> None:
    """Drill into an area chosen on a chart or table, if it is one the viewer may see; a code
    outside the view's areas (only a forged message can send one) is refused and cleared."""
    view = page()
    if level == "tps":
        allowed = nav.valid_tps(view.index, code)
    else:
        allowed = isinstance(code, str) and code in view.index.codes[_LEVEL_KEYS[level]]
    if allowed:
        flt.drill(**{level: code})
    else:
        _refuse(flt.shown_code(str(code)))


def _refuse(what: str) -> None:
    state = st.session_state
    state[REFUSED_KEY] = state.get(REFUSED_KEY, 0) + 1
    page().viewer.catat(audit.DITOLAK, pilihan=what)
    st.error(
        f"Pilihan ({what}) tidak ada atau di luar cakupan akun Anda; pilihan itu diabaikan.",
        icon=":material/block:",
    )


# Issue 15: what the app's frame would show in English and Streamlit lets nobody translate:
# the ⋮ menu ("Print", "Record screen", "Made with Streamlit"), the running indicator with
# its "Stop", the table toolbars ("Search", "Fullscreen", "Show/hide columns"); and the file
# uploader's words ("Upload", "200MB per file"), replaced by Indonesian ones.
FRAME_CSS = """
[data-testid="stMainMenu"], [data-testid="stStatusWidget"], [data-testid="stElementToolbar"],
[data-testid="stToolbarActions"] { display: none !important; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
    content: "Seret berkas ke sini · maks. 200 MB per berkas";
    font-size: 0.875rem; opacity: 0.7;
}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"],
[data-testid="stFileUploaderDropzone"] button > div > span:not([data-testid]) { display: none; }
[data-testid="stFileUploaderDropzone"] button > div::after { content: "Pilih berkas"; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span { display: none; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid])::after {
    content: "Lepaskan berkas di sini"; font-size: 0.875rem; font-weight: 800; color: #1b6ca8;
}
section[role="dialog"] > h2, section[role="dialog"] > h2 ~ div > *,
section[role="dialog"] > button { display: none !important; }
section[role="dialog"] > h2 ~ div::before {
    content: "Sambungan ke server terputus"; display: block; font-size: 1.5rem;
    font-weight: 700; line-height: 1.3; margin-bottom: 0.75rem;
}
section[role="dialog"] > h2 ~ div::after {
    content: "Dasbor tidak dapat menghubungi servernya. Tunggu sebentar, lalu muat ulang halaman.";
}
.modebar-container { display: none !important; }
.kk-daftar { display: flex; flex-direction: column; gap: 0.5rem; }
.kk { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.5rem 0.75rem; }
.kk-atas { display: flex; justify-content: space-between; align-items: flex-start; gap: 0.5rem; }
.kk-nama { font-weight: 600; overflow-wrap: anywhere; }
.kk-status { flex: none; border-radius: 1rem; padding: 0.1rem 0.6rem; font-size: 0.8rem;
    font-weight: 600; white-space: nowrap; }
.kk-angka { font-size: 0.95rem; margin-top: 0.15rem; }
.kk-ket, .kk-lagi { font-size: 0.85rem; opacity: 0.75; }
"""
FRAME_CSS += (
    f'@media (max-width: {PHONE_PX}px) {{ [class*="st-key-{_WIDE_KEY}"] '
    "{ display: none !important; } }\n"
    f'@media (min-width: {PHONE_PX + 1}px) {{ [class*="st-key-{_NARROW_KEY}"] '
    "{ display: none !important; } }\n"
)


def frame_style() -> None:
    """The frame's CSS (FRAME_CSS), once per run; st.html sends a style block without drawing
    an element."""
    st.html(f"<style>{FRAME_CSS}</style>")


def limit_runs() -> None:
    """At most MAX_RUNS runs of one session within RUNS_WINDOW seconds (issue 12: a client that
    makes a page rerun without end slows everybody else's); beyond, the run stops at once."""
    now = time.monotonic()
    runs = [t for t in st.session_state.get(RUNS_KEY, []) if now - t < RUNS_WINDOW]
    runs.append(now)
    st.session_state[RUNS_KEY] = runs
    if len(runs) > MAX_RUNS:
        st.error(
            "Terlalu banyak permintaan dari tab ini dalam beberapa detik; tunggu sebentar lalu "
            "muat ulang halaman.",
            icon=":material/timer:",
        )
        st.stop()


def drill_from_chart(figure: object, key: str, level: str = "kecamatan") -> None:
    """Show a Plotly chart whose points carry an area code in customdata[0]; a click drills."""
    event = chart(figure, view_key(key), on_select="rerun", selection_mode="points")
    points = event.selection.points if event else []
    if points and isinstance(points[0], dict) and points[0].get("customdata"):
        custom = points[0]["customdata"]
        _drill(level.lower(), custom[0] if isinstance(custom, list) and custom else custom)


def longest_waits(per_kecamatan: pd.DataFrame) -> pd.DataFrame:
    """`supervisi_kecamatan` rows for the days-since-visit chart: all of them, or when there
    are more than MAX_CHART_AREAS, the kecamatan never visited and then those waiting longest
    (the chart's own order), with a caption saying so; the table below lists them all."""
    waiting = longest_waiting(per_kecamatan)
    if len(waiting) < len(per_kecamatan):
        st.caption(
            f"{labels.angka(MAX_CHART_AREAS)} dari {labels.angka(len(per_kecamatan))} kecamatan: "
            "yang belum pernah dikunjungi, lalu yang paling lama menunggu. Pilih kabupaten untuk "
            "melihat semua kecamatannya."
        )
    return waiting


def longest_waiting(per_kecamatan: pd.DataFrame) -> pd.DataFrame:
    """The rows of `longest_waits`, without its caption (kesiapan.ui.warmup draws nothing)."""
    if len(per_kecamatan) <= MAX_CHART_AREAS:
        return per_kecamatan
    waiting = per_kecamatan.assign(
        _never=per_kecamatan["hari_sejak_kunjungan"].isna(),
    ).sort_values(
        ["_never", "hari_sejak_kunjungan", "kode_kecamatan"], ascending=[False, False, True]
    )
    return waiting.head(MAX_CHART_AREAS).drop(columns="_never")


MAX_FIGURES = 512  # figures and prepared tables kept per process (a page has 2-8)
_FIGURES: collections.OrderedDict[tuple[object, ...], object] = collections.OrderedDict()
_FIGURES_LOCK = threading.Lock()


def figure(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`builder(*args, **kwargs)` (a kesiapan.outputs.charts builder), built once per content of its
    arguments and kept for every session of this process: the same query answer always
    draws the same figure, and building one through Plotly's validation was a quarter of a
    run. Frames are keyed by their values; dicts and lists (GeoJSON) by identity, so they
    must come from a shared cache (`kecamatan_geojson`). The figure is shared: never change
    it after this call."""
    key = (
        builder.__module__,
        builder.__qualname__,
        tuple(_content_key(a) for a in args),
        tuple(sorted((k, _content_key(v)) for k, v in kwargs.items())),
    )
    return remembered(key, lambda: _shared_figure(builder(*args, **kwargs)))


class SharedFigure(go.Figure):
    """A figure kept for every session (`figure`). st.plotly_chart turns the figure it is
    given into a dict with `to_dict()` on every run: a deep copy of all its data, every
    array encoded in base64 again (issue 17: ±5% of a warm rerun through the server). A
    shared figure never changes, so its dict is made once and handed out again; nothing that
    receives it may change it (Streamlit only reads it to write the JSON)."""

    def to_dict(self) -> dict[str, Any]:
        made = self.__dict__.get(_FIGURE_DICT)
        if made is None:
            made = super().to_dict()
            self.__dict__[_FIGURE_DICT] = made
        return made


_FIGURE_DICT = "_kesiapan_dict"


def _shared_figure(built: Any) -> Any:
    """`built` as a SharedFigure when it is a plain Plotly figure (a builder may return
    anything else: that is kept as it is)."""
    if type(built) is go.Figure:
        built.__class__ = SharedFigure
    return built


def remembered(key: tuple[object, ...], build: Callable[[], Any], kept: _Kept | None = None) -> Any:
    """What `build()` returns for `key`, built once and kept for every session of this
    process (the last MAX_FIGURES keys; `kept`: another store, TABLES for the parts of
    tables). Keys are made of `_content_key`s, so equal data is one entry and different data
    (a masked and an unmasked list) never shares one. What it returns is shared: never
    change it."""
    entries, lock, limit = kept or (_FIGURES, _FIGURES_LOCK, MAX_FIGURES)
    with lock:
        found = entries.get(key)
        if found is not None:
            entries.move_to_end(key)
            return found
    built = build()
    with lock:
        entries[key] = built
        while len(entries) > limit:
            entries.popitem(last=False)
    return built


# Issue 17, round six: the prepared parts of tables (texts, widths, phone cards) apart from
# the figures. The warm-up now prepares every table of every view it warms, ±30 entries a
# view (a kabupaten of 30 kecamatan: ±950); kept with the figures they pushed the figures of
# the first views warmed out of a store of MAX_FIGURES. A part is at most MAX_ROWS_SHOWN
# rows of text.
MAX_TABLE_PARTS = 2048
_TABLE_PARTS: collections.OrderedDict[tuple[object, ...], object] = collections.OrderedDict()
_Kept = tuple[collections.OrderedDict[tuple[object, ...], Any], threading.Lock, int]
TABLES: _Kept = (_TABLE_PARTS, threading.Lock(), MAX_TABLE_PARTS)


def _rows_key(frame: pd.DataFrame, rows: int, columns: object = None) -> object:
    """The key of `frame`'s first `rows` rows (of `columns`, else all): by the frame's origin
    when it has one, else by hashing those rows."""
    chosen = list(frame.columns if columns is None else columns)
    key = origin(frame)
    if key is not None:
        return ("rows", key, tuple(chosen), rows)
    return _content_key(frame.head(rows)[chosen])


def _content_key(value: object) -> object:
    if isinstance(value, pd.DataFrame):
        key = origin(value)
        if key is not None:
            return ("answer", key)
        hashed = pd.util.hash_pandas_object(value, index=True).to_numpy()
        digest = hashlib.blake2b(hashed.tobytes(), digest_size=16).hexdigest()
        return ("frame", tuple(value.columns), tuple(map(str, value.dtypes)), digest)
    if isinstance(value, dict | list):
        return ("id", id(value))
    return value


def sessions_planned(view: Page) -> pd.DataFrame:
    """`bimtek_sesi_kehadiran` with each session's places given and left (`rencana_sesi`),
    derived once per answer for every session (the Cakupan Bimtek page and the warm-up)."""
    return derived(
        "sesi_dan_rencana",
        _with_plan,
        view.query("bimtek_sesi_kehadiran"),
        view.query("rencana_sesi"),
    )


def _with_plan(sessions: pd.DataFrame, planned: pd.DataFrame) -> pd.DataFrame:
    columns = ["kode_sesi", "ditempatkan", "kursi_sisa"]
    return sessions.merge(planned[columns], on="kode_sesi", how="left")


def least_visited(view: Page, **overrides: object) -> pd.DataFrame:
    """`supervisi_kecamatan` (with `overrides`) least visited first, derived once per answer
    for every session (the Supervisi page and the warm-up)."""
    answer = view.query("supervisi_kecamatan", **overrides)
    return derived("paling_jarang_dikunjungi", theme.least_visited_first, answer)


def masked(frame: pd.DataFrame, tampil: privacy.Tampil) -> pd.DataFrame:
    """`privacy.masked(frame, tampil)`, made once per origin of `frame` and `tampil` (`derived`)."""
    return derived("masked", lambda f: privacy.masked(f, tampil), frame, extra=tampil)


def desa_points(desa: pd.DataFrame, judged: pd.DataFrame | None = None) -> pd.DataFrame:
    """`_desa_points`, made once per origin of its frames (`derived`)."""
    if judged is None:
        return derived("desa_points", _desa_points, desa)
    return derived("desa_points_judged", _desa_points, desa, judged)


def _desa_points(desa: pd.DataFrame, judged: pd.DataFrame | None = None) -> pd.DataFrame:
    """`supervisi_desa` rows with coordinates as map points: name and visits as the label;
    given the desa judged against the schedule (`Page.judged("desa")`), each point takes its
    status's colour from the shared legend and names it (issue 15: the map and the table
    band the same desa alike)."""
    points = desa.dropna(subset=["lat", "lon"]).copy()
    status = [None] * len(points)
    if judged is not None and "status_jadwal" in judged.columns:
        lookup = dict(zip(judged["kode_desa"], judged["status_jadwal"], strict=True))
        status = [lookup.get(code) for code in points["kode_desa"]]
        points["color"] = [theme.SCHEDULE_COLORS.get(s, theme.GREY) for s in status]
        points["status"] = status
    points["label"] = [
        f"<b>{name}</b><br>"
        + (f"{theme.SCHEDULE_LABELS.get(s, s)}<br>" if s else "")
        + f"{labels.angka(visits)} kunjungan supervisi"
        for name, visits, s in zip(points["desa"], points["kunjungan"], status, strict=True)
    ]
    return points


def headline(
    column: object,
    label: str,
    part: float,
    whole: float,
    noun: str,
    help: str = "",
    before: float | None = None,
    since: date | None = None,
) -> None:
    """A headline figure: the count large, 'dari <denominator> <noun> (share)' under it and,
    given the figure `before` on the previous day of data `since`, its change on a line of its
    own in the same box ('+4.101 sejak 27 Jan': appended to the denominator it was cut off)."""
    share = f" ({labels.persen(part / whole)})" if whole else ""
    has_trend = since is not None and before is not None
    box = column.container(border=True) if has_trend else column  # type: ignore[attr-defined]
    box.metric(
        label,
        labels.angka(part),
        delta=f"dari {labels.angka(whole)} {noun}{share}",
        delta_color="off",
        delta_arrow="off",
        help=help or None,
        border=not has_trend,
    )
    if has_trend:
        box.caption(labels.perubahan(part - before, since))  # type: ignore[operator,arg-type]


def start(title: str) -> tuple[Page, pd.Series]:
    """A page's head: the title, the view's caption and the area's totals (`ringkasan_total`);
    stops the page with a plain sentence when the filters match no area."""
    view = page()
    st.title(title)
    st.caption(view.caption())
    nav.breadcrumb(view.index, view.filters, view.single_kecamatan)
    if view.filters.tps:
        tps_view(view, view.filters.tps)
        st.stop()
    total = view.query("ringkasan_total")
    if total.empty:
        where = view.filters.describe(view.areas, markdown=True)  # names from the data escaped
        empty(f"Tidak ada wilayah yang cocok dengan filter ({where}).")
        st.stop()
    return view, total.iloc[0]


def tps_view(view: Page, code: str) -> None:
    """The bottom of the drill (issue 15): one TPS, its seats and status, its active members
    with their jabatan and training, and its replacements (PAW)."""
    desa = [nav.desa_of_tps(code)]
    found = view.query("tps_status", desa=desa)
    found = found[found["kode_tps"] == code]
    if found.empty:
        empty(f"TPS {flt.shown_code(code)} tidak ada di data ini.")
        return
    tps = found.iloc[0]
    st.subheader(f"TPS {int(tps.nomor_tps):03d} · {labels.polos(str(tps.desa))}")
    cols = st.columns(4)
    cols[0].metric("Status", labels.STATUS_LABELS.get(tps.status, tps.status), border=True)
    headline(cols[1], "KPPS aktif", tps.kpps_aktif, tps.kebutuhan_kpps, "kursi")
    headline(cols[2], "KPPS terlatih", tps.kpps_terlatih, tps.kpps_aktif, "KPPS aktif")
    cols[3].metric("Ketua", "Ada" if tps.ada_ketua else "Belum ada", border=True)
    members = view.query("kpps_aktif_tps", desa=desa)
    members = view.masked(members[members["kode_tps"] == code])
    st.subheader("Anggota aktif")
    if members.empty:
        empty("TPS ini belum punya anggota aktif.")
    else:
        note = view.tampil.note
        st.caption("Ketua lebih dulu, lalu menurut nama" + (f" · {note}" if note else ""))
        table(
            members,
            ["nama", "jabatan", "terlatih", "nik", "jenis_kelamin", "tanggal_sk"],
            key="anggota_tps",
            download="Anggota aktif TPS",
        )
    st.subheader("Penggantian antar waktu (PAW)")
    paw = view.query("paw", desa=desa)
    paw = view.masked(paw[paw["kode_tps"] == code])
    if paw.empty:
        empty("Belum ada anggota TPS ini yang berhenti.")
    else:
        table(
            paw,
            [
                "status",
                "tanggal_berhenti",
                "nama_berhenti",
                "jabatan_berhenti",
                "alasan_berhenti",
                "nama_pengganti",
                "tanggal_sk_pengganti",
            ],
            key="paw_tps",
            download="PAW TPS",
        )
