"""Notebooks as a student writes them, built with nbformat from the bundled
correct answer (ada.py): shared by the tests of every way in that grades
one. `class_notebook` is the one most tests grade; where each of its
mistakes is, is spelled out beside it, and every message must name it."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from conftest import correct_source

# The class notebook, cell by cell (cell numbers count markdown cells too):
#   1 markdown
#   2 `%matplotlib inline`, numpy, `!pip install numpy`: IPython's lines, left out with a note
#   3 sigmoid, window_vectors, window_vectors_backward, score: correct
#   4 loads a data file the student's process does not have (line 1), then defines score_grads
#   5 ner_loss_and_grads, which raises a NameError when called, at its line 2
#   6 a syntax error (line 1) in a cell that defines no graded function
#   7 a plot with a library that is not installed: it fails, costing nothing
MISSING_DATA = "data = np.load('train.npy')"
BROKEN_LINE = "    undefined_name  # cell 5, line 2"
SYNTAX_ERROR = "for epoch in range(3)\n    print(epoch)"
PLOT = "import a_plotting_library_not_here as plotting\nplotting.plot(data)"


def functions_of(source: str) -> dict[str, str]:
    """The source of each top-level function, by name."""
    lines = source.splitlines()
    return {n.name: "\n".join(lines[n.lineno - 1:n.end_lineno]) for n in ast.parse(source).body
            if isinstance(n, ast.FunctionDef)}


def class_cells() -> list:
    code = functions_of(correct_source())
    loss = code["ner_loss_and_grads"].split("\n")
    v4 = nbformat.v4
    return [
        v4.new_markdown_cell("# NER window\nThe exercise, with its derivations."),
        v4.new_code_cell("%matplotlib inline\nimport numpy as np\n!pip install numpy"),
        v4.new_code_cell("\n\n".join(code[n] for n in ("sigmoid", "window_vectors", "window_vectors_backward",
                                                       "score"))),
        v4.new_code_cell(MISSING_DATA + "\n\n" + code["score_grads"]),
        v4.new_code_cell("\n".join([loss[0], BROKEN_LINE] + loss[1:])),
        v4.new_code_cell(SYNTAX_ERROR),
        v4.new_code_cell(PLOT),
    ]


def with_outputs(cells: list) -> list:
    """The cells as a notebook that was run saves them: outputs, images, execution counts."""
    for count, cell in enumerate(cells, 1):
        if cell.cell_type == "code":
            cell.execution_count = count
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="epoch 0\n"),
                            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                                         "text/plain": "<Figure>"})]
    return cells


def write_notebook(path: Path, cells: list, widgets: bool = False) -> Path:
    """A notebook file at `path`; with `widgets`, the widget state Jupyter saves beside them."""
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if widgets:
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "version_major": 2, "version_minor": 0, "state": {"abc": {"model_name": "IntSliderModel",
                                                                      "model_module": "@jupyter-widgets/controls",
                                                                      "model_module_version": "2.0.0",
                                                                      "state": {"value": 3}}}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def cells_of(source: str) -> list:
    """A .py file as a notebook: what comes before its first function in a cell, then a cell per function."""
    first = next(n.lineno for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    head = "\n".join(source.splitlines()[:first - 1]).strip()
    return [nbformat.v4.new_code_cell(head)] + [nbformat.v4.new_code_cell(c) for c in functions_of(source).values()]


def correct_cells() -> list:
    """ada.py as a notebook: an import cell and a cell per function."""
    return cells_of(correct_source())


def line_in_cell(cells: list, number: int, text: str) -> int:
    """The line of cell `number` (counting every cell from 1) that holds `text`."""
    lines = cells[number - 1].source.splitlines()
    return next(k for k, line in enumerate(lines, 1) if text in line)
