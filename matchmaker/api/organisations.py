"""Organisations and their matches on the JSON API; the rules are the organisation service's."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _

from matchmaker.api.core import ApiError, api_user, bp, check_known_fields, int_arg, json_body
from matchmaker.api.serialise import (
    PROFILE_FIELDS,
    Seen,
    dump,
    job_json,
    organisation_json,
    seen_match,
    seen_organisation,
)
from matchmaker.api.spec import query_parameter, route
from matchmaker.errors import NotFound, PermissionDenied
from matchmaker.i18n import current_language
from matchmaker.inputs import PAGE_MAX
from matchmaker.matching import refresh as matching
from matchmaker.models import Match, Organisation, OrganisationKind, Role, Sector, User
from matchmaker.models.versions import page_scopes, scopes_read_by_pages
from matchmaker.operations import versions
from matchmaker.operations.page_cache import kept_pages
from matchmaker.organisations import profiles as service
from matchmaker.organisations.contacts import contact_rule
from matchmaker.schemas.jobs import OrganisationSaved
from matchmaker.schemas.profile import OrganisationCreate, OrganisationOut
from matchmaker.schemas.responses import MatchList, OrganisationPage

PER_PAGE_MAX = 100
QUERY_TEXT_MAX = 100
PAGE_PARAMETERS = (
    query_parameter("page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}),
    query_parameter("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX}),
)


def visible_organisation(organisation_id: int) -> Organisation:
    """The organisation if the caller may see it; hidden ones do not reveal they exist."""
    organisation = service.get_organisation(organisation_id)
    if organisation is None or not service.can_view(api_user(), organisation):
        raise NotFound(_("There is no such organisation."))
    return organisation


def _directory_query() -> service.DirectoryQuery:
    errors: dict[str, str] = {}
    # Absent means "any"; present must be one of the documented values (an empty one is not).
    kind = request.args.get("kind")
    if kind is not None and kind not in OrganisationKind.__members__.values():
        errors["kind"] = _("Use startup, partner or investor.")
    sector = request.args.get("sector")
    if sector is not None and sector not in Sector.__members__.values():
        errors["sector"] = _("Use one of %(choices)s.", choices=", ".join(s.value for s in Sector))
    include_hidden = request.args.get("include_hidden", "false").lower()
    if include_hidden not in {"true", "false", "1", "0"}:
        errors["include_hidden"] = _("Use true or false.")
    if errors:
        raise ApiError(422, _("Check the query parameters."), errors)
    return service.DirectoryQuery(
        text=request.args.get("q", "").strip()[:QUERY_TEXT_MAX],
        kind=kind or "",
        sector=sector or "",
        include_hidden=include_hidden in {"true", "1"},  # the service grants it to staff only
    )


@route(
    "/organisations",
    "get",
    "listOrganisations",
    "Listed organisations by name, filtered like the directory",
    {200: ("One page", OrganisationPage), 422: ("Bad query", None)},
    query=(
        query_parameter("q", {"type": "string"}, "Part of the name."),
        query_parameter("kind", {"enum": [k.value for k in OrganisationKind]}),
        query_parameter("sector", {"enum": [s.value for s in Sector]}),
        query_parameter("include_hidden", {"type": "boolean"}, "Staff only; ignored for everyone else."),
        *PAGE_PARAMETERS,
    ),
)
def list_organisations() -> Response:
    """Listed organisations by name, filtered like the directory, one page at a time."""
    query = _directory_query()
    page_number = int_arg("page", 1, maximum=PAGE_MAX)
    per_page = int_arg("per_page", current_app.config["DIRECTORY_PAGE_SIZE"], maximum=PER_PAGE_MAX)
    page = service.directory_page(api_user(), query, page_number, per_page)
    may_see_contact = contact_rule(api_user())
    items = [seen_organisation(o, may_see_contact(o)) for o in page.items]
    return jsonify(dump(OrganisationPage, Seen(page, items=items, page=page_number, per_page=per_page)))


@route(
    "/organisations/<int:organisation_id>",
    "get",
    "getOrganisation",
    "One profile (hidden ones only for their members and staff)",
    {200: ("The profile", OrganisationOut), 404: ("No such organisation", None)},
)
def get_organisation(organisation_id: int) -> Response:
    organisation = visible_organisation(organisation_id)
    return jsonify(organisation_json(organisation, contact_rule(api_user())(organisation)))


@route(
    "/organisations",
    "post",
    "createOrganisation",
    "Create a profile: founders their one startup, staff any kind",
    {
        201: ("Created, matches computed", OrganisationOut),
        202: ("Created; its matches are computed by a job (Location: the job's URL)", OrganisationSaved),
        400: ("Not a JSON object", None),
        403: ("Your role may not create this kind", None),
        409: ("You already belong to an organisation", None),
        422: ("Invalid fields", None),
    },
    body=OrganisationCreate,
)
def create_organisation() -> tuple[Response, int, dict[str, str]]:
    """Founders create their one startup; staff create any kind. Answers 201 with the profile."""
    viewer = api_user()
    if not viewer.is_staff and viewer.role != Role.FOUNDER:
        # The role first: a partner learns that it may not, not what its body lacks.
        raise PermissionDenied(_("Partner and investor profiles are created by the complex's staff."))
    body = json_body()
    kind = body.pop("kind", OrganisationKind.STARTUP.value)
    if kind not in OrganisationKind.__members__.values():
        raise ApiError(
            422, _("Please correct the marked fields."), {"kind": _("Use startup, partner or investor.")}
        )
    service.check_may_create(viewer, kind)
    check_known_fields(body, PROFILE_FIELDS)
    saved = service.create_organisation(viewer, kind, body, typed=True)
    organisation = saved.organisation
    location = f"{bp.url_prefix}/organisations/{organisation.id}"
    deferred = _deferred_refresh(saved)
    if deferred is not None:  # saved; its matches are computed by a job: 202 and where to follow it
        payload = organisation_json(organisation, show_contact=True) | {"matches_job": deferred}
        return jsonify(payload), 202, {"Location": deferred["url"], "Content-Location": location}
    return jsonify(organisation_json(organisation, show_contact=True)), 201, {"Location": location}


def _deferred_refresh(saved: service.SavedProfile) -> dict[str, Any] | None:
    """The job this save queued to refresh the organisation's matches; None when they were computed.

    This save's own job, not whichever the shared pending mark names at the moment: concurrent
    identical saves each answer 202 with the job they queued (or each 200/201 when computed inline).
    """
    return job_json(saved.refresh_job) if saved.refresh_job is not None else None


@route(
    "/organisations/<int:organisation_id>",
    "patch",
    "updateOrganisation",
    "Change some fields of a profile you may edit",
    {
        200: ("The saved profile, matches computed", OrganisationOut),
        202: ("Saved; its matches are refreshed by a job (Location: the job's URL)", OrganisationSaved),
        400: ("Not a JSON object", None),
        403: ("Not your organisation", None),
        404: ("No such organisation", None),
        422: ("Invalid fields; nothing was saved", None),
    },
    body="OrganisationUpdate",
)
def update_organisation(organisation_id: int) -> Response | tuple[Response, int, dict[str, str]]:
    """Change some fields: they are merged onto the stored profile, which is then validated whole."""
    # Its members and staff read it once, locked, as the previous edit left it (the merge's base).
    organisation = service.organisation_for_edit(api_user(), organisation_id)
    if organisation is None:
        organisation = visible_organisation(organisation_id)  # 404 unless the caller may see it
        # Checked before reading the body, so an outsider learns nothing from validation messages.
        raise PermissionDenied(_("You can only edit your own organisation's profile."))
    body = json_body()
    check_known_fields(body, PROFILE_FIELDS)
    saved = service.update_organisation(
        api_user(), organisation, service.profile_values(organisation) | body, typed=True
    )
    deferred = _deferred_refresh(saved)
    if deferred is not None:  # saved; its matches are computed by a job: 202 and where to follow it
        payload = organisation_json(organisation, show_contact=True) | {"matches_job": deferred}
        return jsonify(payload), 202, {"Location": str(deferred["url"])}
    return jsonify(organisation_json(organisation, show_contact=True))


@route(
    "/organisations/<int:organisation_id>/matches",
    "get",
    "listMatches",
    "The organisation's ranked matches, best first, with explanations",
    {
        200: ("Ranked matches", MatchList),
        403: ("Only members and staff see matches", None),
        404: ("No such organisation", None),
        422: ("Bad query", None),
    },
    query=(query_parameter("limit", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX}),),
)
def list_matches(organisation_id: int) -> Response:
    """The organisation's ranked matches with their explanations; for its members and staff only.

    The answer is kept like the review pages (operations/page_cache.py): per organisation, language,
    limit and whether staff ask (they see hidden profiles too), while the data versions the list
    depends on stand still. The versions are read before any data, the rights are checked each time.
    """
    read = versions.read(scopes_read_by_pages(organisation_id))
    viewer = api_user()
    if viewer.is_staff or viewer.organisation_id == organisation_id:
        # Members and staff may read it whenever it exists, and a kept answer says it existed and has
        # not changed since: served without reading the organisation again.
        key = _matches_key(viewer, organisation_id, int_arg("limit", PER_PAGE_MAX, maximum=PER_PAGE_MAX))
        kept = kept_pages().get(read, key)
        if kept is not None:
            return _json_body(kept)
    organisation = visible_organisation(organisation_id)
    if not service.can_edit(viewer, organisation):
        raise PermissionDenied(_("Only the organisation's members and the complex's staff see its matches."))
    limit = int_arg("limit", PER_PAGE_MAX, maximum=PER_PAGE_MAX)

    def render() -> tuple[bytes, tuple[int, ...], int]:
        body = (current_app.json.dumps(_match_list(viewer, organisation, limit)) + "\n").encode()
        # The answer holds the other side's texts and exact scores: it depends on their details too.
        return body, page_scopes(organisation_id, organisation.kind, details=True), len(body)

    return _json_body(kept_pages().fetch(read, _matches_key(viewer, organisation_id, limit), render))


def _matches_key(viewer: User, organisation_id: int, limit: int) -> tuple[object, ...]:
    """What else the answer depends on: the language, the limit, and whether staff ask (they see
    hidden profiles too; a member sees the listed ones, never being a member of the other side)."""
    return ("api.matches", organisation_id, current_language(), limit, viewer.is_staff)


def _json_body(body: bytes) -> Response:
    return current_app.response_class(body, mimetype=current_app.json.mimetype)  # type: ignore[attr-defined]


def _match_list(viewer: User, organisation: Organisation, limit: int) -> dict[str, Any]:
    items: list[Seen] = []
    # The first `limit` matches usually fill the page; all of them are read only when some were hidden.
    batch = matching.matches_for(organisation, limit=limit)
    if len(batch) == limit:
        batch = batch if _all_visible(viewer, organisation, batch) else matching.matches_for(organisation)
    for match in batch:
        other = match.counterpart if match.startup_id == organisation.id else match.startup
        if service.can_view(viewer, other):  # a profile hidden since matching stays hidden here too
            items.append(seen_match(match, organisation))
        if len(items) == limit:
            break
    return dump(MatchList, {"organisation": organisation, "items": items})


def _all_visible(viewer: User, organisation: Organisation, matches: list[Match]) -> bool:
    others = (m.counterpart if m.startup_id == organisation.id else m.startup for m in matches)
    return all(service.can_view(viewer, other) for other in others)
