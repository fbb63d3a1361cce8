"""The pure matching engine: embeddings, scoring, ranking, explanations, sectors and evaluation.

Never imports flask, sqlalchemy or other matchmaker modules. Names are imported from their module on
first use (PEP 562), so `import matchmaker.engine.encoder` in the web process loads neither
scikit-learn nor scipy; torch and sentence-transformers come with the first real embedding.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "COMPONENTS": "matchmaker.engine.scoring",
    "CONFIDENT_MATCH_SCORE": "matchmaker.engine.scoring",
    "CachingEncoder": "matchmaker.engine.encoder",
    "Component": "matchmaker.engine.explain",
    "ENGINE_VERSION": "matchmaker.engine.explain",
    "Encoder": "matchmaker.engine.encoder",
    "HashingEncoder": "matchmaker.engine.encoder",
    "KINDS": "matchmaker.engine.profiles",
    "LexicalIndex": "matchmaker.engine.lexical",
    "Match": "matchmaker.engine.explain",
    "MatchedPhrase": "matchmaker.engine.explain",
    "Profile": "matchmaker.engine.profiles",
    "ProfileVectors": "matchmaker.engine.profiles",
    "SECTORS": "matchmaker.engine.profiles",
    "SECTOR_PROTOTYPES": "matchmaker.engine.sectors",
    "STAGES": "matchmaker.engine.profiles",
    "ScoringConfig": "matchmaker.engine.scoring",
    "SectorSuggester": "matchmaker.engine.sectors",
    "SentenceTransformerEncoder": "matchmaker.engine.encoder",
    "SimilaritySpace": "matchmaker.engine.similarity",
    "combine_field_vectors": "matchmaker.engine.profiles",
    "component_similarities": "matchmaker.engine.scoring",
    "embed_profiles": "matchmaker.engine.profiles",
    "embed_texts": "matchmaker.engine.profiles",
    "field_texts_to_encode": "matchmaker.engine.profiles",
    "l2_normalise": "matchmaker.engine.encoder",
    "make_encoder": "matchmaker.engine.multilingual",
    "missing_hints": "matchmaker.engine.explain",
    "mmr": "matchmaker.engine.ranking",
    "normalise_text": "matchmaker.engine.text",
    "packaged_model_path": "matchmaker.engine.encoder",
    "passes_hard_filters": "matchmaker.engine.ranking",
    "rank_counterparts_for": "matchmaker.engine.ranking",
    "rank_startups_for": "matchmaker.engine.ranking",
    "score_pair": "matchmaker.engine.ranking",
    "split_sentences": "matchmaker.engine.text",
    "text_hash": "matchmaker.engine.text",
    "top_k": "matchmaker.engine.ranking",
}

if TYPE_CHECKING:
    from matchmaker.engine.encoder import (
        CachingEncoder,
        Encoder,
        HashingEncoder,
        SentenceTransformerEncoder,
        l2_normalise,
        packaged_model_path,
    )
    from matchmaker.engine.explain import (
        ENGINE_VERSION,
        Component,
        Match,
        MatchedPhrase,
        missing_hints,
    )
    from matchmaker.engine.lexical import (
        LexicalIndex,
    )
    from matchmaker.engine.multilingual import make_encoder
    from matchmaker.engine.profiles import (
        KINDS,
        SECTORS,
        STAGES,
        Profile,
        ProfileVectors,
        combine_field_vectors,
        embed_profiles,
        embed_texts,
        field_texts_to_encode,
    )
    from matchmaker.engine.ranking import (
        mmr,
        passes_hard_filters,
        rank_counterparts_for,
        rank_startups_for,
        score_pair,
        top_k,
    )
    from matchmaker.engine.scoring import (
        COMPONENTS,
        CONFIDENT_MATCH_SCORE,
        ScoringConfig,
        component_similarities,
    )
    from matchmaker.engine.sectors import (
        SECTOR_PROTOTYPES,
        SectorSuggester,
    )
    from matchmaker.engine.similarity import (
        SimilaritySpace,
    )
    from matchmaker.engine.text import (
        normalise_text,
        split_sentences,
        text_hash,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "COMPONENTS",
    "CONFIDENT_MATCH_SCORE",
    "ENGINE_VERSION",
    "KINDS",
    "SECTORS",
    "SECTOR_PROTOTYPES",
    "STAGES",
    "CachingEncoder",
    "Component",
    "Encoder",
    "HashingEncoder",
    "LexicalIndex",
    "Match",
    "MatchedPhrase",
    "Profile",
    "ProfileVectors",
    "ScoringConfig",
    "SectorSuggester",
    "SentenceTransformerEncoder",
    "SimilaritySpace",
    "combine_field_vectors",
    "component_similarities",
    "embed_profiles",
    "embed_texts",
    "field_texts_to_encode",
    "l2_normalise",
    "make_encoder",
    "missing_hints",
    "mmr",
    "normalise_text",
    "packaged_model_path",
    "passes_hard_filters",
    "rank_counterparts_for",
    "rank_startups_for",
    "score_pair",
    "split_sentences",
    "text_hash",
    "top_k",
]
