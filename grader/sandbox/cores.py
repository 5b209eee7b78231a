"""Which cores a process runs on: a grading worker is pinned to one, and
the student processes it asks for run on the same (see batch/workers.py)."""
from __future__ import annotations

import os


def cores() -> int:
    """How many cores this process may run on."""
    allowed = allowed_cores()
    return len(allowed) if allowed else os.cpu_count() or 1


def allowed_cores() -> list[int] | None:
    """The cores this process may run on, where the platform says (Linux)."""
    try:
        return sorted(os.sched_getaffinity(0)) or None
    except (AttributeError, OSError):
        return None


def pin(core_set: list[int] | None) -> None:
    """Run this process (and what it forks from now on) on these cores only, if the platform can."""
    if core_set:
        try:
            os.sched_setaffinity(0, core_set)
        except (AttributeError, OSError, ValueError, TypeError):
            pass
