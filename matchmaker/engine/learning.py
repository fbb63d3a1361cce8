"""Learning component weights from what happened after introductions.

A regularised logistic regression on the calibrated components of past pairs (a good outcome or
not), per counterpart kind and, with enough history, per partner. The penalty pulls the
coefficients towards today's weights (times ``prior_scale``), so thin history changes little and
no history changes nothing: the learner then returns today's weights exactly. Learned weights are
the positive part of the coefficients, normalised to sum to 1, so a score stays in [0, 1] and every
explanation still adds up to its score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from matchmaker.engine.scoring import COMPONENTS, ScoringConfig

KINDS: tuple[str, ...] = ("partner", "investor")


@dataclass(frozen=True)
class Observation:
    """One past pair: its calibrated component similarities (NaN = missing), and whether it went well."""

    similarities: tuple[float, ...]
    good: bool
    kind: str  # the counterpart's kind: "partner" or "investor"
    counterpart_id: int


def features(similarities: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The part of each component a score uses (max(0, similarity), missing = 0) for ``names``."""
    columns = np.asarray(similarities, dtype=np.float64)[:, [COMPONENTS.index(n) for n in names]]
    return np.nan_to_num(np.clip(columns, 0.0, None), nan=0.0)


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray,
    strength: float,
    intercept_strength: float = 1e-2,
    max_iter: int = 100,
) -> tuple[float, np.ndarray]:
    """Minimise log-loss + strength/2 |beta - prior|^2 (+ a slight pull of the intercept to 0).

    Newton steps, halved while they do not lower the objective (it is convex, so this converges).
    """
    n, d = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    target = np.concatenate([[0.0], prior])
    penalty = np.concatenate([[intercept_strength], np.full(d, strength)])

    def objective(theta: np.ndarray) -> float:
        z = design @ theta
        return float(np.logaddexp(0.0, z).sum() - y @ z + 0.5 * penalty @ (theta - target) ** 2)

    theta = target.copy()
    value = objective(theta)
    for _ in range(max_iter):
        p = 0.5 * (1.0 + np.tanh(0.5 * (design @ theta)))  # the logistic function, without overflow
        gradient = design.T @ (p - y) + penalty * (theta - target)
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6 and objective(theta - size * step) > value:
            size /= 2
        theta = theta - size * step
        new_value = objective(theta)
        if value - new_value < 1e-10:
            break
        value = new_value
    return float(theta[0]), theta[1:]


def as_weights(
    coefficients: np.ndarray, names: Sequence[str], fallback: Mapping[str, float]
) -> dict[str, float]:
    """Positive coefficients normalised to sum to 1; the fallback when none is positive."""
    positive = np.clip(coefficients, 0.0, None)
    total = positive.sum()
    if total <= 0:
        return dict(fallback)
    return {n: float(w / total) for n, w in zip(names, positive, strict=True)}


class OutcomeLearner:
    """Learns component weights per counterpart kind (and per partner with enough history).

    ``prior_strength`` is how many observations' worth of belief today's weights carry;
    ``prior_scale`` turns a weight into a logit coefficient (a score gap of 0.1 is then a
    logit gap of ``0.1 * prior_scale``). Learned attributes: ``kind_weights_``,
    ``counterpart_weights_``, ``history_`` (observations per kind) and ``counterpart_history_``.
    """

    def __init__(
        self, prior_strength: float = 10.0, prior_scale: float = 10.0, min_counterpart_history: int = 30
    ) -> None:
        self.prior_strength = prior_strength
        self.prior_scale = prior_scale
        self.min_counterpart_history = min_counterpart_history

    def fit(self, observations: Sequence[Observation], defaults: ScoringConfig) -> OutcomeLearner:
        """Fit every kind with history; kinds without any keep ``defaults``' weights untouched."""
        self.kind_weights_: dict[str, dict[str, float]] = {}
        self.counterpart_weights_: dict[int, dict[str, float]] = {}
        self.history_: dict[str, int] = {}
        self.counterpart_history_: dict[int, int] = {}
        for kind in KINDS:
            base = dict(defaults.investor_weights if kind == "investor" else defaults.partner_weights)
            rows = [o for o in observations if o.kind == kind]
            self.history_[kind] = len(rows)
            if not rows:
                self.kind_weights_[kind] = base
                continue
            names = [n for n in COMPONENTS if base.get(n, 0) > 0]
            prior = self.prior_scale * np.array([base[n] for n in names])
            x = features(np.array([o.similarities for o in rows]), names)
            y = np.array([1.0 if o.good else 0.0 for o in rows])
            _, beta = fit_logistic(x, y, prior, self.prior_strength)
            self.kind_weights_[kind] = as_weights(beta, names, base)
            by_counterpart: dict[int, list[int]] = defaultdict(list)
            for i, o in enumerate(rows):
                by_counterpart[o.counterpart_id].append(i)
            for counterpart_id, index in by_counterpart.items():
                self.counterpart_history_[counterpart_id] = len(index)
                if len(index) < self.min_counterpart_history:
                    continue
                _, own = fit_logistic(x[index], y[index], beta, self.prior_strength)
                self.counterpart_weights_[counterpart_id] = as_weights(own, names, self.kind_weights_[kind])
        return self

    def config(self, base: ScoringConfig) -> ScoringConfig:
        """``base`` with the learned weights; ``base`` itself when nothing was learned."""
        if not any(self.history_.values()):
            return base
        return replace(
            base,
            partner_weights=self.kind_weights_["partner"],
            investor_weights=self.kind_weights_["investor"],
            counterpart_weights=dict(self.counterpart_weights_),
        )
