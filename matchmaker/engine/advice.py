"""What would raise a match: re-score a startup with one partner or investor under counterfactual
profile changes and report each change's gain in points.

Nothing here is a hand-written rule about what matters: every candidate change (fill or extend a
text field with what the other side asks for, add its sector, a stage it invests in, a round it can
lead, its tags) is scored by the same components and weights as the real match, so a gain is what
the change would really add to the score.

Text is suggested in the language the founder writes in. A sentence of the other side in that language
is suggested as it is; a sentence in the other language is said in the founder's language through the
domain glossary (its terms, in a short frame such as "제공할 수 있는 분야: 배터리 진단, 자율주행 실증."),
and the gain is measured for exactly that text. The other side's sentence is kept as the reason
(``quote``). A sentence with no glossary term cannot be said in the founder's language and is not tried.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from matchmaker.engine import glossary
from matchmaker.engine.encoder import Encoder
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.profiles import Profile, ProfileVectors, embed_profiles
from matchmaker.engine.scoring import ScoringConfig, combine, component_similarities, pair_weights, ticket_fit
from matchmaker.engine.text import join_texts, split_sentences
from matchmaker.engine.words import GENERIC_ENGLISH, GENERIC_KOREAN, is_korean

# Changes that add less than this (in points of 100) are not worth a founder's time.
MIN_GAIN_POINTS = 1.0
# Sentences of the other side's text tried one by one (each costs one embedding and one scoring).
MAX_SENTENCES = 6
STAGE_ORDER: tuple[str, ...] = ("idea", "pre_seed", "seed", "series_a", "series_b_plus", "growth")


@dataclass(frozen=True)
class Suggestion:
    """One change to the startup's profile, the profile values it sets, and what it adds to the score.

    ``code`` names the kind of change (``fill_offers``, ``extend_seeks``, ``add_sectors``, ``add_stage``,
    ``add_round``, ``add_tags`` ...); the app words it. ``changes`` maps Profile fields to their new values.
    """

    code: str
    changes: dict[str, object] = field(default_factory=dict)
    gain_points: float = 0.0
    score_after: float = 0.0
    quote: str = ""  # for text changes: the other side's sentence, the reason for the change
    text: str = ""  # for text changes: the text suggested, in the founder's language


def pair_score(
    startup: Profile,
    startup_vecs: ProfileVectors,
    other: Profile,
    other_vecs: ProfileVectors,
    lexical: LexicalIndex | None,
    config: ScoringConfig,
) -> float:
    """The score (0-1) of one pair, exactly as ranking computes it (weights, clipping)."""
    sims = component_similarities([startup], [startup_vecs], [other], [other_vecs], lexical, config=config)
    _, total = combine(sims, pair_weights(config, startup, other, lexical))
    return float(np.clip(total[0], 0.0, 1.0))


# How a field takes up glossary terms, per language the founder writes in ({terms}: "배터리 진단, 실증").
FRAMES: dict[str, dict[str, str]] = {
    "ko": {
        "offers": "제공할 수 있는 분야: {terms}.",
        "seeks": "찾고 있는 협력: {terms}.",
        "description": "주요 분야: {terms}.",
    },
    "en": {
        "offers": "We can offer: {terms}.",
        "seeks": "We are looking for: {terms}.",
        "description": "Our fields: {terms}.",
    },
}


_GENERIC = GENERIC_ENGLISH | GENERIC_KOREAN | {"startup", "startups"}


def writing_language(profile: Profile) -> str:
    """The language a profile is written in, "ko" or "en" (English when it has no text yet)."""
    text = join_texts(profile.description, profile.offers, profile.seeks)
    return "ko" if is_korean(text) else "en"


def in_language(sentence: str, language: str, field: str) -> str:
    """The sentence as the founder would add it to ``field``, in ``language``: as it is when written in
    that language; else its glossary terms said in that language, in the field's frame ("" if none)."""
    if ("ko" if is_korean(sentence) else "en") == language:
        return sentence
    terms: list[str] = []
    for match in glossary.load().find(sentence):
        term = (match.concept.korean if language == "ko" else match.concept.english)[0]
        if match.term.casefold() in _GENERIC or term.casefold() in _GENERIC:
            continue  # "startups", "platform": words every profile uses say nothing
        if term not in terms:
            terms.append(term)
    return FRAMES[language][field].format(terms=", ".join(terms)) if terms else ""


