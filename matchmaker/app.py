"""The application factory, made of small ``register_*`` steps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template
from flask.globals import request_ctx
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException, InternalServerError

from matchmaker.config import (
    DefaultConfig,
    Settings,
    ensure_secret_key,
    environment_overrides,
    public_url,
    sqlite_url,
    trusted_hosts,
    typed_settings,
)
from matchmaker.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from matchmaker.logs import current_request_id, register_logging


def build_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app: config -> instance folder -> extensions -> blueprints -> CLI."""
    app = Flask("matchmaker", instance_relative_config=True)
    register_config(app, test_config)
    register_logging(app)
    register_extensions(app)
    register_boundary(app)  # before the blueprints: their <int:…> routes use its converter
    register_blueprints(app)
    register_error_handlers(app)
    register_security(app)
    register_cli(app)
    register_template_helpers(app)
    return app


def register_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then instance/config.py (the generated secret), then the environment, then tests."""
    instance = Path(app.instance_path)
    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = sqlite_url(instance)
    if test_config is None:
        ensure_secret_key(instance)
        app.config.from_pyfile("config.py", silent=False)
        app.config.update(environment_overrides(os.environ))
    else:
        instance.mkdir(parents=True, exist_ok=True)
        # typed like the environment: "0,0,0" is a list of seconds, "false" is False
        app.config.update(
            test_config | typed_settings({k: v for k, v in test_config.items() if k in Settings.model_fields})
        )
    app.config["MATCHMAKER_PUBLIC_URL"] = public_url(app.config["MATCHMAKER_PUBLIC_URL"])
    if app.config.get("TRUSTED_HOSTS") is None:  # any other Host header is answered 400
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set; instance/config.py or MATCHMAKER_SECRET_KEY must set it")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: WAL so readers and a writer work at once, and enforced foreign keys.

    synchronous=NORMAL: in WAL mode a commit then writes the log without waiting for the disk, which
    syncs at checkpoints. The database stays consistent through any crash; a power cut can lose the
    last commits. The one write lock is held for microseconds instead of a disk sync per commit, so a
    save no longer queues behind every other writer's sync (issue 20, finding 10)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_extensions(app: Flask) -> None:
    from matchmaker.operations import versions  # noqa: F401  (raises the data version on each commit)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        compare_type=True,
        render_as_batch=True,
        render_item=_render_migration_item,
    )
    csrf.init_app(app)
    mail.init_app(app)  # used only when MAIL_SERVER is set; otherwise mail stays in the outbox
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("MATCHMAKER_REDIS_URL") or "memory://")
    # If that Redis stops answering, limits are counted in this process until it is back: sign-in keeps
    # working and stays throttled (per process) instead of failing for everyone.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith("redis"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2, "socket_timeout": 2})
    limiter.init_app(app)
    from flask_babel import gettext

    from matchmaker.i18n import N_, install_particles, select_locale

    babel.init_app(app, locale_selector=select_locale)
    install_particles(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please sign in to see that page.")
    login_manager.localize_callback = gettext  # flashed in the visitor's language
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from matchmaker.accounts.users import load_user

    login_manager.user_loader(load_user)


def _render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC timestamp type into migrations as the plain column type it stores."""
    from matchmaker.models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def register_blueprints(app: Flask) -> None:
    from matchmaker.auth.views import bp as auth_bp
    from matchmaker.web.admin import bp as admin_bp
    from matchmaker.web.dashboard import bp as dashboard_bp
    from matchmaker.web.organisations import bp as organisations_bp
    from matchmaker.web.staff.directory import bp as staff_bp

    for blueprint in (auth_bp, dashboard_bp, organisations_bp, staff_bp, admin_bp):
        app.register_blueprint(blueprint)

    from matchmaker.web.intro_staff import bp as intro_staff_bp
    from matchmaker.web.introductions import bp as introductions_bp
    from matchmaker.web.review import bp as review_bp

    for blueprint in (review_bp, introductions_bp, intro_staff_bp):
        app.register_blueprint(blueprint)

    from matchmaker.web.exclusions import bp as exclusions_bp
    from matchmaker.web.staff.learning import bp as learning_bp
    from matchmaker.web.triples import bp as triples_bp

    for blueprint in (
        exclusions_bp,
        learning_bp,
        triples_bp,
    ):  # issue 13: exclusions, learned weights, triples
        app.register_blueprint(blueprint)

    from matchmaker.web.insights import bp as insights_bp
    from matchmaker.web.language import bp as language_bp

    app.register_blueprint(language_bp)
    app.register_blueprint(insights_bp)

    from matchmaker.web.account import bp as account_bp
    from matchmaker.web.staff.imports import bp as imports_bp

    app.register_blueprint(account_bp)
    app.register_blueprint(imports_bp)

    from matchmaker.web.staff.jobs import bp as staff_jobs_bp

    app.register_blueprint(staff_jobs_bp)

    from matchmaker.operations.metrics import register_metrics
    from matchmaker.operations.views import bp as operations_bp

    app.register_blueprint(operations_bp)
    register_metrics(app)
    from matchmaker.partnering.views import bp as partnering_bp

    app.register_blueprint(partnering_bp)  # issue 19: partnering days

    from matchmaker.api import register_api
    from matchmaker.web.api_tokens import bp as api_tokens_bp

    app.register_blueprint(api_tokens_bp)
    register_api(app)


def register_error_handlers(app: Flask) -> None:
    """Render client errors as readable pages with their real status code."""

    from matchmaker.api.core import http_error_response
    from matchmaker.api_paths import is_api_request
    from matchmaker.i18n import http_error_text

    def render_error(error: HTTPException) -> tuple[str, int] | Response:
        if request_ctx.url_adapter is None:  # a Host we do not serve (TRUSTED_HOSTS): no links to build
            return Response(error.description or "", status=error.code, mimetype="text/plain")
        if is_api_request():  # the JSON API answers in JSON, even for routes it does not have
            return http_error_response(error)
        title, message = http_error_text(error)
        return render_template("error.html", code=error.code, name=title, message=message), (
            error.code or 500
        )

    def render_server_error(error: InternalServerError) -> tuple[str, int] | Response:
        # Flask has logged the traceback already (app.log_exception), with this request's id.
        db.session.rollback()  # the page itself may read the database; start from a clean transaction
        if is_api_request():
            return http_error_response(error)
        title, message = http_error_text(error)
        page = render_template(
            "error.html", code=500, name=title, message=message, request_id=current_request_id()
        )
        return page, 500

    for code in (400, 403, 404, 405, 409, 413, 422, 429):
        app.register_error_handler(code, render_error)
    app.register_error_handler(InternalServerError, render_server_error)


def register_boundary(app: Flask) -> None:
    from matchmaker.web.boundary import register_boundary as install

    install(app)


def register_security(app: Flask) -> None:
    from matchmaker.web.security import register_security as install

    install(app)


def register_cli(app: Flask) -> None:
    from matchmaker.cli import register_commands

    register_commands(app)


def register_template_helpers(app: Flask) -> None:
    from matchmaker.i18n import register_template_helpers as register_i18n_helpers
    from matchmaker.web.helpers import format_money_for_viewer, quoted_terms, template_globals, text_language

    app.context_processor(template_globals)
    register_i18n_helpers(app)
    app.jinja_env.filters["money"] = format_money_for_viewer
    app.jinja_env.filters["quoted_terms"] = quoted_terms
    app.jinja_env.filters["text_language"] = text_language
    from matchmaker.organisations.bilingual import register_template_helpers as register_text_helpers

    register_text_helpers(app)
