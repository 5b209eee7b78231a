"""Many submissions of one assignment, each graded as every command grades
one (one_submission.py): several at a time (run.py, workers.py), each
result saved as soon as it is made and reused while it is up to date
(store.py), split over machines and merged back (shards.py), one file
replayed beside the class's reports (replays.py), with a line or a bar of
progress (progress.py)."""
from .run import default_jobs, grade_batch

__all__ = ["default_jobs", "grade_batch"]
