"""Settings from the environment arrive typed like their defaults, and they really change behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from matchmaker import create_app
from matchmaker.config import DefaultConfig, SettingError, Settings, environment_overrides, typed_settings
from matchmaker.extensions import db
from matchmaker.models import Match
from matchmaker.organisations import profiles as organisations


def test_environment_values_take_their_defaults_types():
    overrides = environment_overrides(
        {
            "MATCHMAKER_MATCH_ON_SAVE": "false",
            "MATCHMAKER_MAX_PENDING_REQUESTS": "3",
            "MATCHMAKER_KRW_PER_USD": "1350",
            "MATCHMAKER_DASHBOARD_STUCK_DAYS": "10",  # an unprefixed default, set with the prefix
            "MATCHMAKER_LOG_LEVEL": "debug",
            "MATCHMAKER_MAIL_PORT": "587",  # Flask-Mail's, without a default of ours: read as JSON
            "MATCHMAKER_SECRET_KEY": "12345",  # text, even when it looks like a number
            "MATCHMAKER_MAIL_SERVER": "smtp.example.kr",
            "PATH": "/usr/bin",
        }
    )
    assert overrides == {
        "MATCHMAKER_MATCH_ON_SAVE": False,
        "MATCHMAKER_MAX_PENDING_REQUESTS": 3,
        "MATCHMAKER_KRW_PER_USD": 1350.0,
        "DASHBOARD_STUCK_DAYS": 10,
        "LOG_LEVEL": "debug",
        "MAIL_PORT": 587,
        "SECRET_KEY": "12345",
        "MAIL_SERVER": "smtp.example.kr",
    }
    assert environment_overrides({"MATCHMAKER_MATCH_ON_SAVE": "yes"})["MATCHMAKER_MATCH_ON_SAVE"] is True


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MATCHMAKER_MATCH_ON_SAVE", "maybe"),
        ("MATCHMAKER_MAX_PENDING_REQUESTS", "five"),
        ("MATCHMAKER_MAX_PENDING_REQUESTS", "2.5"),
        ("MATCHMAKER_KRW_PER_USD", "₩1400"),
        ("MATCHMAKER_SECURE_COOKIES", "sometimes"),
    ],
)
def test_a_value_that_cannot_be_its_type_stops_the_start_with_its_name(variable: str, value: str):
    with pytest.raises(SettingError, match=variable):
        environment_overrides({variable: value})


def test_the_factory_reads_match_on_save_false_as_false(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'settings.sqlite'}")
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "settings-test-key")
    monkeypatch.setenv("MATCHMAKER_MATCH_ON_SAVE", "false")
    monkeypatch.setenv("MATCHMAKER_MATCHES_KEPT", "50")
    application = create_app()
    assert application.config["MATCHMAKER_MATCH_ON_SAVE"] is False
    assert application.config["MATCHMAKER_MATCHES_KEPT"] == 50


@pytest.mark.parametrize(("setting", "matches_after_save"), [("false", 0), ("true", 1)])
def test_match_on_save_false_really_skips_the_refresh(
    app, make_organisation, make_user, recording_encoder, setting: str, matches_after_save: int
):
    app.config.update(environment_overrides({"MATCHMAKER_MATCH_ON_SAVE": setting}))
    make_organisation("partner", name="GridCo", seeks="Battery storage for the grid.", sectors=["energy"])
    startup = make_organisation("startup", name="VoltCell", sectors=["energy"])
    founder = make_user("founder", organisation=startup)
    form = {
        "name": startup.name,
        "description": "Second-life EV batteries as storage for the grid.",
        "offers": startup.offers,
        "seeks": "Grid pilots.",
        "sectors": startup.sectors,
        "visibility": startup.visibility,
    }
    organisations.update_organisation(founder, startup, form)
    assert db.session.scalar(select(func.count()).select_from(Match)) == matches_after_save


FLASKS_OWN = ("SESSION_", "REMEMBER_", "WTF_", "SQLALCHEMY_")
TYPE_WORDS = {
    "bool": "true/false",
    "int": "integer",
    "float": "number",
    "str": "text",
    "str | None": "text",
    "list[int]": "seconds, comma-separated",
}


def _readme_table() -> dict[str, tuple[str, str]]:
    """variable -> (type, default) from the README's one settings table."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| variable | type | default | what it does |") :].split("\n\n")[0]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    return {cells[0].strip("| `"): (cells[1], cells[2]) for cells in rows}


def _type_word(annotation: object) -> str:
    name = getattr(annotation, "__name__", None) if isinstance(annotation, type) else str(annotation)
    return TYPE_WORDS[str(name)]


def test_the_readme_table_and_the_settings_class_agree():
    """One table, checked against `Settings`: every variable of ours is in it with its type, and every
    variable it names is one the class reads (no MAIL_SERVER beside MATCHMAKER_MAIL_SERVER)."""
    table = _readme_table()
    declared = {}
    for name, field in Settings.model_fields.items():
        variable = field.alias or name
        if not variable.removeprefix("MATCHMAKER_").startswith(FLASKS_OWN):
            declared[variable] = field
    listed = {v for v in table if not v.endswith("*")} - {"DATABASE_URL"}
    assert listed - set(declared) == set(), "the README names variables the app does not read"
    ours = {v for v in declared if not v.startswith("MATCHMAKER_RATELIMIT_")}
    assert ours - listed == set(), "variables missing from the README's table"
    for variable in ours:
        assert table[variable][0] == _type_word(declared[variable].annotation), variable
    assert any(v.startswith("MATCHMAKER_RATELIMIT_") for v in declared) and "MATCHMAKER_RATELIMIT_*" in table


def test_every_name_of_the_flask_config_object_is_a_declared_setting():
    """DefaultConfig is made from the class: a setting added to it alone would be read nowhere."""
    names = [name for name in vars(DefaultConfig) if name.isupper()]
    assert sorted(names) == sorted(Settings.model_fields)


def test_a_test_config_is_typed_like_the_environment(tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'typed.sqlite'}",
            "MATCHMAKER_JOB_RETRY_INTERVALS": "5,0,-3",
            "MATCHMAKER_JOBS_INLINE": "true",
        }
    )
    assert app.config["MATCHMAKER_JOB_RETRY_INTERVALS"] == [5, 0, 0]
    assert app.config["MATCHMAKER_JOBS_INLINE"] is True


def test_only_the_values_given_are_typed_not_the_environment_of_the_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """A test app's settings and `environment_overrides` of a mapping come from what they are given: the
    shell's MATCHMAKER_* variables stay out (pydantic-settings read them in as well)."""
    monkeypatch.setenv("MATCHMAKER_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("MATCHMAKER_JOBS_INLINE", "true")
    assert typed_settings({"MATCHMAKER_WORKER_NICE": "3"}) == {"MATCHMAKER_WORKER_NICE": 3}
    assert environment_overrides({}) == {}
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["LOG_LEVEL"] != "DEBUG" and app.config["MATCHMAKER_JOBS_INLINE"] is False
    assert environment_overrides({"MATCHMAKER_LOG_LEVEL": "WARNING"})["LOG_LEVEL"] == "WARNING"
