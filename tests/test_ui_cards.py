"""Issue 15: a ranked table as a phone shows it, a short list of cards (name, "x dari y",
status chip in the legend's colour), worked out by hand from small frames."""

from __future__ import annotations

import pandas as pd

from kesiapan.contract import theme
from kesiapan.ui import shared as ui


def test_area_cards_carry_the_schedule_chip_the_share_and_the_ready_tps() -> None:
    judged = pd.DataFrame(
        {
            "kode_kecamatan": ["35.27.09", "35.27.02"],
            "kecamatan": ["Banyuates", "Torjun"],
            "kpps_aktif": [1692, 0],
            "kpps_terlatih": [1255, 0],
            "tps": [242, 3],
            "tps_siap": [37, 0],
            "kursi_kosong": [2, 0],
            "status_jadwal": ["jadwal tidak cukup", "belum dijadwalkan"],
        }
    )
    first, second = ui.summary_cards(judged, "kecamatan")
    assert first == ui.Card(
        "Banyuates",
        "1.255 dari 1.692 KPPS terlatih (74,2%)",
        "Jadwal tidak cukup",
        theme.RED,
        "37 dari 242 TPS siap · 2 kursi kosong",
    )
    assert second == ui.Card(
        "Torjun", "Belum ada KPPS aktif", "Belum dijadwalkan", theme.GREY, "0 dari 3 TPS siap"
    )


def test_tps_of_a_desa_as_cards_say_the_seats_filled_and_a_missing_ketua() -> None:
    tps = pd.DataFrame(
        {
            "kode_tps": ["3527022007002", "3527022007001"],
            "kode_desa": ["35.27.02.2007"] * 2,
            "kode_kecamatan": ["35.27.02"] * 2,
            "desa": ["Dulang"] * 2,
            "kecamatan": ["Torjun"] * 2,
            "nomor_tps": [2, 1],
            "kebutuhan_kpps": [7, 7],
            "kpps_aktif": [5, 7],
            "kpps_terlatih": [5, 6],
            "kursi_kosong": [2, 0],
            "ada_ketua": [False, True],
            "status": ["kurang_petugas", "belum_bimtek"],
        }
    )
    # The TPS breakdown of a desa (the Ringkasan ranking at desa level): worst first.
    tps_rows = ui.summary_cards(ui.tps_summary(tps), "tps_nama")
    assert [(c.title, c.status, c.color) for c in tps_rows] == [
        ("TPS 002", "Kurang petugas", theme.RED),
        ("TPS 001", "Belum Bimtek", theme.AMBER),
    ]
    assert tps_rows[0].figure == "5 dari 5 KPPS terlatih (100,0%)"
    assert tps_rows[0].detail == "5 dari 7 kursi terisi · tanpa ketua"
    assert tps_rows[1].detail == "7 dari 7 kursi terisi"
    # The same rows as the TPS lists of Kekurangan Petugas and Cakupan Bimtek show them.
    gap, short = ui.tps_cards(tps)
    assert gap == ui.Card(
        "TPS 002 · Dulang, Torjun",
        "5 dari 7 kursi terisi",
        "Kurang petugas",
        theme.RED,
        "5 dari 5 sudah Bimtek · tanpa ketua",
    )
    assert (short.figure, short.detail, short.color) == (
        "7 dari 7 kursi terisi",
        "6 dari 7 sudah Bimtek",
        theme.AMBER,
    )


