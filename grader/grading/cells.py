"""A notebook's cells in a submission's result: the functions a failed cell
cost, notes on every failed cell, and each function's place as `cell N,
line M` (cases/notebook.py made the module, sandbox/cells.py ran it).

A cell that failed when it was run costs the graded functions it defines
that it did not get to define (its failing line came before their `def`,
or a syntax error kept all of it from running): each is an `error` that
names the cell, the line and the error. A function the cell defined before
it failed is graded as defined, and so is one a later cell defines again
(which the cell's definition would not have outlived); the note on the
cell says so."""
from __future__ import annotations

from ..cases.notebook import NotebookModule
from ..results import FunctionResult
from ..sandbox.answers import FailedCell, Loaded
from ..spec import Spec


def lost_functions(spec: Spec, notebook: NotebookModule, loaded: Loaded) -> tuple[dict[str, FunctionResult], list[str]]:
    """The graded functions failed cells cost, by name, and a note on each failed cell."""
    lost, notes = {}, []
    spans = {c.cell: c for c in notebook.cells}
    for failure in loaded.failed_cells:
        span = spans.get(failure.cell)
        if span is None:
            continue
        graded = [f for f in spec.graded if f.target in span.defines]
        kept = [f for f in graded if _defined_by(loaded, f.target, span)]
        later = [f for f in graded if _defined_after(loaded, f.target, span)]
        what = f"cell {failure.cell} failed when it was run ({_at(notebook, failure)}{_error_line(failure)})"
        for f in graded:
            if f not in kept and f not in later:
                lost[f.name] = FunctionResult.not_run(
                    f, "import", "timeout" if failure.error.kind == "timeout" else "error",
                    _lost_message(f.target, notebook, failure))
        notes.append(what + _consequence(graded, kept, later))
    return lost, notes


def placed(result: FunctionResult, notebook: NotebookModule) -> FunctionResult:
    """The function's result with its line as the notebook numbers it: its cell and its line there."""
    found = notebook.locate(result.line)
    if found is None:
        return result
    return result.model_copy(update={"cell": found[0], "line": found[1]})


def _lost_message(name: str, notebook: NotebookModule, failure: FailedCell) -> str:
    """Why a function defined in a failed cell could not be graded, and what to do."""
    where = f"{name} is defined in cell {failure.cell} of {notebook.shown}"
    if failure.error.kind == "syntax":
        return f"{where}, which has a syntax error, so none of that cell ran:\n{failure.error.describe()}"
    return (f"{where}, which failed at {notebook.where(failure.line)}, before it defined {name}:\n"
            f"{failure.error.describe()}\nA cell that loads data, trains or plots is best kept apart from the cells "
            "that define the graded functions.")


def _defined_by(loaded: Loaded, name: str, span) -> bool:
    """Whether the function the process found under `name` comes from this cell."""
    info = loaded.functions.get(name)
    return info is not None and info.line is not None and span.first <= info.line <= span.last


def _defined_after(loaded: Loaded, name: str, span) -> bool:
    """Whether the function the process found under `name` comes from a cell after this one."""
    info = loaded.functions.get(name)
    return info is not None and info.line is not None and info.line > span.last


def _at(notebook: NotebookModule, failure: FailedCell) -> str:
    return notebook.where(failure.line) if failure.line else f"cell {failure.cell}"


def _error_line(failure: FailedCell) -> str:
    """The error in one line: its type and the first line of its message."""
    err = failure.error
    first = (err.message.strip().splitlines() or [""])[0]
    return f": {err.type}: {first}" if err.type else f": {first}" if first else ""


def _consequence(graded: list, kept: list, later: list) -> str:
    if not graded:
        return "; it defines no graded function, so it costs nothing, and the cells after it ran"
    lost = [f.target for f in graded if f not in kept and f not in later]
    words = []
    if lost:
        words.append(f"{', '.join(lost)}, defined in it after that line, could not be graded")
    if kept:
        words.append(f"{', '.join(f.target for f in kept)}, defined before that line, {_were(kept)} graded as defined")
    if later:
        words.append(f"{', '.join(f.target for f in later)}, defined again in a later cell, {_were(later)} graded "
                     "as defined there")
    return "; " + "; ".join(words) + "; the cells after it ran"


def _were(functions: list) -> str:
    return "was" if len(functions) == 1 else "were"
