"""Action packs: for each kecamatan of the filtered area, one workbook of what its PPK must do.

Sheets, each with the kecamatan's filter lines above a frozen header:
- Ringkasan: every item with its count and denominator, and the next Bimtek session;
- TPS belum siap: every TPS that is not `siap`, with what it is missing;
- KPPS belum Bimtek: the untrained members with their TPS and the next session of the kecamatan;
- PAW belum Bimtek: replacements appointed but not yet trained;
- Desa belum dikunjungi, Sesi belum disupervisi: where supervision has not been.

The queries run once for the whole area and are split per kecamatan, so a kabupaten of 14
kecamatan costs six queries, not eighty-four.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kesiapan import exports, labels, private, theme

SHEET_SUMMARY = "Ringkasan"
SHEET_TPS = "TPS belum siap"
SHEET_UNTRAINED = "KPPS belum Bimtek"
SHEET_PAW = "PAW belum Bimtek"
SHEET_DESA = "Desa belum dikunjungi"
SHEET_SESSIONS = "Sesi belum disupervisi"
SHEETS = (SHEET_SUMMARY, SHEET_TPS, SHEET_UNTRAINED, SHEET_PAW, SHEET_DESA, SHEET_SESSIONS)
NOT_SCHEDULED = "Belum dijadwalkan"

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
    "sesi_berikutnya",
    "tanggal_sesi_berikutnya",
    "tempat_sesi_berikutnya",
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
    "sesi_berikutnya",
    "tanggal_sesi_berikutnya",
    "tempat_sesi_berikutnya",
]
# Unvisited desa with their readiness, lowest coverage first: where a visit matters most.
DESA_COLUMNS = ["kode_desa", "tps", "tps_siap", "kpps_aktif", "kpps_terlatih", "cakupan_bimtek"]
SESSION_COLUMNS = ["tanggal", "kode_sesi", "tempat"]
SUMMARY_COLUMNS = ["butir", "jumlah", "dari", "satuan", "lembar"]


@dataclass(frozen=True, eq=False)
class KecamatanActions:
    """What one PPK must act on, as of the scope's date."""

    kode: str
    nama: str
    scope: exports.Scope
    summary: pd.Series  # its row of ringkasan_kecamatan
    next_session: pd.Series | None  # its row of sesi_berikutnya
    replacements: int  # replacements paired with a stop, trained or not
    tps: pd.DataFrame
    untrained: pd.DataFrame
    paw: pd.DataFrame
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


def _with_next_session(frame: pd.DataFrame, upcoming: pd.DataFrame) -> pd.DataFrame:
    sessions = upcoming[["kode_kecamatan", "kode_sesi", "tanggal", "tempat"]].rename(
        columns={
            "kode_sesi": "sesi_berikutnya",
            "tanggal": "tanggal_sesi_berikutnya",
            "tempat": "tempat_sesi_berikutnya",
        }
    )
    out = frame.merge(sessions, on="kode_kecamatan", how="left")
    out["sesi_berikutnya"] = out["sesi_berikutnya"].astype(object).fillna(NOT_SCHEDULED)
    return out


def collect(dataset: object, scope: exports.Scope) -> list[KecamatanActions]:
    """The action lists of every kecamatan in scope, in code order."""
    args = scope.args()
    query = dataset.query  # type: ignore[attr-defined]
    summary = query("ringkasan_kecamatan", **args)
    upcoming = query("sesi_berikutnya", **args)

    tps = query("tps_status", **args)
    tps = tps[tps["status"] != "siap"].copy()
    tps["belum_bimtek"] = tps["kpps_aktif"] - tps["kpps_terlatih"]
    tps["yang_kurang"] = [_missing_text(row) for row in tps.itertuples(index=False)]
    rank = {status: i for i, status in enumerate(theme.STATUS_ORDER)}
    tps = tps.sort_values(["kode_tps"]).sort_values(
        "status", key=lambda s: s.map(rank), kind="stable"
    )

    untrained = _with_next_session(query("kpps_belum_bimtek", **args), upcoming)
    paw_all = query("paw", **args)
    paw = _with_next_session(paw_all[paw_all["status"] == "pengganti_belum_bimtek"], upcoming)
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
                next_session=nxt.iloc[0] if len(nxt) else None,
                replacements=int(
                    (paw_all["kode_kecamatan"].eq(code) & paw_all["nik_pengganti"].notna()).sum()
                ),
                tps=part(tps, code),
                untrained=part(untrained, code),
                paw=part(paw, code),
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


def _summary_frame(actions: KecamatanActions) -> pd.DataFrame:
    s = actions.summary
    no_ketua = int((~actions.tps["ada_ketua"]).sum()) if len(actions.tps) else 0
    rows = [
        ("TPS belum siap", len(actions.tps), s.tps, "TPS", SHEET_TPS),
        ("Kursi KPPS kosong", s.kursi_kosong, s.kebutuhan_kpps, "kursi", SHEET_TPS),
        ("TPS tanpa ketua aktif", no_ketua, s.tps, "TPS", SHEET_TPS),
        ("KPPS belum Bimtek", len(actions.untrained), s.kpps_aktif, "KPPS aktif", SHEET_UNTRAINED),
        ("PAW belum Bimtek", len(actions.paw), actions.replacements, "pengganti", SHEET_PAW),
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
        [*lines, f"Sesi Bimtek berikutnya: {next_session_text(actions)}"],
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
