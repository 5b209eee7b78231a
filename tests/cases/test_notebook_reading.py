"""Reading a notebook: one of the current format is read as plain JSON,
any other through nbformat; both readings give the same module."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.cases.notebook import module_of, read_notebook

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "submissions" / "deep_network").glob("*.ipynb"))


def by_nbformat(path: Path):
    cells = nbformat.reads(path.read_text(), as_version=4).cells
    return module_of(cells, path.name)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_a_current_notebook_reads_as_nbformat_reads_it(path):
    plain, read = read_notebook(path), by_nbformat(path)
    assert (plain.source, plain.cells, plain.notes) == (read.source, read.cells, read.notes)
    assert "def " in plain.source


def test_a_notebook_of_format_3_is_converted_by_nbformat(tmp_path):
    v4 = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Layers"),
                                         nbformat.v4.new_code_cell("%matplotlib inline\ndef f(x):\n    return 2 * x")])
    old = tmp_path / "old.ipynb"
    old.write_text(nbformat.writes(nbformat.convert(v4, 3)))
    assert json.loads(old.read_text())["nbformat"] == 3
    module = read_notebook(old)
    assert "def f(x):\n    return 2 * x" in module.source
    assert any("%matplotlib inline" in note for note in module.notes)


@pytest.mark.parametrize("source, kind", [(7, "a number"), (None, "null"), ({"a": 1}, "an object"),
                                          (True, "a boolean")])
def test_a_cell_whose_source_is_no_text_is_left_out_with_a_note(tmp_path, source, kind):
    odd = tmp_path / "odd.ipynb"
    cells = [{"cell_type": "code", "id": "one", "source": "def f(x):\n    return x", "metadata": {}, "outputs": [],
              "execution_count": None},
             {"cell_type": "code", "id": "two", "source": source, "metadata": {}, "outputs": [], "execution_count": None}]
    odd.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    module = read_notebook(odd)
    assert module.source == by_nbformat(odd).source == "def f(x):\n    return x\n"
    assert module.notes == [f"cell 2's source is not text (it is {kind}): the cell was left out"]


def test_reading_a_current_notebook_leaves_nbformat_unimported():
    code = ("import sys; from grader.cases.notebook import read_notebook; "
            f"read_notebook({str(BUNDLED[0])!r}); print('nbformat' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"
