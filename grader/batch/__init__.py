"""Many submissions of one assignment, each graded as every command grades
one (one_submission.py): several at a time (run.py, workers.py), each
result saved as soon as it is made and reused while it is up to date
(store.py), split over machines and merged back (shards.py), one file
replayed beside the class's reports (replays.py), with a line or a bar of
progress (progress.py). Importing this package imports none of them: a
command that grades one file imports one_submission.py alone, and
`default_jobs` and `grade_batch` (run.py) are imported on first use."""
from __future__ import annotations

__all__ = ["default_jobs", "grade_batch"]


def __getattr__(name: str):
    if name in __all__:
        from . import run
        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
