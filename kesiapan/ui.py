"""What the Streamlit pages share: the dataset of this process, cached queries, table display.

Pages call `page()` for the dataset, the filters and the area list, then `query()` for every
figure; nothing here aggregates: it maps codes to words and formats for display.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kesiapan import akses, audit, exports, labels, masuk, privacy
from kesiapan import filters as flt
from kesiapan.store import Dataset, resolve_folder

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "sample"
STATUS_WORDS = {**labels.STATUS_LABELS, **labels.PAW_STATUS_LABELS}
# DataFrame.attrs key of a list cut to its first `batas` rows by Page.query: how to fetch it whole.
CAPPED = "kesiapan_dibatasi"


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


@st.cache_data(ttl=600, max_entries=512, show_spinner=False)
def _query(
    folder: str,
    cakupan: tuple[str, ...] | None,
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
        .scoped(cakupan)
        .query(
            name,
            as_of=as_of,
            kabupaten=list(kabupaten) if kabupaten else None,
            kecamatan=list(kecamatan) if kecamatan else None,
            desa=list(desa) if desa else None,
            batas=batas,
        )
    )


@st.cache_data(max_entries=16, show_spinner=False)
def kecamatan_geojson(folder: str, kecamatan: tuple[str, ...]) -> dict | None:
    """The boundaries of these kecamatan (kesiapan.briefing reads them for the PDF too)."""
    from kesiapan import briefing

    return briefing.kecamatan_geojson(Path(folder), kecamatan)


@dataclass(frozen=True)
class Page:
    folder: str
    data: Dataset  # already limited to the viewer's area scope
    filters: flt.Filters
    areas: pd.DataFrame
    sesi: masuk.Sesi

    @property
    def tampil(self) -> privacy.Tampil:
        """What this viewer may see unmasked."""
        return akses.tampil(self.sesi.pengguna)

    def masked(self, frame: pd.DataFrame) -> pd.DataFrame:
        return privacy.masked(frame, self.tampil)

    def boleh(self, izin: str) -> bool:
        return self.sesi.boleh(izin)

    def query(self, name: str, **overrides: object) -> pd.DataFrame:
        """A query with this view's filters (any of them overridden by keyword)."""
        args = {**self.filters.args(), **overrides}
        frame = _query(
            self.folder,
            self.data.cakupan,
            name,
            args["as_of"],
            _tuple(args["kabupaten"]),
            _tuple(args["kecamatan"]),
            _tuple(args["desa"]),
            args.get("batas"),  # type: ignore[arg-type]
            dataset(self.folder).journal_stamp(),
        )
        cap = args.get("batas")
        if cap is not None and len(frame) >= cap:  # type: ignore[operator]
            # The screen shows the first rows only; a download of it fetches the whole list.
            frame.attrs[CAPPED] = {
                "name": name,
                "args": {**args, "batas": None},
                "rows": len(frame),
            }
        return frame

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
        codes = self.data.cakupan
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
        """This view for the files it downloads (kesiapan.exports)."""
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
        """The summary one level below the view: desa inside one kecamatan, else kecamatan.
        Returns the frame, its name column, its code column and the drill level."""
        if self.single_kecamatan:
            return self.query("ringkasan_desa"), "desa", "kode_desa", "desa"
        return self.query("ringkasan_kecamatan"), "kecamatan", "kode_kecamatan", "kecamatan"

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


def _tuple(values: object) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(values)  # type: ignore[arg-type]


def page() -> Page:
    """The context of the page being drawn (app.py has drawn the filters already). Without a
    signed-in viewer this draws the sign-in screen and stops the page (kesiapan.masuk)."""
    sesi = masuk.current(data_folder())
    folder = str(resolve_folder(data_folder()))  # issue 7: query caches keyed by version
    data = dataset(folder).scoped(sesi.pengguna.cakupan)
    areas = _query(folder, data.cakupan, "wilayah_daftar", None, None, None, None)
    return Page(folder, data, flt.current(data.default_as_of), areas, sesi)


