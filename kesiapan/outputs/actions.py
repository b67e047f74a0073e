"""Action packs: for each kecamatan of the filtered area, one workbook of what its PPK must do.

Sheets, each with the kecamatan's filter lines above a frozen header:
- Ringkasan: the schedule's judgment and capacity plan in one sentence (docs/jadwal.md), every
  item with its count and denominator, and the next Bimtek session;
- TPS belum siap: every TPS that is not `siap`, worst first, with what it is missing;
- KPPS belum Bimtek: the untrained members with their TPS and the session the capacity plan
  gives them (upcoming sessions of the kecamatan, nearest first, never over a session's
  capacity), or "Belum ada kursi";
- PAW belum Bimtek: replacements appointed but not yet trained, with their planned session;
- Rencana sesi: each upcoming session with its seats, the members placed in it and the seats left;
- Desa belum dikunjungi, Sesi belum disupervisi: where supervision has not been.

The queries run once for the whole area and are split per kecamatan, so a kabupaten of 14
kecamatan costs a handful of queries, not one per kecamatan.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from kesiapan.access import private
from kesiapan.contract import columns as catalogue
from kesiapan.contract import labels, theme
from kesiapan.outputs import exports

SHEET_SUMMARY = "Ringkasan"
SHEET_TPS = "TPS belum siap"
SHEET_UNTRAINED = "KPPS belum Bimtek"
SHEET_PAW = "PAW belum Bimtek"
SHEET_PLAN = "Rencana sesi"
SHEET_DESA = "Desa belum dikunjungi"
SHEET_SESSIONS = "Sesi belum disupervisi"
SHEETS = (
    SHEET_SUMMARY,
    SHEET_TPS,
    SHEET_UNTRAINED,
    SHEET_PAW,
    SHEET_PLAN,
    SHEET_DESA,
    SHEET_SESSIONS,
)
NOT_SCHEDULED = "Belum dijadwalkan"
NO_SEAT = "Belum ada kursi"  # an untrained member the capacity plan cannot place

TPS_COLUMNS = [
    "kode_tps",
    "kebutuhan_kpps",
    "kpps_aktif",
    "kursi_kosong",
    "ada_ketua",
    "belum_bimtek",
    "status",
    "yang_kurang",
]
UNTRAINED_COLUMNS = [
    "kode_tps",
    "nama",
    "nik",
    "jabatan",
    "jenis_kelamin",
    "no_hp",
    "kali_absen",
    "sesi_rencana",
    "tanggal_sesi_rencana",
    "tempat_sesi_rencana",
]
PAW_COLUMNS = [
    "kode_tps",
    "nama_pengganti",
    "nik_pengganti",
    "tanggal_sk_pengganti",
    "nama_berhenti",
    "jabatan_berhenti",
    "tanggal_berhenti",
    "alasan_berhenti",
    "sesi_rencana",
    "tanggal_sesi_rencana",
    "tempat_sesi_rencana",
]
PLAN_COLUMNS = ["tanggal", "kode_sesi", "tempat", "kapasitas", "ditempatkan", "kursi_sisa"]
# Unvisited desa with their readiness, lowest coverage first: where a visit matters most.
DESA_COLUMNS = ["kode_desa", "tps", "tps_siap", "kpps_aktif", "kpps_terlatih", "cakupan_bimtek"]
SESSION_COLUMNS = ["tanggal", "kode_sesi", "tempat"]
SUMMARY_COLUMNS = ["butir", "jumlah", "dari", "satuan", "lembar"]
# Each list is its sheet's choice; headers and formats come from the column catalogue
# (exports.export_frame, exports.header), and a column without an entry fails here, at import.
catalogue.listed(
    [
        *TPS_COLUMNS,
        *UNTRAINED_COLUMNS,
        *PAW_COLUMNS,
        *PLAN_COLUMNS,
        *DESA_COLUMNS,
        *SESSION_COLUMNS,
        *SUMMARY_COLUMNS,
    ]
)


@dataclass(frozen=True, eq=False)
class KecamatanActions:
    """What one PPK must act on, as of the scope's date."""

    kode: str
    nama: str
    scope: exports.Scope
    summary: pd.Series  # its row of ringkasan_kecamatan
    schedule: pd.Series  # its row of jadwal_kecamatan
    next_session: pd.Series | None  # its row of sesi_berikutnya
    replacements: int  # replacements paired with a stop, trained or not
    tps: pd.DataFrame
    untrained: pd.DataFrame
    paw: pd.DataFrame
    plan: pd.DataFrame  # its rows of rencana_sesi
    desa: pd.DataFrame
    sessions: pd.DataFrame

    @property
    def file_name(self) -> str:
        return f"aksi_ppk_{self.kode}_{exports.slug(self.nama, '_')}_{self.scope.as_of}.xlsx"

    def counts(self) -> dict[str, int]:
        """Rows per sheet (the summary sheet aside)."""
        return {
            SHEET_TPS: len(self.tps),
            SHEET_UNTRAINED: len(self.untrained),
            SHEET_PAW: len(self.paw),
            SHEET_PLAN: len(self.plan),
            SHEET_DESA: len(self.desa),
            SHEET_SESSIONS: len(self.sessions),
        }


