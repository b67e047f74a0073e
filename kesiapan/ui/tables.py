"""The tables of the dashboard pages: which frame each one lists (derived once per answer),
with which columns, phone cards and download title.

Issue 17, round six: the warm-up (kesiapan.ui.warmup) prepared every query and chart of a
view but none of its tables, so the first open of a view still worked out every table's
texts, widths, phone cards and file names (half of such a run). The pages and the warm-up
both take their tables from here: the warm-up prepares exactly what the pages then draw,
under the same cache keys, without a copy of the pages' logic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from kesiapan.contract import columns as catalogue
from kesiapan.contract import theme
from kesiapan.outputs import actions
from kesiapan.ui import shared as ui

MAX_NAMES_SHOWN = 1000  # a national list has hundreds of thousands; nobody reads past this


@dataclass(frozen=True)
class Listed:
    """One table of a page: the rows, the columns shown, its widget key, its phone cards."""

    view: ui.Page
    frame: pd.DataFrame
    columns: list[str]
    key: str
    cards: Callable[[pd.DataFrame], list[ui.Card]] | None = None

    def show(self, **kwargs: object) -> object:
        """Draw it (`ui.table`)."""
        return ui.table(
            self.frame, self.columns, key=self.key, cards=self.cards, view=self.view, **kwargs
        )

    def warm(self) -> None:
        """Prepare what `show` draws, drawing nothing (`ui.warm_table`)."""
        ui.warm_table(self.view, self.frame, self.columns, self.key, cards=self.cards)


# -- Ringkasan ---------------------------------------------------------------------------------
RANKING_COLUMNS = (
    "tps",
    "tps_siap",
    "kpps_aktif",
    "kpps_terlatih",
    "cakupan_bimtek",
    "target_terlatih",
    "tanpa_kursi",
    "kursi_kosong",
    "tps_tanpa_ketua",
    "kunjungan_supervisi",
)


def ranking(view: ui.Page) -> tuple[pd.DataFrame, list[str], str, str]:
    """Ringkasan's ranking: the area summary, its columns (a TPS has no schedule or visits),
    the code column a selected row drills by, and the files' title."""
    summary, name_col, code_col, level = view.areas_summary()
    columns = [name_col, *(c for c in RANKING_COLUMNS if c in summary.columns)]
    return summary, columns, code_col, f"Peringkat {level}"


def warm_ranking(view: ui.Page) -> None:
    """Prepare Ringkasan's ranking table and its briefing and action-pack file names."""
    summary, columns, _, title = ranking(view)
    ui.warm_status_table(view, summary, columns, "peringkat", title)
    ui.warm_report_names(view)


# -- Cakupan Bimtek ----------------------------------------------------------------------------
SESSION_COLUMNS = [
    "tanggal",
    "kode_sesi",
    "kecamatan",
    "tempat",
    "kapasitas",
    "keadaan_sesi",
    "hadir",
    "tidak_hadir",
    "keterisian",
    "disupervisi",
    "ditempatkan",
    "kursi_sisa",
]
TPS_COLUMNS = [
    "desa",
    "nomor_tps",
    "kode_tps",
    "kpps_aktif",
    "kpps_terlatih",
    "kebutuhan_kpps",
    "ada_ketua",
    "status",
]
UNTRAINED_COLUMNS = [
    "kecamatan",
    "desa",
    "nomor_tps",
    "nama",
    "nik",
    "jabatan",
    "kali_absen",
    "sesi_rencana",
    "tanggal_sesi_rencana",
    "no_hp",
]


def sessions(view: ui.Page) -> Listed:
    """The sessions with their places given and left (`ui.sessions_planned`)."""
    return Listed(view, ui.sessions_planned(view), SESSION_COLUMNS, "tabel_sesi")


def tps(view: ui.Page) -> Listed:
    """The TPS of the view, worst first (shown for one kecamatan or desa)."""
    worst = ui.derived("tps_terburuk_dulu", theme.worst_first_tps, view.query("tps_status"))
    return Listed(view, worst, TPS_COLUMNS, "tabel_tps", ui.tps_cards)


def _no_seat_named(untrained: pd.DataFrame) -> pd.DataFrame:
    return untrained.assign(sesi_rencana=untrained["sesi_rencana"].fillna(actions.NO_SEAT))


