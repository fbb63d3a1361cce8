"""The organisation columns of import and export files: Korean and English headers, and cell values.

Cells are turned into what a person would type into the profile form (English choice values, amounts as
typed); the profile form's own validation then judges them, so an import has no rules of its own.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale

from matchmaker.labels import label
from matchmaker.models import Organisation, OrganisationKind, Sector, Stage, Visibility
from matchmaker.organisations.bilingual import version_form_values as values


def version_form_values(organisation: Organisation) -> dict[str, str]:
    return values(organisation)


@dataclass(frozen=True)
class Column:
    """One profile field as a spreadsheet column."""

    field: str
    korean: str
    english: str
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The header the template and exports write: Korean first, then English."""
        return f"{self.korean} / {self.english}"


COLUMNS = (
    Column("kind", "종류", "kind", ("구분", "type", "유형")),
    Column("name", "회사명", "name", ("기업명", "company", "company name", "organisation", "organization")),
    Column(
        "registration_number",
        "사업자등록번호",
        "registration number",
        ("business registration number", "사업자번호"),
    ),
    Column("summary", "한줄 소개", "summary", ("한 줄 소개", "요약", "one-liner", "one line summary")),
    Column("description", "설명", "description", ("소개", "기업 소개", "회사 소개", "about")),
    Column("offers", "제공", "offers", ("제공하는 것", "제공 가능", "offer")),
    Column("seeks", "찾는 것", "seeks", ("원하는 것", "필요한 것", "seek", "needs")),
    # The version of each text in the other language (the one the original is not written in).
    Column("name_ko", "회사명 (한국어)", "name (Korean)", ("한글 회사명", "국문 회사명", "korean name")),
    Column("name_en", "회사명 (영어)", "name (English)", ("영문 회사명", "영문명", "english name")),
    Column("summary_ko", "한줄 소개 (한국어)", "summary (Korean)", ()),
    Column("summary_en", "한줄 소개 (영어)", "summary (English)", ("english summary", "영문 요약")),
    Column("description_ko", "설명 (한국어)", "description (Korean)", ("국문 설명", "korean description")),
    Column("description_en", "설명 (영어)", "description (English)", ("영문 설명", "english description")),
    Column("offers_ko", "제공 (한국어)", "offers (Korean)", ()),
    Column("offers_en", "제공 (영어)", "offers (English)", ()),
    Column("seeks_ko", "찾는 것 (한국어)", "seeks (Korean)", ()),
    Column("seeks_en", "찾는 것 (영어)", "seeks (English)", ()),
    Column("sectors", "분야", "sectors", ("sector", "산업", "산업 분야")),
    Column("tags", "태그", "tags", ("키워드", "keywords")),
    Column("stage", "단계", "stage", ("투자 단계", "성장 단계")),
    Column("raising_amount", "투자 유치 금액", "raising amount", ("유치 희망 금액", "raising")),
    Column("raising_currency", "유치 통화", "raising currency", ("통화", "currency")),
    Column("investor_stages", "투자 대상 단계", "investor stages", ("투자 단계들",)),
    Column("ticket_min", "최소 투자 금액", "ticket min", ("최소 투자액", "minimum ticket")),
    Column("ticket_max", "최대 투자 금액", "ticket max", ("최대 투자액", "maximum ticket")),
    Column("ticket_currency", "투자 통화", "ticket currency", ()),
    Column("location", "위치", "location", ("소재지", "주소", "address")),
    Column("website", "웹사이트", "website", ("홈페이지", "url", "web")),
    Column("contact_email", "연락처 이메일", "contact email", ("이메일", "email", "e-mail")),
    Column("team_size", "인원", "team size", ("직원 수", "팀 규모", "employees")),
    Column("is_complex_tenant", "단지 입주", "complex tenant", ("입주 기업", "입주 여부", "tenant")),
    Column("visibility", "공개 여부", "visibility", ("공개",)),
    Column("monthly_intro_capacity", "월 소개 한도", "monthly intro capacity", ("월간 소개 한도",)),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("name", "description")
LIST_FIELDS = ("sectors", "investor_stages")


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-.*:]+", "", text)


_HEADER_INDEX = {
    _header_key(alias): column.field
    for column in COLUMNS
    for alias in (column.field, column.korean, column.english, column.header, *column.aliases)
}
# "description (EN)", "설명 (영문)", "offers (KO)": a version column named by a language code.
_LANGUAGE_WORDS = {
    "en": ("en", "영문", "영어", "english"),
    "ko": ("ko", "kr", "국문", "한글", "한국어", "korean"),
}
for _column in COLUMNS:
    _base, _, _language = _column.field.rpartition("_")
    if _language in _LANGUAGE_WORDS and _base in BY_FIELD:
        for _word in _LANGUAGE_WORDS[_language]:
            for _name in (_base, BY_FIELD[_base].korean, BY_FIELD[_base].english):
                _HEADER_INDEX.setdefault(_header_key(f"{_name} ({_word})"), _column.field)


def field_for_header(header: str) -> str | None:
    """The profile field a header names ("회사명", "name", "회사명 / name", "회사명 (name)"), or None."""
    candidates = [header, *re.split(r"[/|()]", header)]
    for candidate in candidates:
        field = _HEADER_INDEX.get(_header_key(candidate))
        if field:
            return field
    return None