def _text_changes(
    startup: Profile, other: Profile, language: str
) -> list[tuple[str, dict[str, object], str, str]]:
    """Fill an empty text field, or extend a written one, with one sentence of the other side's words
    for what it wants, said in the founder's ``language`` (each sentence is a candidate; the caller
    keeps the one that adds most). Each is (code, changes, the other side's sentence, the text added)."""
    wanted = {
        "offers": other.seeks,  # what the startup offers is compared with what the other seeks
        "description": other.seeks,
        "seeks": other.offers,  # what the startup seeks is compared with what the other offers
    }
    out: list[tuple[str, dict[str, object], str, str]] = []
    for name, text in wanted.items():
        current = getattr(startup, name)
        for sentence in split_sentences(text, max_sentences=MAX_SENTENCES):
            added = in_language(sentence, language, name)
            if not added:
                continue
            if current.strip():
                out.append((f"extend_{name}", {name: join_texts(current, added)}, sentence, added))
            else:
                out.append((f"fill_{name}", {name: added}, sentence, added))
    return out


def _fact_changes(startup: Profile, other: Profile) -> list[tuple[str, dict[str, object]]]:
    """Structured facts the other side looks at: its sectors, its stages, a round it can lead, its tags."""
    out: list[tuple[str, dict[str, object]]] = []
    missing_sectors = other.sectors - startup.sectors
    if other.sectors and missing_sectors:
        out.append(("add_sectors", {"sectors": startup.sectors | missing_sectors}))
    if other.kind == "investor":
        if startup.stage is None and other.investor_stages:
            stage = min(other.investor_stages, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else 99)
            out.append(("add_stage", {"stage": stage}))
        if other.ticket_min_usd is not None or other.ticket_max_usd is not None:
            fit = ticket_fit(startup.raising_usd, other.ticket_min_usd, other.ticket_max_usd)
            if fit != 1.0:
                amount = _round_it_can_lead(other)
                if amount is not None:
                    out.append(("add_round", {"raising_usd": amount}))
    new_tags = [t for t in other.tags if t not in startup.tags]
    if new_tags:
        out.append(("add_tags", {"tags": tuple(startup.tags) + tuple(new_tags)}))
    return out


def _round_it_can_lead(investor: Profile) -> int | None:
    """A round size the investor's cheque could lead: its largest cheque as 40% of the round."""
    cheque = investor.ticket_max_usd or investor.ticket_min_usd
    return int(round(cheque / 0.4)) if cheque else None


def suggest_changes(
    startup: Profile,
    startup_vecs: ProfileVectors,
    other: Profile,
    other_vecs: ProfileVectors,
    encoder: Encoder,
    lexical: LexicalIndex | None = None,
    config: ScoringConfig | None = None,
    min_gain_points: float = MIN_GAIN_POINTS,
    language: str | None = None,
) -> list[Suggestion]:
    """Each candidate change re-scored on its own; those adding ``min_gain_points`` or more, best first.

    Text is suggested in ``language`` ("ko" or "en"; by default the one the startup writes in)."""
    config = config or ScoringConfig.for_model(encoder.model_id)
    language = language or writing_language(startup)
    before = pair_score(startup, startup_vecs, other, other_vecs, lexical, config)
    candidates = _text_changes(startup, other, language) + [
        (c, ch, "", "") for c, ch in _fact_changes(startup, other)
    ]
    texts = [
        changes
        for _, changes, _, _ in candidates
        if any(n in changes for n in ("description", "offers", "seeks"))
    ]
    changed_profiles = [replace(startup, **changes) for changes in texts]  # type: ignore[arg-type]
    embedded = dict(zip(map(id, texts), embed_profiles(changed_profiles, encoder), strict=True))
    best: dict[str, Suggestion] = {}
    for code, changes, quote, added in candidates:
        changed = replace(startup, **changes)  # type: ignore[arg-type]
        vecs = embedded.get(id(changes), startup_vecs)
        after = pair_score(changed, vecs, other, other_vecs, lexical, config)
        gain = round(100.0 * (after - before), 1)
        if gain >= min_gain_points and (code not in best or gain > best[code].gain_points):
            best[code] = Suggestion(code, dict(changes), gain, after, quote, added)
    return sorted(best.values(), key=lambda s: (-s.gain_points, s.code))