# -- tables ------------------------------------------------------------------------------------
# Personal data is masked in one place for screens and files alike (kesiapan.privacy).
mask_nik = privacy.mask_nik
mask_phone = privacy.mask_phone


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Words instead of codes: status and jabatan labels, dates in Indonesian, a dash for a
    blank (st.dataframe prints "None" for a missing value whatever the Styler says)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column == "status" or column.endswith("_status"):
            out[column] = values.map(lambda s: STATUS_WORDS.get(s, s))
        elif column.startswith("jabatan"):
            out[column] = values.map(lambda j: j.capitalize() if isinstance(j, str) else j)
        elif column.startswith("alasan"):
            out[column] = values.map(lambda a: labels.kalimat(a) if isinstance(a, str) else a)
        elif pd.api.types.is_bool_dtype(values):
            # Words, not checkboxes: next to a selectable row a checkbox reads as a control.
            out[column] = values.map(lambda b: "–" if pd.isna(b) else ("Ya" if b else "Tidak"))
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.map(lambda d: "–" if pd.isna(d) else labels.tanggal(d.date()))
        elif values.hasnans and pd.api.types.is_numeric_dtype(values):
            # Text from here on: the blank must read as a dash, the numbers as Indonesian ones.
            number = labels.persen if _is_share(column) else labels.angka
            out[column] = values.map(lambda v, f=number: "–" if pd.isna(v) else f(v))
        if out[column].hasnans:
            out[column] = out[column].astype(object).where(out[column].notna(), "–")
    return out


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
}


def _download_buttons(files: exports.TableFiles, key: str, view: Page) -> None:
    """Excel and CSV of one table; the files are written only when a button is pressed, and a
    file that names people unmasked is written into the audit log as it is made."""
    row = st.container(horizontal=True, gap="small")
    for label, kind, make, mime in (
        ("Unduh Excel", "xlsx", files.xlsx, exports.XLSX_MIME),
        ("Unduh CSV", "csv", files.csv, exports.CSV_MIME),
    ):
        row.download_button(
            label,
            _audited(view, f"{files.stem}.{kind}", files.table, make),
            file_name=f"{files.stem}.{kind}",
            mime=mime,
            key=f"{key}_{kind}",
            icon=":material/download:",
            on_click="ignore",
        )


def _audited(
    view: Page,
    file_name: str,
    table: Callable[[], pd.DataFrame],
    make: Callable[[], bytes],
) -> Callable[[], bytes]:
    """`make`, writing first who downloads what into the audit log when the file carries
    names or personal data the viewer sees unmasked (`table`: the rows naming people it
    holds)."""
    sesi, tampil, filters = view.sesi, view.tampil, view.area_name()

    def run() -> bytes:
        data = make()
        frame = table()
        if not privacy.reveals(frame, tampil):
            return data
        rows = len(frame)
        sesi.catat(
            audit.UNDUH,
            berkas=file_name,
            filter=filters,
            tanggal=view.filters.as_of.isoformat(),
            baris=rows,
        )
        return data

    return run


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
    frame: pd.DataFrame, columns: list[str] | None, key: str, title: str | None = None
) -> None:
    """Downloads of a table as shown, with the area hierarchy, the filters and the date."""
    view = page()
    if not view.boleh(akses.EKSPOR):
        return  # issue 5: downloads are for roles with the export permission
    source, notes = _source(frame, view)
    title = title or TABLE_TITLES.get(key, key)
    _download_buttons(exports.TableFiles(source, columns, title, view.scope(), notes), key, view)


