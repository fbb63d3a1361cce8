"""Amounts in won and dollars: what founders type, how it is stored, compared and shown."""

from __future__ import annotations

import pytest

from matchmaker import money
from matchmaker.money import AmountError, format_for_viewer, format_money, parse_money


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("₩2,000,000,000", (2_000_000_000, "KRW")),
        ("20억", (2_000_000_000, "KRW")),
        ("20억원", (2_000_000_000, "KRW")),
        ("20억 원", (2_000_000_000, "KRW")),
        ("1.5억", (150_000_000, "KRW")),
        ("5,000만", (50_000_000, "KRW")),
        ("1억 5,000만", (150_000_000, "KRW")),
        ("3억5천만", (350_000_000, "KRW")),
        ("2,000,000,000원", (2_000_000_000, "KRW")),
        ("KRW 300,000,000", (300_000_000, "KRW")),
        ("￦20억", (2_000_000_000, "KRW")),  # the full-width won sign of a Korean keyboard
        ("２０억", (2_000_000_000, "KRW")),
        ("$1.5M", (1_500_000, "USD")),
        ("US$ 250k", (250_000, "USD")),
        ("USD 3 million", (3_000_000, "USD")),
        ("300만 달러", (3_000_000, "USD")),
    ],
)
def test_amounts_as_people_type_them(typed, expected):
    assert parse_money(typed, "USD") == expected
    assert parse_money(typed, "KRW") == expected  # a currency mark wins over the default


def test_an_unmarked_amount_takes_the_chosen_currency():
    assert parse_money("1500000", "KRW") == (1_500_000, "KRW")
    assert parse_money("1.5M", "USD") == (1_500_000, "USD")
    assert parse_money("", "USD") is None and parse_money("  ", "KRW") is None


@pytest.mark.parametrize(
    "typed",
    ["lots", "-5", "9" * 400, "1e9", "억", "$", "1..5M", "5 apples", "inf", "nan", "²", "１e9", "99999조"],
)
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(AmountError):
        parse_money(typed, "USD")


def test_korean_readers_see_won_in_korean_units_and_english_readers_dollars():
    assert format_money(2_000_000_000, "KRW", "ko") == "20억 원"
    assert format_money(150_000_000, "KRW", "ko") == "1억 5,000만 원"
    assert format_money(1_500_000, "USD", "en") == "$1.5M"
    assert format_money(1_500_000, "USD", "ko") == "150만 달러"
    assert format_for_viewer(2_000_000_000, "KRW", "ko", 1400) == "20억 원"
    assert format_for_viewer(2_000_000_000, "KRW", "en", 1400) == "≈ $1.4M (₩2B)"
    assert format_for_viewer(1_500_000, "USD", "ko", 1400) == "약 21억 원 (150만 달러)"
    assert format_for_viewer(None, "KRW", "ko", 1400) == "—"


def test_conversion_uses_the_configured_rate():
    assert money.to_usd(2_800_000_000, "KRW", 1400) == 2_000_000
    assert money.to_usd(2_800_000_000, "KRW", 1000) == 2_800_000
    assert money.to_usd(500_000, "USD", 1400) == 500_000
    assert money.to_usd(None, "KRW", 1400) is None