def _missing_text(row: pd.Series) -> str:
    """'2 kursi kosong; belum ada ketua; 3 anggota belum Bimtek'."""
    parts = []
    if row.kursi_kosong > 0:
        parts.append(f"{labels.angka(row.kursi_kosong)} kursi kosong")
    if not row.ada_ketua:
        parts.append("belum ada ketua")
    if row.belum_bimtek > 0:
        parts.append(f"{labels.angka(row.belum_bimtek)} anggota belum Bimtek")
    return "; ".join(parts)


def collect(dataset: object, scope: exports.Scope) -> list[KecamatanActions]:
    """The action lists of every kecamatan in scope, in code order."""
    args = scope.args()
    query = dataset.query  # type: ignore[attr-defined]
    summary = query("ringkasan_kecamatan", **args)
    schedule = query("jadwal_kecamatan", **args)
    upcoming = query("sesi_berikutnya", **args)
    plan = query("rencana_sesi", **args)

    tps = query("tps_status", **args)
    tps = tps[tps["status"] != "siap"].copy()
    tps["belum_bimtek"] = tps["kpps_aktif"] - tps["kpps_terlatih"]
    tps["yang_kurang"] = [_missing_text(row) for row in tps.itertuples(index=False)]
    tps = theme.worst_first_tps(tps)

    # The capacity plan of every untrained member (docs/jadwal.md); a PAW replacement is one.
    untrained = query("rencana_bimtek", **args)
    untrained["sesi_rencana"] = untrained["sesi_rencana"].astype(object).fillna(NO_SEAT)
    paw_all = query("paw", **args)
    placed = untrained[
        ["nik", "kode_tps", "sesi_rencana", "tanggal_sesi_rencana", "tempat_sesi_rencana"]
    ].rename(columns={"nik": "nik_pengganti"})
    paw = paw_all[paw_all["status"] == "pengganti_belum_bimtek"].merge(
        placed, on=["nik_pengganti", "kode_tps"], how="left"
    )
    desa = query("supervisi_desa", **args)
    desa = desa[~desa["dikunjungi"]][["kode_kecamatan", "kode_desa"]].merge(
        query("ringkasan_desa", **args).drop(columns=["kode_kecamatan"]), on="kode_desa"
    )
    desa = desa.sort_values(["cakupan_bimtek", "kode_desa"], na_position="first")
    sessions = query("supervisi_sesi", **args)
    sessions = sessions[~sessions["disupervisi"]]

    def part(frame: pd.DataFrame, code: str) -> pd.DataFrame:
        return frame[frame["kode_kecamatan"] == code].reset_index(drop=True)

    packs = []
    for row in summary.itertuples(index=False):
        code = row.kode_kecamatan
        nxt = upcoming[upcoming["kode_kecamatan"] == code]
        packs.append(
            KecamatanActions(
                kode=code,
                nama=row.kecamatan,
                scope=scope.narrowed_to_kecamatan(code),
                summary=summary[summary["kode_kecamatan"] == code].iloc[0],
                schedule=schedule[schedule["kode_kecamatan"] == code].iloc[0],
                next_session=nxt.iloc[0] if len(nxt) else None,
                replacements=int(
                    (paw_all["kode_kecamatan"].eq(code) & paw_all["nik_pengganti"].notna()).sum()
                ),
                tps=part(tps, code),
                untrained=part(untrained, code),
                paw=part(paw, code),
                plan=part(plan, code),
                desa=part(desa, code),
                sessions=part(sessions, code),
            )
        )
    return packs


def next_session_text(actions: KecamatanActions) -> str:
    """'BT-352709-06, 29 Januari 2024, Aula SMP Negeri 1 Banyuates (5 sesi lagi)'."""
    nxt = actions.next_session
    if nxt is None or not isinstance(nxt["kode_sesi"], str):
        return f"{NOT_SCHEDULED} sesudah {labels.tanggal(actions.scope.as_of)}"
    when = labels.tanggal(pd.Timestamp(nxt["tanggal"]).date())
    place = nxt["tempat"] if isinstance(nxt["tempat"], str) else "tempat belum diisi"
    text = f"{nxt['kode_sesi']}, {when}, {place}"
    if nxt["sesi_mendatang"] > 1:
        text += f" ({labels.angka(nxt['sesi_mendatang'])} sesi terjadwal)"
    return text