def report_downloads(view: Page) -> None:
    """The commissioner's briefing (PDF) and the PPK action packs (zip of workbooks) of this
    view, both made only when their button is pressed."""
    from kesiapan import actions, briefing

    scope, data = view.scope(), view.data
    try:
        chromium: str | None = briefing.find_chromium()
        why = "Ringkasan 1–3 halaman A4 untuk wilayah dan tanggal yang dipilih."
    except briefing.BriefingError as exc:
        chromium, why = None, str(exc)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Unduh briefing (PDF)",
        (lambda: briefing.pdf(data, scope, chromium)) if chromium else b"",
        file_name=briefing.file_name(scope),
        mime=exports.PDF_MIME,
        key="unduh_briefing",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        disabled=chromium is None,
        help=why,
    )
    if not view.boleh(akses.EKSPOR):
        return  # the action pack lists people: for roles with the export permission
    packs = functools.cache(lambda: actions.collect(data, scope))  # once per click
    row.download_button(
        "Unduh paket aksi PPK (ZIP)",
        _audited(
            view,
            actions.zip_name(scope),
            lambda: _named_rows([f for p in packs() for f in (p.untrained, p.paw)]),
            lambda: actions.zip_bytes(packs()),
        ),
        file_name=actions.zip_name(scope),
        mime=exports.ZIP_MIME,
        key="unduh_paket_aksi",
        icon=":material/folder_zip:",
        on_click="ignore",
        help="Satu berkas Excel per kecamatan: TPS belum siap, KPPS dan PAW belum Bimtek "
        "dengan sesi berikutnya, desa dan sesi yang belum disupervisi.",
    )


def _named_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The lists of an action pack that name people, as one frame (for the audit log)."""
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


ROW_HEIGHT = 35  # st.dataframe's default row height in pixels
LAT_LON = ("lat", "lon")
MAX_TABLE_HEIGHT = 560


def _is_share(column: str) -> bool:
    return column.startswith("cakupan") or column == "keterisian"


def column_config(frame: pd.DataFrame) -> dict[str, object]:
    """Indonesian headers for every known column of a query."""
    config: dict[str, object] = {}
    for column in frame.columns:
        label = labels.HEADERS.get(column, column)
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        if numeric and not pd.api.types.is_bool_dtype(frame[column]) and column[:3] not in LAT_LON:
            config[column] = st.column_config.NumberColumn(label)
        else:
            config[column] = st.column_config.TextColumn(label)
    return config


def styled(shown: pd.DataFrame, raw: pd.DataFrame) -> object:
    """Indonesian number display (19.082, 87,5%) that still sorts by the numbers: the browser's
    locale decides Streamlit's own number formats, so the Styler formats them instead."""
    formats = {}
    for column in shown.columns:
        if column not in raw.columns or pd.api.types.is_bool_dtype(raw[column]):
            continue
        if not pd.api.types.is_numeric_dtype(shown[column]):
            continue  # already text (for_display wrote a blank as a dash)
        if _is_share(column):
            formats[column] = labels.persen
        elif pd.api.types.is_integer_dtype(raw[column]) and column != "nomor_tps":
            formats[column] = labels.angka
    # Every blank shows as a dash (pandas would print None or <NA>), numbers the Indonesian way.
    return shown.style.format(na_rep="–").format(formats, na_rep="–")


def table_height(rows: int) -> int:
    return min(ROW_HEIGHT * (rows + 1) + 3, MAX_TABLE_HEIGHT)


