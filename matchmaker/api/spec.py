"""The API's routes and their OpenAPI description, declared together: ``@route(...)`` adds a view to the
blueprint and records its operation (summary, query parameters, body model, answers and their models),
from which ``matchmaker.api.openapi`` writes the document's paths and components.

A registry of our own rather than flask-openapi3 or spectree (neither is in the lock): those own the
request parsing and the error shape, which here are ``api.core``'s (one error body, 422 messages in
the reader's language); describing the routes is all that is needed, in about a hundred lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from matchmaker.api.core import bp
from matchmaker.inputs import DB_INT_MAX

Json = dict[str, Any]
View = TypeVar("View", bound=Callable[..., Any])
# An answer: its description, and the model of its body (None: the one error shape for 4xx/5xx, an
# unspecified JSON body for 2xx).
Answer = tuple[str, type[BaseModel] | None]

_RULE_VARIABLE = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Operation:
    """One method on one route, as the OpenAPI document describes it."""

    rule: str  # Flask's rule below the API prefix, e.g. "/organisations/<int:organisation_id>"
    method: str
    operation_id: str
    summary: str
    answers: dict[int, Answer]
    body: type[BaseModel] | str | None = None  # a model, or the name of a component written by hand
    body_required: bool = True
    query: tuple[Json, ...] = ()
    description: str | None = None
    public: bool = False  # readable without a token

    @property
    def path(self) -> str:
        """The OpenAPI path: ``<int:organisation_id>`` becomes ``{organisation_id}``."""
        return _RULE_VARIABLE.sub(lambda m: "{" + m["name"] + "}", self.rule)

    def path_parameters(self) -> list[Json]:
        """One required parameter per route variable; ``int`` ones are ids the database can hold."""
        parameters = []
        for match in _RULE_VARIABLE.finditer(self.rule):
            schema: Json = (
                {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}
                if match["converter"] == "int"
                else {"type": "string"}
            )
            parameters.append({"name": match["name"], "in": "path", "required": True, "schema": schema})
        return parameters


OPERATIONS: list[Operation] = []


def document(operation: Operation) -> None:
    """Record an operation whose view is added some other way (one view function per segment)."""
    OPERATIONS.append(operation)


def route(
    rule: str,
    method: str,
    operation_id: str,
    summary: str,
    answers: dict[int, Answer],
    *,
    endpoint: str | None = None,
    **details: Any,
) -> Callable[[View], View]:
    """Add the decorated view to the API blueprint at ``rule`` and describe it in the document."""

    def register(view: View) -> View:
        bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=[method.upper()])
        document(Operation(rule, method.lower(), operation_id, summary, answers, **details))
        return view

    return register


def query_parameter(name: str, schema: Json, description: str | None = None, **extra: Any) -> Json:
    """A query parameter for ``Operation.query``."""
    parameter: Json = {"name": name, "in": "query", "schema": schema, **extra}
    if description is not None:
        parameter["description"] = description
    return parameter
