"""The words of a check, as every text format shows them: what was found,
then the diagnosis on a line of its own, then any note on the answer's
form. Formatted here, once."""
from __future__ import annotations

from ..results import Check, FunctionResult, Note


def check_text(c: Check) -> str:
    """A check's message with its diagnosis and notes, if it has any."""
    lines = [c.message] if c.message else []
    if c.explanation:
        lines.append(f"Diagnosis: {c.explanation}")
    lines += [f"Note: {note_text(n)}" for n in c.notes]
    return "\n".join(lines)


def note_text(n: Note) -> str:
    """What a note says: which form the answer took, and how it was judged."""
    if n.code == "size_one_scalar":
        return (f"{n.output} is an array of shape {tuple(n.shape or ())} where a scalar is expected; it was "
                "judged on its one value (float(...) or .item() returns the scalar itself)")
    masked = "" if n.masked is None else f" with {n.masked} element{'s' if n.masked != 1 else ''} masked"
    return (f"{n.output} is a {n.type}{masked}; it was judged on all its values as a plain numpy array "
            "(np.asarray(...) gives that array)")


def place_text(f: FunctionResult) -> str:
    """Where the student defined the function: `line 12`, or in a notebook
    `cell 7, line 3`; empty where it is not known."""
    if not f.line:
        return ""
    return f"cell {f.cell}, line {f.line}" if f.cell else f"line {f.line}"


def convention_text(f: FunctionResult) -> str:
    """Which accepted convention the function was judged against: the one its
    answers follow, or where none matched every check, the closest; empty
    where the assignment accepts only the reference's."""
    if f.convention is None:
        return ""
    if f.score >= f.max_score:
        return f"convention: {f.convention}"
    return f"judged against the closest convention: {f.convention}"


FORK_SERVER_WALLS = {"network": "no network", "filesystem": "a private file system", "pids": "its own process ids",
                     "ipc": "its own IPC", "seccomp": "a system-call filter"}


def isolation_text(features: dict) -> str:
    """How the student's code was kept apart, as the sandbox found the
    platform (`features`: a fork server's, or a Spawner's where none runs)."""
    if features.get("fork_server") is False:
        limits = ("time, CPU, memory, file-size, open-file and process limits," if features.get("memory")
                  else "time, CPU, file-size, open-file and process limits; no memory limit," if features.get("rlimits")
                  else "a time limit; no memory, CPU or file-size limits,")
        return (f"isolation: a separate process only, with {limits} and no network, file-system or system-call "
                "walls on this platform")
    walls = [text for name, text in FORK_SERVER_WALLS.items() if features.get(name)]
    missing = [text for name, text in FORK_SERVER_WALLS.items() if not features.get(name)]
    line = ("isolation: a process of its own, forked from a clean server, with time, CPU, memory, file-size and "
            "open-file limits" + "".join(f", {w}" for w in walls))
    return line + (f"; missing on this machine: {', '.join(missing)}" if missing else "")
