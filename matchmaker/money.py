"""Amounts of money in won and dollars: reading what people type, converting, and showing them.

Founders in Gwangju raise in won and write amounts the Korean way ("20억원", "1억 5,000만"); global
investors think in dollars ("$1.5M"). Amounts are stored in the currency they were given in, and
compared in dollars at a configured rate, so a change of rate changes every comparison at once.
Parsing, converting and formatting are pure; `krw_per_usd` and `default_currency` read the settings.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask import current_app

from matchmaker.models.organisations import Currency

KRW = Currency.KRW.value
USD = Currency.USD.value
CURRENCIES: tuple[str, ...] = tuple(c.value for c in Currency)
DEFAULT_KRW_PER_USD = 1400.0

# The largest amount anybody raises or invests in one round, per currency (10 billion dollars).
AMOUNT_MAX = {USD: 10_000_000_000, KRW: 14_000_000_000_000}
_MAX_INPUT_CHARS = 40

_KOREAN_BIG = {"조": 10**12, "억": 10**8, "만": 10**4}
_KOREAN_SMALL = {"천": 1000, "백": 100, "십": 10}
_LATIN_SCALE = {
    "k": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}

_KRW_MARKS = re.compile(r"^(₩|krw|w)\s*|\s*(원|krw)$", re.IGNORECASE)
_USD_MARKS = re.compile(r"^(us\$|\$|usd)\s*|\s*(달러|usd|dollars?)$", re.IGNORECASE)
_NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"
_KOREAN_GROUP = re.compile(rf"\s*({_NUMBER})?\s*([천백십])?\s*([조억만])?")
_LATIN = re.compile(rf"^({_NUMBER})\s*([a-z]+)?$", re.IGNORECASE)


class AmountError(ValueError):
    """Text that is not an amount of money we can read."""


class AmountTooLarge(AmountError):
    """An amount that reads, but above AMOUNT_MAX of its currency."""

    def __init__(self, raw: str, currency: str) -> None:
        super().__init__(raw)
        self.currency = currency
        self.maximum = AMOUNT_MAX[currency]


def _fold_fullwidth(char: str) -> str:
    """Digits of any script (full-width, Arabic-Indic, Devanagari, ...) read as ASCII digits, and
    full-width signs from a Korean keyboard as ASCII signs; nothing else is folded."""
    if char.isdecimal() and not char.isascii():
        return str(unicodedata.decimal(char))
    return unicodedata.normalize("NFKC", char) if "\uff01" <= char <= "\uffe6" else char


def _number(text: str) -> Decimal:
    digits = text.replace(",", "")
    if not digits:
        raise AmountError(text)
    try:
        return Decimal(digits)
    except InvalidOperation as exc:
        raise AmountError(text) from exc


def _korean_value(text: str) -> Decimal:
    """Read '20억', '1억 5,000만', '3억5천만' or '5,000만' (units 조, 억, 만 with 천, 백, 십 inside)."""
    total = Decimal(0)
    position = 0
    text = text.strip()
    while position < len(text):
        match = _KOREAN_GROUP.match(text, position)
        if match is None or match.end() == position:
            raise AmountError(text)
        number, small, big = match.groups()
        if number is None and small is None:
            raise AmountError(text)
        value = _number(number) if number is not None else Decimal(1)
        if small:
            value *= _KOREAN_SMALL[small]
        if big:
            value *= _KOREAN_BIG[big]
        total += value
        position = match.end()
    return total


def parse_money(raw: str | None, default_currency: str) -> tuple[int, str] | None:
    """Read an amount as people type it; returns (whole units, currency) or None for empty text.

    '₩2,000,000,000', '20억', '20억원', '1.5억', '5,000만' are won; '$1.5M', 'USD 500k', '300만 달러'
    are dollars; a bare number ('1500000', '1.5M', '500k') is in ``default_currency``.
    Raises AmountError for anything else, for negative, fractional-unit or absurdly large amounts.
    """
    if raw is None:
        return None
    text = "".join(_fold_fullwidth(c) for c in str(raw)).strip()
    if not text:
        return None
    if len(text) > _MAX_INPUT_CHARS:
        raise AmountError(raw)
    currency = default_currency if default_currency in CURRENCIES else KRW
    korean_units = any(unit in text for unit in (*_KOREAN_BIG, *_KOREAN_SMALL))
    without_usd = _USD_MARKS.sub("", text).strip()
    without_krw = _KRW_MARKS.sub("", text).strip()
    if without_usd != text:
        currency, text = USD, without_usd
    elif without_krw != text or korean_units:
        currency, text = KRW, without_krw
    if korean_units:
        value = _korean_value(text)
    else:
        match = _LATIN.match(text)
        if match is None:
            raise AmountError(raw)
        value = _number(match.group(1))
        if match.group(2):
            scale = _LATIN_SCALE.get(match.group(2).lower())
            if scale is None:
                raise AmountError(raw)
            value *= scale
    amount = int(value.to_integral_value())
    if value < 0:
        raise AmountError(raw)
    if amount > AMOUNT_MAX[currency]:
        raise AmountTooLarge(raw, currency)
    return amount, currency


def to_usd(amount: int | None, currency: str | None, krw_per_usd: float) -> int | None:
    """The amount in whole dollars at the configured rate (the one unit matching compares in)."""
    if amount is None:
        return None
    if currency == KRW:
        return round(amount / krw_per_usd)
    return int(amount)


def convert(amount: int, currency: str, target: str, krw_per_usd: float) -> int:
    """The amount in ``target`` currency at the configured rate."""
    if currency == target:
        return int(amount)
    if target == KRW:
        return round(amount * krw_per_usd)
    return round(amount / krw_per_usd)


def _trim(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _korean_won(amount: int) -> str:
    """20억 원, 1억 5,000만 원, 5,000만 원, 9,500 원: how Korean documents write won."""
    if amount < 10_000:
        return f"{amount:,} 원"
    eok, rest = divmod(amount, 10**8)
    man = rest // 10**4
    parts = []
    if eok:
        parts.append(f"{eok:,}억")
    if man:
        parts.append(f"{man:,}만")
    return " ".join(parts) + " 원"


def format_money(amount: int | None, currency: str, language: str = "ko") -> str:
    """One amount in its own currency, written for a reader of ``language`` ('ko' or 'en')."""
    if amount is None:
        return "—"
    korean = language.startswith("ko")
    if currency == KRW:
        if korean:
            return _korean_won(amount)
        if amount >= 10**9:
            return f"₩{_trim(amount / 10**9)}B"
        if amount >= 10**6:
            return f"₩{_trim(amount / 10**6)}M"
        return f"₩{amount:,}"
    if korean and amount >= 10_000:
        eok, rest = divmod(amount, 10**8)
        man = rest // 10**4
        words = " ".join(p for p in (f"{eok:,}억" if eok else "", f"{man:,}만" if man else "") if p)
        return f"{words} 달러"
    if amount >= 1_000_000:
        return f"${_trim(amount / 1_000_000)}M"
    if amount >= 1_000:
        return f"${amount / 1_000:.0f}K"
    return f"${amount:,}"


def viewer_currency(language: str) -> str:
    """Korean readers see won first, everybody else dollars."""
    return KRW if language.startswith("ko") else USD


def format_for_viewer(amount: int | None, currency: str | None, language: str, krw_per_usd: float) -> str:
    """The amount in the viewer's currency, with the amount as given in brackets when converted."""
    if amount is None or currency is None:
        return "—"
    target = viewer_currency(language)
    original = format_money(amount, currency, language)
    if currency == target:
        return original
    approx = "약 " if language.startswith("ko") else "≈ "
    converted = format_money(convert(amount, currency, target, krw_per_usd), target, language)
    return f"{approx}{converted} ({original})"


def krw_per_usd() -> float:
    """The configured exchange rate (``MATCHMAKER_KRW_PER_USD``), won per dollar."""
    rate: float = current_app.config["MATCHMAKER_KRW_PER_USD"]  # a float: config.Settings
    return rate if 0 < rate < float("inf") else DEFAULT_KRW_PER_USD


def default_currency() -> str:
    """The currency of amounts typed without a mark: won, unless the installation says otherwise."""
    chosen = str(current_app.config.get("MATCHMAKER_DEFAULT_CURRENCY") or KRW).upper()
    return chosen if chosen in CURRENCIES else KRW
