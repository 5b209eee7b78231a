"""backprop-grader: grades hand-derived gradient exercises.

The pipeline: spec -> cases/ (what is graded, on what inputs) -> reference/
(its answers) -> grading, which runs each submission through sandbox/ (a
student's process and everything that touches it) and judge/ (comparisons,
checks, diagnoses) -> results -> reports/. batch/ grades many submissions,
cli/ holds the commands, authoring/ the instructor's tools."""

import os

__version__ = "0.1.0"

# Grading multiplies small arrays: BLAS threads would only spin beside the
# grading workers and student processes that already use every core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def self_check(assignment: str, file=None) -> None:
    """In a notebook: run the assignment's public checks on your file (by
    default `<module>.ipynb` or `.py` here) and show them, as `self-check`
    does. The checks run in processes of their own (cli/in_notebook.py)."""
    from .cli.in_notebook import self_check as run
    run(assignment, file)


def load_ipython_extension(ipython) -> None:
    """`%load_ext grader`: adds `%self_check ASSIGNMENT [FILE]` (cli/in_notebook.py)."""
    from .cli.in_notebook import load_ipython_extension as load
    load(ipython)


def build_id() -> str:
    """The version and a digest of the grader's code: stored results and case
    pools made by other code (even of the same version) are not reused."""
    global _build_id
    if _build_id is None:
        import hashlib
        from pathlib import Path
        h = hashlib.sha256(__version__.encode())
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        _build_id = f"{__version__}+{h.hexdigest()[:16]}"
    return _build_id


_build_id: str | None = None
