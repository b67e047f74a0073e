from datetime import date

from kesiapan.contract import labels


def test_numbers_and_percentages_in_indonesian_form() -> None:
    assert labels.angka(19082) == "19.082"
    assert labels.angka(5741127) == "5.741.127"
    assert labels.angka(0) == "0"
    assert labels.angka(None) == "–"
    assert labels.persen(0.875) == "87,5%"
    assert labels.persen(1.0) == "100,0%"
    assert labels.persen(0.98174, decimals=2) == "98,17%"
    assert labels.persen(float("nan")) == "–"
    assert labels.dari(18734, 19082, "KPPS terlatih") == "18.734 dari 19.082 KPPS terlatih"


def test_dates_and_countdown() -> None:
    assert labels.tanggal(date(2024, 1, 28)) == "28 Januari 2024"
    assert labels.tanggal(date(2024, 2, 14)) == "14 Februari 2024"
    assert labels.hitung_mundur(date(2024, 1, 28), date(2024, 2, 14)) == "H-17"
    assert labels.hitung_mundur(date(2024, 2, 14), date(2024, 2, 14)) == "Hari H"
    assert labels.hitung_mundur(date(2024, 2, 16), date(2024, 2, 14)) == "H+2"
    assert labels.hitung_mundur(date(2024, 2, 16), None) is None


def test_date_ranges() -> None:
    assert labels.rentang(date(2024, 1, 25), date(2024, 1, 29)) == "25–29 Januari 2024"
    assert labels.rentang(date(2024, 1, 30), date(2024, 2, 2)) == "30 Januari – 2 Februari 2024"
    assert labels.rentang(date(2023, 12, 30), date(2024, 1, 2)) == (
        "30 Desember 2023 – 2 Januari 2024"
    )
    assert labels.rentang(None, date(2024, 1, 2)) == "–"


def test_sentence_case_keeps_acronyms() -> None:
    assert labels.kalimat("sesi Bimtek") == "Sesi Bimtek"
    assert labels.kalimat("TPS") == "TPS"
    assert labels.kalimat("") == ""