def _choice_index(
    enum_type: type[enum.StrEnum], extra: dict[str, str], labelled: bool = True
) -> dict[str, str]:
    """Every way a choice may be written (value, English and Korean label) -> its stored value."""
    index = {_header_key(k): v for k, v in extra.items()}
    for member in enum_type:
        index[_header_key(member.value)] = member.value
        for locale in ("en", "ko") if labelled else ():
            with force_locale(locale):
                index[_header_key(str(label(member)))] = member.value
    return index


def choice_tables() -> dict[str, dict[str, str]]:
    """How kinds, sectors, stages and visibility may be written, read once per import."""
    return {
        "kind": _choice_index(
            OrganisationKind, {"파트너": "partner", "협력사": "partner", "투자자": "investor"}
        ),
        "sectors": _choice_index(
            Sector, {"자동차": "automotive", "모빌리티": "automotive", "의료": "healthcare"}
        ),
        "stage": _choice_index(Stage, {"시리즈B": "series_b_plus", "series b": "series_b_plus"}),
        "visibility": _choice_index(Visibility, {"공개": "listed", "비공개": "hidden", "숨김": "hidden"}),
    }


_TRUE = {"yes", "y", "true", "1", "o", "on", "예", "네", "입주", "✓", "v"}
_FALSE = {"no", "n", "false", "0", "x", "off", "아니오", "아니요", "미입주", "-"}
_CURRENCIES = {"krw": "KRW", "원": "KRW", "₩": "KRW", "won": "KRW", "usd": "USD", "$": "USD", "달러": "USD"}
_LIST_SPLIT = re.compile(r"[,;/|·、\n]+")


def cells_to_form(cells: dict[str, str], choices: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Turn a row's non-empty cells into profile-form values; choices the form cannot read stay as
    written, so the form's validation names them."""
    form: dict[str, Any] = {}
    for field, raw in cells.items():
        text = raw.strip()
        if not text:
            continue
        if field in LIST_FIELDS:
            index = choices["sectors"] if field == "sectors" else choices["stage"]
            form[field] = [index.get(_header_key(t), t.strip()) for t in _LIST_SPLIT.split(text) if t.strip()]
        elif field in ("kind", "stage", "visibility"):
            form[field] = choices[field].get(_header_key(text), text)
        elif field in ("raising_currency", "ticket_currency"):
            form[field] = _CURRENCIES.get(text.casefold(), text)
        elif field == "is_complex_tenant":
            key = text.casefold()
            form[field] = "on" if key in _TRUE else ("" if key in _FALSE else text)
        elif field == "website" and "://" not in text:
            form[field] = "https://" + text  # spreadsheets often hold "www.example.kr"
        else:
            form[field] = text
    return form


def tenant_value_unknown(form: dict[str, Any]) -> bool:
    """True when the tenant cell was neither yes nor no (the form would read it as no)."""
    return form.get("is_complex_tenant", "") not in ("", "on")


def organisation_cells(organisation: Organisation) -> list[Any]:
    """An organisation as one export row, in COLUMNS order, readable again by the import."""
    values: dict[str, Any] = {
        "kind": organisation.kind,
        "name": organisation.name,
        "registration_number": organisation.registration_number or "",
        "summary": organisation.summary,
        "description": organisation.description,
        "offers": organisation.offers,
        "seeks": organisation.seeks,
        **version_form_values(organisation),
        "sectors": ", ".join(organisation.sectors),
        "tags": ", ".join(organisation.tags or []),
        "stage": organisation.stage or "",
        "raising_amount": organisation.raising_amount if organisation.raising_amount is not None else "",
        "raising_currency": organisation.raising_currency,
        "investor_stages": ", ".join(organisation.investor_stages or []),
        "ticket_min": organisation.ticket_min if organisation.ticket_min is not None else "",
        "ticket_max": organisation.ticket_max if organisation.ticket_max is not None else "",
        "ticket_currency": organisation.ticket_currency,
        "location": organisation.location,
        "website": organisation.website,
        "contact_email": organisation.contact_email,
        "team_size": organisation.team_size if organisation.team_size is not None else "",
        "is_complex_tenant": "yes" if organisation.is_complex_tenant else "no",
        "visibility": organisation.visibility,
        "monthly_intro_capacity": (
            organisation.monthly_intro_capacity if organisation.monthly_intro_capacity is not None else ""
        ),
    }
    return [values[c.field] for c in COLUMNS]


def normalised_name(name: str) -> str:
    """A company name reduced for matching: legal forms, case, spaces and punctuation ignored."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"주식회사|\(주\)|㈜|\b(inc|corp|co|ltd|llc|corporation|company)\b\.?", " ", text)
    return re.sub(r"[\W_]+", "", text)


def website_domain(website: str) -> str:
    """The host of a web address without "www.", lower case; "" when there is none."""
    match = re.match(r"^[a-z][a-z0-9+.-]*://([^/?#:]+)", (website or "").strip().lower())
    if not match:
        return ""
    host = match.group(1).rsplit("@", 1)[-1]
    return host[4:] if host.startswith("www.") else host
