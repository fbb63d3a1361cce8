"""The pure matching engine: embeddings, scoring, ranking, explanations, sectors and evaluation.

Imports only numpy, scipy and scikit-learn at import time; torch and sentence-transformers are
imported on the first real embedding. Never imports flask, sqlalchemy or other matchmaker modules.
"""

from matchmaker.engine.encoder import (
    CachingEncoder,
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    l2_normalise,
    make_encoder,
    packaged_model_path,
)
from matchmaker.engine.explain import (
    ENGINE_VERSION,
    Component,
    Match,
    MatchedPhrase,
    missing_hints,
)
from matchmaker.engine.lexical import LexicalIndex
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
from matchmaker.engine.sectors import SECTOR_PROTOTYPES, SectorSuggester
from matchmaker.engine.similarity import SimilaritySpace
from matchmaker.engine.text import normalise_text, split_sentences, text_hash

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
