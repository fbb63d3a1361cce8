"""What a learned similarity space costs a refresh: rank 10,000 startups for one partner with the
vectorised path (`engine/candidates.rank_against`), without a space (today's baseline) and with one
(first refresh of a process, the same candidates again, candidates rebuilt after one profile changed).

    .venv/bin/python bench/space.py [--candidates 10000] [--components 150] [--repeats 5]

Random unit vectors stand in for stored embeddings (the cost does not depend on what they say); no
lexical index, so the figures are the space's share of a refresh. Prints the fastest of the repeats, in ms.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from matchmaker.engine.candidates import CandidateSet, rank_against
from matchmaker.engine.profiles import Profile, ProfileVectors
from matchmaker.engine.scoring import ScoringConfig
from matchmaker.engine.space import LinearSpace

DIMENSION = 512


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.normal(size=(n, DIMENSION))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(1000 * (time.perf_counter() - started))
    return min(times)  # the machine is shared: the fastest run is the least disturbed


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--components", type=int, default=150, help="the space's learned dimensions")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.candidates
    fields = [_unit(rng, n) for _ in range(3)]
    profiles = [
        Profile(
            id=i, kind="startup", name=f"S{i}", description="d", offers="o", seeks="s", sectors=frozenset()
        )
        for i in range(n)
    ]
    vectors = [ProfileVectors(fields[0][i], fields[1][i], fields[2][i]) for i in range(n)]
    partner = Profile(id=n + 1, kind="partner", name="P", description="d", offers="o", seeks="s")
    partner_vectors = ProfileVectors(*(_unit(rng, 1)[0] for _ in range(3)))
    base = ScoringConfig()
    space = LinearSpace(rng.normal(size=(DIMENSION, args.components)), 0.3, 0.1, 0.6)
    spaced = replace(base, space=space)

    def refresh(candidates: CandidateSet, config: ScoringConfig) -> object:
        return rank_against(partner, partner_vectors, candidates, None, k=200, config=config)

    plain_set = CandidateSet.build(profiles, vectors, [2] * n)
    baseline = _median_ms(lambda: refresh(plain_set, base), args.repeats)
    first_set = CandidateSet.build(profiles, vectors, [2] * n)
    first = _median_ms(lambda: refresh(first_set, spaced), 1)  # maps every row: the process's first refresh
    again = _median_ms(lambda: refresh(first_set, spaced), args.repeats)

    def rebuilt() -> object:  # one profile changed: a new set, its rows found in the space's row cache
        return refresh(CandidateSet.build(profiles, vectors, [2] * n), spaced)

    rebuild = _median_ms(rebuilt, args.repeats)
    rebuild_plain = _median_ms(
        lambda: refresh(CandidateSet.build(profiles, vectors, [2] * n), base), args.repeats
    )
    print(f"{n} candidates, space of {args.components} learned dimensions + {DIMENSION}; fastest run, ms")
    print("| refresh of one partner | no space (today) | learned space |")
    print("| --- | ---: | ---: |")
    print(f"| same candidates as the last refresh | {baseline:.0f} | {again:.0f} |")
    print(f"| first refresh of a process | {baseline:.0f} | {first:.0f} |")
    print(f"| candidates rebuilt (a profile changed) | {rebuild_plain:.0f} | {rebuild:.0f} |")


if __name__ == "__main__":
    main()