def table(
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    download: bool | str = True,
    **kwargs: object,
) -> object:
    """st.dataframe of the chosen columns with Indonesian headers and formats, and under it
    Excel and CSV downloads (`download`: False for none, or the files' title)."""
    shown = for_display(frame[columns]).reset_index(drop=True)
    shown.attrs = {}  # Streamlit would send them along to the browser
    event = st.dataframe(
        styled(shown, frame[columns]),
        hide_index=True,
        column_config=column_config(shown),
        key=key,
        width="stretch",
        height=table_height(len(shown)),
        **kwargs,
    )
    if download:
        table_downloads(frame, columns, key, download if isinstance(download, str) else None)
    return event


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def status_table(
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    drill_col: str | None = "kode_kecamatan",
    download: bool | str = True,
) -> None:
    """A summary table whose first column is the coverage band in the shared colours;
    selecting a row drills into that kecamatan (or desa). Downloads as `table()`."""
    from kesiapan import theme

    bands = frame["cakupan_bimtek"].map(theme.coverage_band)
    shown = for_display(frame[columns]).reset_index(drop=True)
    shown.attrs = {}  # Streamlit would send them along to the browser
    shown.insert(0, "kesiapan", bands.map(theme.COVERAGE_LABELS).tolist())
    colors = dict(zip(theme.COVERAGE_LABELS.values(), theme.COVERAGE_COLORS.values(), strict=True))
    table_style = styled(shown, frame[columns]).map(
        lambda v: f"background-color: {colors.get(v, '')}; color: white; font-weight: 600",
        subset=["kesiapan"],
    )
    config = column_config(shown)
    config["kesiapan"] = st.column_config.TextColumn("Kesiapan")
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
    if download:
        banded = frame.assign(kesiapan=bands.map(theme.COVERAGE_LABELS))
        title = download if isinstance(download, str) else None
        table_downloads(banded, ["kesiapan", *columns], key, title)
    rows = event.selection.rows if drill_col and event else []
    if rows:
        code = frame[drill_col].iloc[rows[0]]
        if drill_col == "kode_desa":
            flt.drill(desa=code)
        else:
            flt.drill(kecamatan=code)


def view_key(key: str) -> str:
    """A widget key per filtered view: a selection made to drill in must not survive the
    drill and fire again on the narrower table or chart."""
    state = st.session_state
    view = "|".join(
        ",".join(state.get(k) or []) for k in (flt.KABUPATEN_KEY, flt.KECAMATAN_KEY, flt.DESA_KEY)
    )
    return f"{key}:{zlib.crc32(view.encode()):08x}"


def drill_from_chart(figure: object, key: str, level: str = "kecamatan") -> None:
    """Show a Plotly chart whose points carry an area code in customdata[0]; a click drills."""
    event = st.plotly_chart(
        figure, key=view_key(key), on_select="rerun", selection_mode="points", theme=None
    )
    points = event.selection.points if event else []
    if points and points[0].get("customdata"):
        code = points[0]["customdata"][0]
        flt.drill(**{level: code})


def desa_points(desa: pd.DataFrame) -> pd.DataFrame:
    """`supervisi_desa` rows with coordinates as map points: name and visits as the label."""
    points = desa.dropna(subset=["lat", "lon"]).copy()
    points["label"] = [
        f"{name}: {labels.angka(visits)} kunjungan supervisi"
        for name, visits in zip(points["desa"], points["kunjungan"], strict=True)
    ]
    return points


def headline(
    column: object, label: str, part: float, whole: float, noun: str, help: str = ""
) -> None:
    """A headline figure: the count large, 'dari <denominator> <noun> (share)' under it."""
    share = f" ({labels.persen(part / whole)})" if whole else ""
    column.metric(  # type: ignore[attr-defined]
        label,
        labels.angka(part),
        delta=f"dari {labels.angka(whole)} {noun}{share}",
        delta_color="off",
        delta_arrow="off",
        help=help or None,
        border=True,
    )


def start(title: str) -> tuple[Page, pd.Series]:
    """A page's head: the title, the view's caption and the area's totals (`ringkasan_total`);
    stops the page with a plain sentence when the filters match no area."""
    view = page()
    st.title(title)
    st.caption(view.caption())
    total = view.query("ringkasan_total")
    if total.empty:
        where = view.filters.describe(view.areas, markdown=True)  # names from the data escaped
        empty(f"Tidak ada wilayah yang cocok dengan filter ({where}).")
        st.stop()
    return view, total.iloc[0]