def _when(value: object) -> str:
    return labels.tanggal(pd.Timestamp(value).date())


def plan_sentence(schedule: pd.Series, as_of: date, name: str | None = None) -> str:
    """The schedule's judgment and the capacity plan of an area in one sentence, from its row
    of a `jadwal_*` query (docs/jadwal.md): 'Kecamatan Banyuates — jadwal tidak cukup: 1.110
    KPPS belum Bimtek; 5 sesi sesudah 28 Januari 2024 (mulai 29 Januari 2024) menampung 900,
    210 tidak mendapat kursi: perlu 2 sesi tambahan.'"""
    status = str(schedule["status_jadwal"])
    word = theme.SCHEDULE_LABELS.get(status, status)
    head = f"{name} — {word.lower()}" if name else word
    active, trained = int(schedule["kpps_aktif"]), int(schedule["kpps_terlatih"])
    untrained = active - trained
    if active == 0:
        return f"{head}: belum ada KPPS aktif pada {labels.tanggal(as_of)}."
    if untrained <= 0:
        return f"{head}: semua {labels.angka(active)} KPPS aktif sudah Bimtek."
    text = f"{head}: {labels.angka(untrained)} KPPS belum Bimtek"
    if status == "tertinggal dari jadwal":
        text += (
            f" (terlatih {labels.angka(trained)}, sasaran jadwal "
            f"{labels.angka(int(schedule['target_terlatih']))})"
        )
    sessions, seats = int(schedule["sesi_mendatang"]), int(schedule["kursi_mendatang"])
    missing, extra = int(schedule["tanpa_kursi"]), schedule["sesi_tambahan"]
    after = labels.tanggal(as_of)
    if sessions == 0:
        text += f"; tidak ada sesi lagi sesudah {after}"
    else:
        first = _when(schedule["tanggal_sesi_berikutnya"])
        text += (
            f"; {labels.angka(sessions)} sesi sesudah {after} (mulai {first}) menampung "
            f"{labels.angka(seats)}"
        )
        if missing == 0:
            return text + f", semua mendapat kursi (sisa {labels.angka(seats - untrained)})."
        if untrained - seats != missing:
            # Spare seats of one kecamatan never take another's untrained.
            text += " (kursi tidak berpindah antarkecamatan)"
        text += f", {labels.angka(missing)} tidak mendapat kursi"
    if pd.isna(extra):
        return text + ": perlu sesi tambahan (kapasitas sesi belum diisi)."
    return text + f": perlu {labels.angka(int(extra))} sesi tambahan."


