from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from matchmaker.engine import (
    CachingEncoder,
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    embed_profiles,
    make_encoder,
)
from matchmaker.engine.encoder import PACKAGED_MODEL_ID


def test_hashing_encoder_follows_the_protocol(encoder: HashingEncoder) -> None:
    assert isinstance(encoder, Encoder)
    vectors = encoder.encode(["electric vehicle battery", "", "music playlist app"])
    assert vectors.shape == (3, encoder.dimension) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), [1.0, 0.0, 1.0], atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.dimension)
    np.testing.assert_array_equal(encoder.encode(["same text"]), encoder.encode(["same  text "]))


def test_hashing_encoder_related_texts_are_closer(encoder: HashingEncoder) -> None:
    a, b, c = encoder.encode(["battery energy storage", "energy storage batteries", "social music app"])
    assert a @ b > a @ c + 0.2


def test_sentence_transformer_encoder_is_lazy() -> None:
    enc = SentenceTransformerEncoder()
    assert enc.model_id == PACKAGED_MODEL_ID and enc.dimension == 384
    assert not enc.is_loaded
    assert SentenceTransformerEncoder("some/other-model").model_id == "some/other-model"
    assert isinstance(make_encoder("hashing"), HashingEncoder)


def test_caching_encoder_encodes_each_text_once(encoder: HashingEncoder) -> None:
    calls: list[list[str]] = []

    class Counting(HashingEncoder):
        def encode(self, texts):  # type: ignore[override]
            calls.append(list(texts))
            return super().encode(texts)

    cached = CachingEncoder(Counting())
    first = cached.encode(["a text", "another text"])
    second = cached.encode(["another text", "a  text"])
    assert calls == [["a text", "another text"]]
    np.testing.assert_array_equal(first[::-1], second)


def test_embed_profiles_gives_none_for_empty_fields(encoder, ev_battery, energy_partner) -> None:
    from matchmaker.engine import Profile

    empty = Profile(id=9, kind="partner", name="Blank")
    vecs = embed_profiles([ev_battery, empty], encoder)
    assert vecs[0].description is not None and vecs[0].seeks is not None
    assert vecs[1].description is None and vecs[1].offers is None and vecs[1].seeks is None


@pytest.mark.slow
def test_real_encoder_meaning(real_encoder: SentenceTransformerEncoder) -> None:
    vectors = real_encoder.encode(
        ["lithium-ion cells for electric cars", "battery packs for EVs", "an app to share playlists", ""]
    )
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), [1, 1, 1, 0], atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert real_encoder.is_loaded


def test_a_model_path_that_does_not_exist_fails_before_torch_is_imported(tmp_path) -> None:
    """A worker configured with a wrong model path fails each try at once (the job's retries and the
    staff page show the error) instead of importing torch first, with the error sentence-transformers
    gives."""
    missing = tmp_path / "no-such-model"
    code = (
        "import json, sys\n"
        "from matchmaker.engine.encoder import SentenceTransformerEncoder\n"
        "try:\n"
        f"    SentenceTransformerEncoder({str(missing)!r}).encode(['battery'])\n"
        "except FileNotFoundError as error:\n"
        "    print(json.dumps([str(error), 'torch' in sys.modules]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [f"Path {missing} not found", False]
