"""The browser tests' cheaper stacks (tests/e2e/conftest.py) name the frames ``inspect.stack`` names."""

from __future__ import annotations

import inspect

from playwright._impl import _connection, _sync_base

from tests.e2e.conftest import stack_without_sources


def _both() -> tuple[list[inspect.FrameInfo], list[inspect.FrameInfo]]:
    return inspect.stack(0), stack_without_sources(0)


def _named(frames: list[inspect.FrameInfo]) -> list[tuple[object, str, int, str]]:
    return [(f.frame, f.filename, f.lineno, f.function) for f in frames]


def test_the_same_frames_files_lines_and_functions() -> None:
    slow, fast = _both()
    assert _named(fast) == _named(slow) and len(fast) > 10
    assert fast[0].function == "_both" and fast[0].code_context is None


def test_playwright_takes_them() -> None:
    assert _sync_base.inspect.stack is stack_without_sources
    assert _connection.inspect.stack is stack_without_sources
    assert inspect.stack is not stack_without_sources  # nothing else is changed
