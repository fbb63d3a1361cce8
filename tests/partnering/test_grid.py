"""The slot grid (breaks and nights are gaps in the positions) and the language default."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from matchmaker.partnering.grid import DateHours, parse_hhmm, slot_grid
from matchmaker.partnering.problem import Problem


def test_a_break_and_a_night_are_gaps_the_optimiser_sees() -> None:
    dates = [
        DateHours(date(2027, 5, 14), time(9, 0), time(11, 0)),
        DateHours(date(2027, 5, 13), time(9, 0), time(12, 0), ((time(10, 0), time(10, 30)),)),
    ]
    grid = slot_grid(dates, 30)
    assert [g.position for g in grid] == [0, 1, 3, 4, 5, 1000, 1001, 1002, 1003]
    assert grid[0].starts_at == datetime(2027, 5, 13, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
    assert grid[2].starts_at == datetime(2027, 5, 13, 1, 30, tzinfo=UTC)  # after the break
    problem = Problem(tuple(g.position for g in grid), (), (), (), ())
    assert problem.sessions == [[0, 1], [3, 4, 5], [1000, 1001, 1002, 1003]]


def test_a_slot_that_would_run_past_closing_is_left_out() -> None:
    grid = slot_grid([DateHours(date(2027, 5, 13), time(9, 0), time(9, 50))], 20)
    assert [g.position for g in grid] == [0, 1]


def test_times_of_day() -> None:
    assert parse_hhmm(" 13:05") == time(13, 5)
    with pytest.raises(ValueError):
        parse_hhmm("1pm")
