"""The bundled deep_network submissions in their notebook form: each
percent-format file makes a notebook whose code cells are its code, cell
by cell, and which runs to the same functions."""
from __future__ import annotations

import ast

import pytest

from conftest import ROOT
from percent_notebooks import cells, code_of, notebook

FILES = sorted((ROOT / "submissions" / "deep_network").glob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_notebook_holds_the_same_code(path):
    text = path.read_text(encoding="utf-8")
    document = notebook(text)
    kinds = [c["cell_type"] for c in document["cells"]]
    assert kinds.count("markdown") >= 3 and kinds.count("code") >= 4
    code = code_of(document)
    assert ast.dump(ast.parse(code)) == ast.dump(ast.parse(text))   # comments aside, the same module
    defined = {n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}
    assert {"linear_forward", "L_model_forward", "L_model_backward", "update_parameters"} <= defined


def test_markdown_cells_lose_their_comment_marks():
    [(kind, source)] = cells("# %% [markdown]\n# # Title\n#\n# Some *text*.\n")
    assert kind == "markdown" and source == "# Title\n\nSome *text*."
