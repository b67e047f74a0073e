"""The Presensi page's widgets (the one Streamlit module of this package; pages/presensi.py
arranges them). Built for a phone at 390 px first: one column, big buttons, one tap to mark.

Every mark goes through `checkin.mark`, which checks the account's permission and scope
whatever the browser sent. Session-state keys: `presensi_sesi` (the chosen session),
`presensi_cari` (search text), `presensi_kamera` / `presensi_unggah` / `presensi_kode` (a card
photographed, uploaded or typed), `presensi_luar_nik` / `presensi_luar_alasan` (a member of
another kecamatan), `_presensi_pesan` (the last outcome), `_presensi_foto` (photos read
already), `_presensi_tertunda` (a card of another kecamatan waiting for its reason).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from kesiapan.access import privacy
from kesiapan.attendance import cards, checkin
from kesiapan.contract import labels
from kesiapan.store import journal
from kesiapan.ui import shared as ui

MESSAGE_KEY = "_presensi_pesan"
PHOTOS_KEY = "_presensi_foto"
PENDING_KEY = "_presensi_tertunda"
QUICK_LIST = 8  # expected members shown before anything is typed
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@st.cache_resource(show_spinner=False, max_entries=4)
def _journal(root: str, url: str | None) -> journal.Journal:
    """The process's writable journal of a data folder (one connection, shared by sessions)."""
    opened = journal.open_journal(Path(root), url=url or "")
    assert opened is not None
    return opened


def writable_journal() -> journal.Journal:
    return _journal(str(ui.data_folder()), journal.configured_url())


def session_label(session: checkin.Session) -> str:
    """'Jumat, 26 Januari 2024 · BT-352702-03 · Balai Desa Patapan': the code before the venue,
    so that a phone's narrow box still shows which session it is."""
    day = HARI[session.tanggal.weekday()]
    place = f" · {session.tempat}" if session.tempat else ""
    return f"{day}, {labels.tanggal(session.tanggal)} · {session.kode_sesi}{place}"


def choose_session(found: list[checkin.Session], today: date) -> checkin.Session:
    by_code = {s.kode_sesi: s for s in found}
    codes = list(by_code)
    code = st.selectbox(
        "Sesi Bimtek",
        codes,
        index=checkin.default_session(found, today),
        format_func=lambda c: session_label(by_code[c]),
        key="presensi_sesi",
    )
    session = by_code[code]
    if session.tanggal != today:
        st.info(
            f"Sesi ini dijadwalkan {labels.tanggal(session.tanggal)}, bukan hari ini. Tanda "
            "hadir tetap dicatat dengan waktu sekarang.",
            icon=":material/event:",
        )
    return session


