"""What a job worker imports before its first job's work, imported once by the forkserver of
``tests/jobs/warm_worker.py``, in the worker's order: the app (with numpy) first, then the thread
settings ``flask worker`` makes (matchmaker/cli_jobs.py), then what a refresh imports (scikit-learn's
text features)."""

import os

import flask.cli  # noqa: F401
import rq.worker  # noqa: F401

import matchmaker.app  # noqa: F401
import matchmaker.cli_jobs  # noqa: F401
import matchmaker.jobs.tasks  # noqa: F401
import matchmaker.jobs.worker  # noqa: F401

for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import sklearn.feature_extraction.text  # noqa: E402,F401
import sklearn.preprocessing  # noqa: E402,F401

# Korean text is analysed with Kiwi, whose model takes 0.5 s to load: loaded here as the app loads it
# (a long-running worker has it from its warm-up). Loading starts no thread; Kiwi starts its threads
# at its first analysis, which each worker does itself, so nothing runs across the fork.
from matchmaker.engine import words  # noqa: E402

words._analyser()
