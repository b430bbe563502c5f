"""Vietnamese text helpers (pure core): NFC, collation, official date lines."""

import datetime as dt
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from giaithuong.common.text import collation_key, date_line, nfc, pad_month, short_date


def test_date_line_pads_days_and_only_the_first_two_months():
    assert date_line("Hà Nội", dt.date(2026, 6, 2)) == "Hà Nội, ngày 02 tháng 6 năm 2026"
    assert date_line("Nam Đồng", dt.date(2026, 6, 18)) == "Nam Đồng, ngày 18 tháng 6 năm 2026"
    assert date_line("Hà Nội", dt.date(2025, 1, 24)) == "Hà Nội, ngày 24 tháng 01 năm 2025"
    assert date_line("Hải Phòng", dt.date(2026, 12, 5)) == "Hải Phòng, ngày 05 tháng 12 năm 2026"


def test_draft_date_line_leaves_the_day_blank():
    line = date_line("Hà Nội", None, month=6, year=2026)
    assert line.startswith("Hà Nội, ngày ") and line.endswith("tháng 6 năm 2026")
    assert not any(ch.isdigit() for ch in line.split("tháng")[0])


def test_short_dates_in_the_body():
    assert short_date(dt.date(2026, 6, 2)) == "02/6/2026"
    assert short_date(dt.date(2025, 1, 24)) == "24/01/2025"


@given(st.dates(min_value=dt.date(1945, 9, 2), max_value=dt.date(2200, 12, 31)))
def test_date_line_round_trips(date):
    line = date_line("Hà Nội", date)
    numbers = [int(part) for part in line.replace(",", " ").split() if part.isdigit()]
    assert numbers == [date.day, date.month, date.year]
    assert len(line.split("ngày ")[1].split()[0]) == 2
    assert pad_month(date.month) == (f"{date.month:02d}" if date.month <= 2 else str(date.month))


def test_collation_follows_the_vietnamese_alphabet():
    names = ["Đoàn", "Dương", "Ánh", "An", "Ân", "Ăn", "Bình", "Ơn", "Ôn", "On", "Ưng", "Uyên"]
    assert sorted(names, key=collation_key) == [
        "An", "Ánh", "Ăn", "Ân", "Bình", "Dương", "Đoàn", "On", "Ôn", "Ơn", "Uyên", "Ưng"]


def test_tones_order_after_letters():
    assert sorted(["má", "mà", "ma", "mạ", "mả", "mã"], key=collation_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ"]


@given(st.text())
def test_nfc_is_idempotent_and_collation_ignores_normal_form(text):
    assert unicodedata.is_normalized("NFC", nfc(text))
    assert collation_key(unicodedata.normalize("NFD", text)) == collation_key(nfc(text))
