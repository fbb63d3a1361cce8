"""Building blocks shared by the schemas: JSON integers, text rules, and errors as translated messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, Field
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from matchmaker.inputs import DB_INT_MAX

# Whitespace as every regex engine involved (JSON Schema's, pydantic's Rust one, hypothesis's Python one)
# reads it; ``\s`` differs between them, so a schema-valid name could be blank to one and not another.
BLANKS = " \t\n\r\f\v"
BLANK_CLASS = BLANKS.encode("unicode_escape").decode()  # the blanks, as a character class body

# Characters no text keeps (issue 20): the C0 controls other than tab, line feed and carriage return
# (openpyxl refuses them, so one "\v" in a profile broke the staff's XLSX export), DEL, and the bidi
# embeddings, overrides and isolates, which make a name read backwards ("\u202e"). Removed once, here,
# before any other rule looks at the text.
_CONTROLS = "".join(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r") + "\x7f"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROPPED = str.maketrans("", "", _CONTROLS + BIDI_CONTROLS)
_LINE_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
# Some character that is neither a blank nor one the schema drops: what a required text must hold.
NOT_BLANK = f"[^{BLANK_CLASS}{(_CONTROLS + BIDI_CONTROLS).encode('unicode_escape').decode()}]"


def clean_text(value: Any) -> Any:
    """Text without control characters; tabs and line breaks stay (descriptions have paragraphs)."""
    return value.translate(_DROPPED) if isinstance(value, str) else value


def clean_line(value: Any) -> Any:
    """One line of text (a name, an address): control characters dropped, tabs and breaks made spaces."""
    return value.translate(_DROPPED).translate(_LINE_BREAKS) if isinstance(value, str) else value


TEXT = BeforeValidator(clean_text)
LINE = BeforeValidator(clean_line)


def _integral(value: Any) -> Any:
    """JSON Schema counts 5.0 an integer, so the API does too; 5.5 stays a float and is refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


INTEGRAL = BeforeValidator(_integral)


def whole(minimum: int, maximum: int) -> Any:
    """A JSON integer within [minimum, maximum] (``5.0`` counts)."""
    return Annotated[int, Field(ge=minimum, le=maximum), INTEGRAL]


DatabaseId = whole(1, DB_INT_MAX)


def strip_blanks(text: str) -> str:
    """``text`` without the surrounding blanks that NOT_BLANK ignores."""
    return text.strip(BLANKS)


# A message for one error of one field: given pydantic's error, returns the text shown to the person.
Explain = Callable[[ErrorDetails], str]


def length_message(error: ErrorDetails) -> str:
    """The message for text longer than its limit, with its present length."""
    maximum = (error.get("ctx") or {}).get("max_length", 0)
    now = len(error["input"]) if isinstance(error["input"], str) else 0
    return _("Use at most %(num)s characters (now %(now)s).", num=maximum, now=now)


def generic_message(error: ErrorDetails) -> str:
    """What is wrong, said plainly, for errors no field explains in its own words."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "string_type":
        return _("Send text (a JSON string).")
    if kind == "list_type":
        return _("Send a list.")
    if kind == "bool_type":
        return _("Send true or false.")
    if kind == "int_type":
        return _("Send a whole number.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("The request body must be a JSON object.")
    if kind == "string_too_long":
        return length_message(error)
    if kind == "too_short":
        return _("Send at least %(num)s.", num=ctx.get("min_length", 1))
    if kind == "too_long":
        return _("Send at most %(num)s.", num=ctx.get("max_length", 0))
    if kind == "greater_than_equal":
        return _("Use a value of at least %(num)s.", num=ctx.get("ge", ""))
    if kind == "less_than_equal":
        return _("Use a value of at most %(num)s.", num=ctx.get("le", ""))
    if kind == "literal_error":
        return _("Use one of %(choices)s.", choices=ctx.get("expected", ""))
    return _("This value is not valid here.")


def field_messages(
    exc: PydanticValidationError, explain: Mapping[str, Explain] | None = None
) -> dict[str, str]:
    """Each failing top-level field with one translated message (the first error of that field)."""
    explain = explain or {}
    messages: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "body"
        if field in messages:
            continue
        if error["type"] in {"extra_forbidden"}:
            messages[field] = generic_message(error)
        elif field in explain:
            messages[field] = explain[field](error)
        else:
            messages[field] = generic_message(error)
    return messages


def model_schemas(*models: tuple[str, type[BaseModel], str]) -> dict[str, Any]:
    """OpenAPI components from models: (component name, model, "validation" or "serialization").

    The JSON Schema pydantic writes is draft 2020-12, OpenAPI 3.1's own, so it is used as it is.
    """
    components: dict[str, Any] = {}
    for name, model, mode in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
        components.update(schema.pop("$defs", {}))
        schema.pop("title", None)
        components[name] = schema
    return components
