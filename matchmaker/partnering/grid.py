"""The slot grid of a partnering day (pure code).

Positions count grid steps from each date's opening: slot k of the n-th date is at n * 1000 + k, and
a slot that overlaps a break is left out, so a break or a night is a gap in the positions; the
optimiser reads consecutive positions as "no wait in between".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
DATE_STRIDE = 1000


@dataclass(frozen=True)
class DateHours:
    date: date
    starts: time
    ends: time
    breaks: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True)
class GridSlot:
    position: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime


def parse_hhmm(text: str) -> time:
    """ "13:00" -> time(13, 0); ValueError with the text when it is not a time of day."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"not a time of day (HH:MM): {text!r}") from exc


def slot_grid(dates: Sequence[DateHours], slot_minutes: int) -> list[GridSlot]:
    """Every slot of the day in time order (Seoul wall-clock hours, stored in UTC)."""
    if slot_minutes <= 0:
        raise ValueError("slot length must be positive")
    step = timedelta(minutes=slot_minutes)
    grid: list[GridSlot] = []
    for n, hours in enumerate(sorted(dates, key=lambda d: d.date)):
        opening = datetime.combine(hours.date, hours.starts, SEOUL)
        closing = datetime.combine(hours.date, hours.ends, SEOUL)
        pauses = [
            (datetime.combine(hours.date, a, SEOUL), datetime.combine(hours.date, b, SEOUL))
            for a, b in hours.breaks
        ]
        k = 0
        while opening + (k + 1) * step <= closing:
            start, end = opening + k * step, opening + (k + 1) * step
            if not any(start < b and a < end for a, b in pauses):
                grid.append(GridSlot(n * DATE_STRIDE + k, start.astimezone(UTC), end.astimezone(UTC)))
            k += 1
    return grid