def test_untrained_cards_name_the_planned_session_or_the_missing_seat() -> None:
    untrained = pd.DataFrame(
        {
            "kecamatan": ["Torjun", "Torjun"],
            "desa": ["Kara", "Dulang"],
            "nomor_tps": [9, 12],
            "nama": ["Abdul Wahid", "S••• A•••"],
            "jabatan": ["ketua", "anggota"],
            "kali_absen": [2, 0],
            "sesi_rencana": ["BT-352702-07", "Belum ada kursi"],
            "tanggal_sesi_rencana": pd.to_datetime(["2024-01-30", None]),
        }
    )
    planned, unplaced = ui.untrained_cards(untrained)
    assert planned == ui.Card(
        "Abdul Wahid",
        "TPS 009 · Kara, Torjun",
        "Sesi 30 Jan",
        theme.AMBER,
        "Ketua · absen 2 kali · sesi BT-352702-07",
    )
    assert unplaced == ui.Card(
        "S••• A•••", "TPS 012 · Dulang, Torjun", "Belum ada kursi", theme.RED, "Anggota"
    )


def test_visit_cards_take_the_days_since_colours() -> None:
    per_kecamatan = pd.DataFrame(
        {
            "kecamatan": ["Sampang", "Torjun", "Sreseh", "Omben"],
            "kunjungan": [0, 1, 3, 2],
            "sesi": [1, 1, 2, 4],
            "sesi_disupervisi": [0, 0, 2, 1],
            "desa": [18, 12, 12, 20],
            "desa_dikunjungi": [0, 1, 0, 1],
            "hari_sejak_kunjungan": pd.array([None, 8, 0, 5], dtype="Int64"),
        }
    )
    never, late, today, mid = ui.visit_cards(per_kecamatan)
    assert never == ui.Card(
        "Sampang",
        "0 dari 1 sesi disupervisi",
        "Belum pernah dikunjungi",
        theme.GREY,
        "0 kunjungan · 0 dari 18 desa dikunjungi",
    )
    assert (late.status, late.color) == ("8 hari lalu", theme.RED)
    assert (today.status, today.color) == ("Dikunjungi hari ini", theme.GREEN)
    assert (mid.status, mid.color) == ("5 hari lalu", theme.AMBER)


def test_check_results_as_cards_put_the_message_first_and_say_where() -> None:
    problems = pd.DataFrame(
        {
            "tingkat": ["Galat", "Peringatan"],
            "berkas": ["kpps.csv", "bimtek_hadir.csv"],
            "baris": pd.array([7734, None], dtype="Int64"),
            "kolom": ["Tanggal lahir", None],
            "nilai": ["••••••••••", None],
            "pesan": ["Umur di atas 55 tahun", "Sebagian besar NIK tidak ada di daftar KPPS"],
        }
    )
    error, warning = ui.problem_cards(problems)
    assert error == ui.Card(
        "Umur di atas 55 tahun",
        "kpps.csv, baris 7.734, kolom Tanggal lahir",
        "Galat",
        theme.RED,
        "tertulis ••••••••••",
    )
    assert warning == ui.Card(
        "Sebagian besar NIK tidak ada di daftar KPPS",
        "bimtek_hadir.csv",
        "Peringatan",
        theme.AMBER,
        "",
    )


def test_card_markup_escapes_names_reads_dark_on_amber_and_points_to_the_rest() -> None:
    cards = [
        ui.Card("<b>Kara</b> & Co", "1 dari 2", "Belum Bimtek", theme.AMBER),
        ui.Card("Dulang", "2 dari 2", "Siap", theme.GREEN, "catatan"),
    ]
    markup = ui._cards_html(cards, total=14, can_download=True)
    assert "&lt;b&gt;Kara&lt;/b&gt; &amp; Co" in markup and "<b>Kara" not in markup
    assert f"background-color:{theme.AMBER};color:#262730" in markup
    assert f"background-color:{theme.GREEN};color:#ffffff" in markup
    assert markup.count('<div class="kk">') == 2
    assert markup.count('class="kk-ket"') == 1
    assert "2 teratas dari 14; daftar lengkap ada di unduhan Excel/CSV di bawah" in markup
    # A viewer without downloads is not sent to them; a whole list has no such line.
    assert "unduhan" not in ui._cards_html(cards, total=14, can_download=False)
    assert "teratas" not in ui._cards_html(cards, total=2, can_download=True)