def _summary_frame(actions: KecamatanActions) -> pd.DataFrame:
    s, j = actions.summary, actions.schedule
    placed = int(actions.plan["ditempatkan"].sum()) if len(actions.plan) else 0
    no_ketua = int((~actions.tps["ada_ketua"]).sum()) if len(actions.tps) else 0
    rows = [
        ("TPS belum siap", len(actions.tps), s.tps, "TPS", SHEET_TPS),
        ("Kursi KPPS kosong", s.kursi_kosong, s.kebutuhan_kpps, "kursi", SHEET_TPS),
        ("TPS tanpa ketua aktif", no_ketua, s.tps, "TPS", SHEET_TPS),
        ("KPPS belum Bimtek", len(actions.untrained), s.kpps_aktif, "KPPS aktif", SHEET_UNTRAINED),
        ("PAW belum Bimtek", len(actions.paw), actions.replacements, "pengganti", SHEET_PAW),
        ("KPPS belum Bimtek tanpa kursi di sesi mendatang", j.tanpa_kursi,
         len(actions.untrained), "KPPS belum Bimtek", SHEET_PLAN),
        ("Kursi sesi mendatang terisi rencana", placed, j.kursi_mendatang, "kursi", SHEET_PLAN),
        ("Desa/kelurahan belum dikunjungi supervisi", len(actions.desa), s.desa, "desa/kel.",
         SHEET_DESA),
        ("Sesi Bimtek belum disupervisi", len(actions.sessions), s.sesi_bimtek, "sesi",
         SHEET_SESSIONS),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in ("jumlah", "dari"):
        frame[column] = frame[column].astype("int64")
    return frame


def _link_sheets(sheet: object) -> None:
    """The summary's sheet names become links to those sheets."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    column = len(SUMMARY_COLUMNS)
    for (cell,) in sheet.iter_rows(min_col=column, max_col=column):  # type: ignore[attr-defined]
        if cell.value in SHEETS[1:]:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{cell.value}'!A1")
            cell.style = "Hyperlink"


def workbook(actions: KecamatanActions) -> bytes:
    """The PPK's workbook: the summary sheet first, then one sheet per list."""
    scope = actions.scope
    lines = scope.filter_lines()
    masked_lines = [*lines, *([scope.tampil.note] if scope.tampil.note else [])]
    book = exports.new_workbook()
    title = f"Daftar tindakan PPK Kecamatan {actions.nama}"
    summary = exports.add_table_sheet(
        book,
        SHEET_SUMMARY,
        _summary_frame(actions),
        title,
        [
            *lines,
            plan_sentence(actions.schedule, scope.as_of, f"Kecamatan {actions.nama}"),
            f"Sesi Bimtek berikutnya: {next_session_text(actions)}",
        ],
    )
    _link_sheets(summary)
    areas = scope.area_index
    sheets = [
        (SHEET_TPS, actions.tps, TPS_COLUMNS, lines, "Semua TPS sudah siap."),
        (
            SHEET_UNTRAINED,
            actions.untrained,
            UNTRAINED_COLUMNS,
            masked_lines,
            "Semua KPPS aktif sudah mengikuti Bimtek.",
        ),
        (SHEET_PAW, actions.paw, PAW_COLUMNS, masked_lines, "Tidak ada PAW yang menunggu Bimtek."),
        (
            SHEET_PLAN,
            actions.plan,
            PLAN_COLUMNS,
            [*lines, _shortfall_text(actions)],
            f"Tidak ada sesi Bimtek sesudah {labels.tanggal(scope.as_of)}.",
        ),
        (SHEET_DESA, actions.desa, DESA_COLUMNS, lines, "Semua desa/kelurahan sudah dikunjungi."),
        (
            SHEET_SESSIONS,
            actions.sessions,
            SESSION_COLUMNS,
            lines,
            _sessions_empty(actions),
        ),
    ]
    for name, frame, columns, sheet_lines, empty in sheets:
        table = exports.export_frame(frame, columns, areas, top="desa", tampil=scope.tampil)
        count = f"Jumlah baris: {labels.angka(len(table))}"
        exports.add_table_sheet(
            book, name, table, f"{name} — Kecamatan {actions.nama}", [*sheet_lines, count], empty
        )
    return exports.workbook_bytes(book)


def _shortfall_text(actions: KecamatanActions) -> str:
    """Under the plan's sessions: who no seat is left for, and the sessions to add."""
    j = actions.schedule
    missing = int(j.tanpa_kursi)
    if missing == 0:
        return "Semua KPPS belum Bimtek mendapat kursi di sesi mendatang."
    extra = (
        "jumlah sesi tambahan belum dapat dihitung (kapasitas sesi belum diisi)"
        if pd.isna(j.sesi_tambahan)
        else f"perlu {labels.angka(int(j.sesi_tambahan))} sesi tambahan"
    )
    return (
        f"Tidak mendapat kursi: {labels.angka(missing)} KPPS (tertulis '{NO_SEAT}' di lembar "
        f"{SHEET_UNTRAINED}); {extra}."
    )


def _sessions_empty(actions: KecamatanActions) -> str:
    """True at every date: before the first session there is nothing to have supervised."""
    if int(actions.summary.sesi_bimtek) == 0:
        until = labels.tanggal(actions.scope.as_of)
        return f"Belum ada sesi Bimtek yang berlangsung sampai {until}."
    return "Semua sesi yang sudah berlangsung telah disupervisi."


def zip_name(scope: exports.Scope) -> str:
    return f"{scope.file_stem('paket aksi ppk')}.zip"


def zip_bytes(packs: list[KecamatanActions]) -> bytes:
    """Every kecamatan's workbook in one zip (xlsx is compressed already: stored as is)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for actions in packs:
            archive.writestr(actions.file_name, workbook(actions))
    return buffer.getvalue()


def write(packs: list[KecamatanActions], out: Path) -> list[Path]:
    """The workbooks into folder `out`, or one zip when `out` ends in .zip."""
    # They list people by name: owner-only files, and folders made here 0700 (issue 12).
    if out.suffix.lower() == ".zip":
        private.make_dir(out.parent, close_existing=False)
        private.write_bytes(out, zip_bytes(packs))
        return [out]
    private.make_dir(out, close_existing=False)
    paths = []
    for actions in packs:
        path = out / actions.file_name
        private.write_bytes(path, workbook(actions))
        paths.append(path)
    return paths