def untrained(view: ui.Page) -> Listed:
    """The first MAX_NAMES_SHOWN members not trained yet, masked for the viewer, with the
    session planned for each ("belum ada kursi" when none is left)."""
    names = view.masked(view.query("rencana_bimtek", batas=MAX_NAMES_SHOWN))
    if not names.empty:
        names = ui.derived("tanpa_kursi_sesi", _no_seat_named, names)
    return Listed(
        view, names, catalogue.listed(UNTRAINED_COLUMNS), "belum_bimtek", ui.untrained_cards
    )


# -- Kekurangan Petugas ------------------------------------------------------------------------
GAP_COLUMNS = [
    "kecamatan",
    "desa",
    "nomor_tps",
    "kode_tps",
    "kpps_aktif",
    "kebutuhan_kpps",
    "kursi_kosong",
    "ada_ketua",
    "status",
]
PAW_COLUMNS = [
    "tanggal_berhenti",
    "kecamatan",
    "desa",
    "nomor_tps",
    "nama_berhenti",
    "jabatan_berhenti",
    "alasan_berhenti",
    "nama_pengganti",
    "tanggal_sk_pengganti",
    "status",
]


def gaps(view: ui.Page) -> Listed:
    """The TPS with empty seats or without a ketua."""
    return Listed(view, view.query("tps_kekurangan"), GAP_COLUMNS, "kekurangan", ui.tps_cards)


def paw(view: ui.Page) -> Listed:
    """The replacements, masked for the viewer."""
    return Listed(view, view.masked(view.query("paw")), PAW_COLUMNS, "tabel_paw")


# -- Supervisi ---------------------------------------------------------------------------------
VISIT_COLUMNS = [
    "kecamatan",
    "kunjungan",
    "sesi",
    "sesi_disupervisi",
    "desa",
    "desa_dikunjungi",
    "kunjungan_terakhir",
    "hari_sejak_kunjungan",
]


def per_kecamatan(view: ui.Page, **overrides: object) -> Listed:
    """The kecamatan least visited first (`ui.least_visited`)."""
    return Listed(
        view, ui.least_visited(view, **overrides), VISIT_COLUMNS, "tabel_kecamatan", ui.visit_cards
    )


def missed(view: ui.Page) -> Listed:
    """The sessions held that nobody supervised."""
    held = view.query("supervisi_sesi")
    frame = ui.derived("sesi_belum_disupervisi", lambda s: s[~s["disupervisi"]], held)
    return Listed(view, frame, ["tanggal", "kode_sesi", "kecamatan", "tempat"], "sesi_belum")


def _unvisited(desa: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The desa not visited, with their coverage: the lowest coverage first."""
    columns = ["kode_desa", "kpps_aktif", "cakupan_bimtek"]
    unvisited = desa[~desa["dikunjungi"]].merge(coverage[columns], on="kode_desa", how="left")
    return unvisited.sort_values(["cakupan_bimtek", "kode_desa"], na_position="first")


def unvisited(view: ui.Page) -> Listed:
    """The desa not visited yet, the lowest coverage first."""
    frame = ui.derived(
        "desa_belum_dikunjungi",
        _unvisited,
        view.query("supervisi_desa"),
        view.query("ringkasan_desa"),
    )
    return Listed(view, frame, ["kecamatan", "desa", "kpps_aktif", "cakupan_bimtek"], "desa_belum")


def findings(view: ui.Page) -> Listed:
    """The visits that noted a finding or a follow-up."""
    visits = view.query("supervisi_kunjungan")
    frame = ui.derived(
        "temuan", lambda v: v[v["temuan"].notna() | v["tindak_lanjut"].notna()], visits
    )
    return Listed(
        view,
        frame,
        ["tanggal", "kecamatan", "desa", "pengawas", "lembaga", "temuan", "tindak_lanjut"],
        "temuan",
    )


def warm(view: ui.Page) -> None:
    """Prepare every table the dashboard pages draw in `view` (without a desa filter: the
    warm-up's views), as each page would for its viewer."""
    warm_ranking(view)
    if not view.query("bimtek_sesi_kehadiran").empty:
        sessions(view).warm()
    if view.single_kecamatan or view.filters.desa:
        tps(view).warm()
    shown = [untrained(view), gaps(view), paw(view), per_kecamatan(view)]
    shown += [missed(view), unvisited(view), findings(view)]
    for listed in shown:
        if not listed.frame.empty:
            listed.warm()