def show_count(frame: pd.DataFrame, session: checkin.Session) -> None:
    present = checkin.present_count(frame)
    expected = int((~frame["luar_kecamatan"]).sum())
    whole, noun = (
        (session.kapasitas, "kursi") if session.kapasitas else (expected, "KPPS diharapkan")
    )
    st.metric(
        "Hadir di sesi ini",
        labels.angka(present),
        delta=f"dari {labels.angka(whole)} {noun}",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    st.progress(min(present / whole, 1.0) if whole else 0.0)
    outside = int((frame["luar_kecamatan"] & (frame["status"] != checkin.BELUM)).sum())
    if outside:
        st.caption(
            f"Termasuk {labels.angka(outside)} peserta di luar daftar KPPS Kecamatan "
            f"{session.kecamatan} (lihat tab Sudah hadir)."
        )


def show_message() -> None:
    message = st.session_state.get(MESSAGE_KEY)
    if not message:
        return
    kind, text = message
    if kind == "ok":
        st.success(text, icon=":material/check_circle:")
    elif kind == "batal":
        st.warning(text, icon=":material/undo:")
    else:
        st.error(text, icon=":material/error:")


def _who(row: pd.Series | dict[str, object], tampil: privacy.Tampil) -> str:
    """'Siti Aminah · Ketua · TPS 005 · Kodak' (names masked for roles without `nama`)."""
    if row.get("luar_kecamatan"):
        return f"Di luar daftar kecamatan ini · NIK {_nik(row['nik'], tampil)}"
    name = str(row["nama"]) if tampil.nama else privacy.mask_name(row["nama"])
    role = "Ketua" if row["jabatan"] == "ketua" else "Anggota"
    return f"{name} · {role} · TPS {int(row['nomor_tps']):03d} · {row['desa']}"


def _nik(nik: str, tampil: privacy.Tampil) -> str:
    return nik if tampil.pribadi else privacy.mask_nik(nik)


def _state_words(row: pd.Series) -> str:
    if row["status"] == checkin.HADIR_LANGSUNG:
        return f"Hadir · pukul {checkin.local_time(row['waktu'])} oleh {row['oleh']}"
    if row["status"] == checkin.HADIR_KERTAS:
        return "Hadir (daftar hadir kertas)"
    return "Belum Bimtek" if pd.isna(row.get("tanggal_bimtek")) else "Sudah Bimtek di sesi lain"


def _do(view: ui.Page, session: checkin.Session, nik: str, aksi: str, **extra: object) -> None:
    """Mark or undo (a button's callback: runs before the page is drawn again)."""
    try:
        result = checkin.mark(
            view.data,
            writable_journal(),
            view.viewer.pengguna,
            session.kode_sesi,
            nik,
            aksi=aksi,
            permintaan=str(uuid.uuid4()),
            **extra,  # type: ignore[arg-type]
        )
    except (checkin.Refused, journal.JournalError) as exc:
        st.session_state[MESSAGE_KEY] = ("galat", str(exc))
        return
    who = _display_name(view, nik)
    if aksi == journal.HADIR:
        text = f"{who} dicatat hadir." if result.baru else f"{who} sudah tercatat hadir."
        st.session_state[MESSAGE_KEY] = ("ok", text)
    else:
        text = f"Tanda hadir {who} dibatalkan." if result.baru else f"{who} belum ditandai."
        st.session_state[MESSAGE_KEY] = ("batal", text)
    # On a phone the button may be far below the message at the top: say it where they look.
    st.toast(text, icon=":material/check_circle:" if aksi == journal.HADIR else ":material/undo:")


def _display_name(view: ui.Page, nik: str) -> str:
    roster = st.session_state.get("_presensi_nama", {})
    name = roster.get(nik)
    if name and view.tampil.nama:
        return str(name)
    if name:
        return privacy.mask_name(name)
    return f"NIK {_nik(nik, view.tampil)}"


def member_rows(view: ui.Page, session: checkin.Session, rows: pd.DataFrame, key: str) -> None:
    """One line per member with the one-tap button: Hadir, or Batalkan for a live mark."""
    for row in rows.to_dict("records"):
        with st.container(border=True):
            left, right = st.columns([3, 1], vertical_alignment="center")
            left.markdown(f"**{labels.polos(_who(pd.Series(row), view.tampil))}**")
            left.caption(_state_words(pd.Series(row)))
            nik = str(row["nik"])
            if row["status"] == checkin.HADIR_LANGSUNG:
                right.button(
                    "Batalkan",
                    key=f"{key}_batal_{nik}",
                    icon=":material/undo:",
                    on_click=_do,
                    args=(view, session, nik, journal.BATAL),
                    width="stretch",
                )
            elif row["status"] == checkin.BELUM:
                right.button(
                    "Hadir",
                    key=f"{key}_hadir_{nik}",
                    type="primary",
                    icon=":material/how_to_reg:",
                    on_click=_do,
                    args=(view, session, nik, journal.HADIR),
                    width="stretch",
                )
            else:
                right.caption("Sudah hadir")


def search_tab(view: ui.Page, session: checkin.Session, frame: pd.DataFrame) -> None:
    label = (
        "Cari nama, nomor TPS atau 4 angka terakhir NIK"
        if view.tampil.nama
        else "Cari nomor TPS atau 4 angka terakhir NIK"
    )
    text = st.text_input(label, key="presensi_cari", placeholder="mis. Siti, 5 atau 0012")
    own = frame[~frame["luar_kecamatan"]]
    if not view.tampil.nama:
        own = own.assign(nama=None)  # a masked name is never searched
    if text.strip():
        found = checkin.search(own, text)
        if found.empty:
            ui.empty(f"Tidak ada KPPS {session.kecamatan} yang cocok dengan “{text.strip()}”.")
            return
        if len(found) == checkin.MAX_FOUND:
            st.caption(f"{checkin.MAX_FOUND} pertama; ketik lebih lengkap untuk mempersempit.")
        member_rows(view, session, found, "cari")
        return
    waiting = own[own["status"] == checkin.BELUM]
    if waiting.empty:
        st.success("Semua KPPS yang diharapkan sudah hadir.", icon=":material/done_all:")
        return
    st.caption(
        f"{labels.angka(len(waiting))} KPPS {session.kecamatan} belum hadir; yang belum Bimtek "
        "di atas. Ketik untuk mencari."
    )
    member_rows(view, session, waiting.head(QUICK_LIST), "daftar")


def _card_seen(data: bytes) -> bool:
    digest = hashlib.sha256(data).hexdigest()
    seen = st.session_state.setdefault(PHOTOS_KEY, [])
    if digest in seen:
        return True
    seen.append(digest)
    return False


def scan_tab(view: ui.Page, session: checkin.Session) -> None:
    st.caption(
        "Foto kode QR di kartu peserta: peserta langsung dicatat hadir. Bila kamera tidak "
        "dapat dipakai, unggah fotonya atau ketik kode di bawah kode QR."
    )
    photo = st.camera_input("Kamera", key="presensi_kamera", label_visibility="collapsed")
    upload = st.file_uploader(
        "Atau unggah foto kartu", type=["png", "jpg", "jpeg"], key="presensi_unggah"
    )
    code = st.text_input("Atau ketik kode kartu", key="presensi_kode", placeholder="KPPS-…")
    for image in (photo, upload):
        if image is None:
            continue
        data = image.getvalue()
        if _card_seen(data):
            continue
        texts = cards.decode(data)
        if not texts:
            st.session_state[MESSAGE_KEY] = (
                "galat",
                "Kode QR tidak terbaca di foto itu: dekatkan kartu, pastikan terang, lalu foto "
                "lagi (atau ketik kodenya).",
            )
            continue
        _from_card(view, session, texts[0])
    if code.strip() and st.button("Catat hadir dari kode", key="presensi_kode_catat"):
        _from_card(view, session, code)
    pending = st.session_state.get(PENDING_KEY)
    if pending and pending[0] == session.kode_sesi:
        outside_form(view, session, pending[1])


def _from_card(view: ui.Page, session: checkin.Session, code: str) -> None:
    nik = checkin.card_member(writable_journal(), code)
    if nik is None:
        st.session_state[MESSAGE_KEY] = ("galat", "Kode kartu tidak dikenal.")
        return
    areas = view.data.nik_areas([nik])
    if not areas.empty and session.kode_kecamatan not in set(areas["kode_kecamatan"]):
        st.session_state[PENDING_KEY] = (session.kode_sesi, nik)
        st.session_state[MESSAGE_KEY] = (
            "galat",
            f"Kartu ini milik KPPS Kecamatan {areas['kecamatan'].iloc[0]}: tulis alasannya "
            "di bawah untuk mencatat kehadirannya di sesi ini.",
        )
        return
    _do(view, session, nik, journal.HADIR, cara="kartu")


def outside_form(view: ui.Page, session: checkin.Session, nik: str | None = None) -> None:
    """A member of another kecamatan: the full NIK (or a card) and a reason; flagged."""
    with st.form(f"presensi_luar_{'kartu' if nik else 'nik'}", border=True):
        if nik is None:
            typed = st.text_input("NIK (16 angka)", key="presensi_luar_nik", max_chars=16)
        else:
            st.markdown(f"Kartu: NIK {_nik(nik, view.tampil)}")
            typed = nik
        reason = st.text_input(
            "Alasan hadir di sesi kecamatan ini",
            key="presensi_luar_alasan" if nik is None else "presensi_luar_alasan_kartu",
            placeholder="mis. sesi kecamatannya penuh",
            max_chars=journal.MAX_TEXT,
        )
        sent = st.form_submit_button("Catat hadir (ditandai)", type="primary")
    if sent:
        _do(view, session, typed, journal.HADIR, alasan=reason, cara="kartu" if nik else "kode")
        if st.session_state.get(MESSAGE_KEY, ("",))[0] == "ok":
            st.session_state.pop(PENDING_KEY, None)
        st.rerun()


def present_tab(view: ui.Page, session: checkin.Session, frame: pd.DataFrame) -> None:
    present = frame[frame["status"] != checkin.BELUM]
    if present.empty:
        ui.empty(f"Belum ada yang hadir di sesi {session.kode_sesi}.")
        return
    live = present[present["status"] == checkin.HADIR_LANGSUNG].sort_values(
        "waktu", ascending=False
    )
    if not live.empty:
        st.caption("Terakhir ditandai (terbaru di atas)")
        member_rows(view, session, live.head(QUICK_LIST), "hadir")
    shown = present.assign(
        peserta=[_who(r, view.tampil) for _, r in present.iterrows()],
        keterangan=[
            _state_words(r) + (f" · alasan: {r['alasan']}" if r["alasan"] else "")
            for _, r in present.iterrows()
        ],
    )
    st.dataframe(
        shown[["peserta", "keterangan"]].rename(
            columns={"peserta": "Peserta", "keterangan": "Keterangan"}
        ),
        hide_index=True,
        width="stretch",
        key="presensi_daftar_hadir",
    )


def cards_box(view: ui.Page, session: checkin.Session, roster: pd.DataFrame) -> None:
    """Printable A4 sheets of cards per desa, and one person's card."""
    if not view.tampil.nama:
        st.caption("Kartu peserta memuat nama: hanya untuk akun yang boleh melihat nama.")
        return
    desa = sorted(roster["desa"].dropna().unique())
    if not desa:
        return
    chosen = st.selectbox("Desa/kelurahan", desa, key="presensi_kartu_desa")
    members = roster[roster["desa"] == chosen].sort_values(["kode_tps", "jabatan", "nama"])
    if st.button("Siapkan kartu desa ini (PDF A4)", key="presensi_kartu_buat"):
        tokens = writable_journal().card_tokens(members["nik"])
        sheet = cards.cards_for(members.to_dict("records"), tokens, session.kecamatan)
        st.session_state["_presensi_kartu_pdf"] = (
            chosen,
            cards.sheet_pdf(sheet, f"Kartu peserta Bimtek KPPS · Desa/Kel. {chosen}"),
        )
    ready = st.session_state.get("_presensi_kartu_pdf")
    if ready and ready[0] == chosen:
        st.download_button(
            f"Unduh kartu {chosen} ({labels.angka(len(members))} kartu)",
            ready[1],
            file_name=f"kartu-peserta-{chosen}.pdf".replace(" ", "-").lower(),
            mime="application/pdf",
            key="presensi_kartu_unduh",
            icon=":material/download:",
        )
    # Each label worked out once per run, from plain dicts: looking every option up in `members`
    # cost ±3 ms an option (0,1-0,2 s a run for a desa of 77), a Series per row still a fifth of a
    # run, paid on every tap of every phone at the venue.
    who: dict[str, str] = {}
    for row in members.to_dict("records"):
        who.setdefault(str(row["nik"]), _who(row, view.tampil))
    one = st.selectbox(
        "Kartu satu orang",
        list(members["nik"]),
        format_func=lambda n: who[str(n)],
        key="presensi_kartu_satu",
    )
    if one and st.button("Siapkan kartu ini (PNG)", key="presensi_kartu_satu_buat"):
        token = writable_journal().card_token(one)
        row = members[members["nik"] == one].to_dict("records")
        (card,) = cards.cards_for(row, {one: token}, session.kecamatan)
        st.session_state["_presensi_kartu_png"] = (one, cards.card_png(card))
    single = st.session_state.get("_presensi_kartu_png")
    if single and single[0] == one:
        st.image(single[1], width="stretch")
        st.download_button(
            "Unduh kartu (PNG)",
            single[1],
            file_name="kartu-peserta.png",
            mime="image/png",
            key="presensi_kartu_satu_unduh",
            icon=":material/download:",
        )
