"""A failure of the student's process (an exception, a timeout, a crash)
as the verdict of the check that was waiting for its answer."""
from __future__ import annotations

import re

import numpy as np

from ..judge.checks import Verdict
from ..sandbox.answers import Reply

# numpy 1.24 removed these aliases: what to write instead
NUMPY1_ALIASES = {"float": "float or np.float64", "int": "int or np.int64", "bool": "bool or np.bool_",
                  "object": "object", "complex": "complex or np.complex128", "str": "str", "long": "int",
                  "unicode": "str"}
REMOVED_ALIAS = re.compile(r"module 'numpy' has no attribute '(\w+)'")
# errors that come from the student's process's walls, not from their code's logic: what they mean
WALLS = [("RuntimeError", "can't start new thread",
          "The grader runs your code with no threads or processes of its own (its sandbox allows none): compute "
          "in the one thread it calls your function in."),
         ("EOFError", "EOF when reading a line",
          "input() reads nothing here: the grader gives your code no keyboard; take what it needs as arguments.")]


class Refused(Exception):
    """A step of a check could not be taken (an argument could not be made,
    an answer could not be read): `verdict` says why, and is the check's."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.message)
        self.verdict = verdict


def raised(reply: Reply, subject: str) -> Verdict:
    """The verdict on `subject` ("score", "... which") whose call failed:
    it raised an error, or did not finish in time (a timeout raises nothing)."""
    happened = "did not finish in time" if reply.error.kind == "timeout" else "raised an error"
    return failure(reply, f"{subject} {happened}")


def failure(reply: Reply, what: str) -> Verdict:
    """The verdict on a reply that is an error: `what` failed, and why."""
    err = reply.error
    if err.kind == "timeout":
        return Verdict("timeout", f"{what}: {err.message}")
    message = f"{what}:\n{err.describe()}"
    message += "".join(f"\n{hint}" for type_, text, hint in WALLS if err.type == type_ and text in err.message)
    alias = REMOVED_ALIAS.search(err.message)
    if alias and alias.group(1) in NUMPY1_ALIASES:
        message += (f"\nThis file works on numpy 1.x only: np.{alias.group(1)} was removed in numpy 1.24, and "
                    f"grading runs numpy {np.__version__}; write {NUMPY1_ALIASES[alias.group(1)]} instead")
    return Verdict("error", message, lines=list(err.lines))
