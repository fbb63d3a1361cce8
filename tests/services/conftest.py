"""Service-test fixtures: the real model loaded once, and an encoder that records what it embeds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from flask import Flask

from matchmaker.engine.encoder import HashingEncoder


class RecordingEncoder:
    """Wraps an encoder and remembers every text it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts)

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture
def recording_encoder(app: Flask) -> Iterator[RecordingEncoder]:
    encoder = RecordingEncoder(HashingEncoder())
    app.extensions["matchmaker.encoder"] = encoder
    yield encoder
