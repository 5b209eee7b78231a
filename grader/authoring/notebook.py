"""The starter as a notebook, for an assignment whose spec asks for one
(`[handout] notebook = true`): the instructions as markdown cells, one per
section, then the starter as code cells, its header (docstring, imports)
first and each top-level function or class in a cell of its own. Nothing is
added or left out: the cells, read in order, are instructions.md and then
starter.py, less the blank lines between cells.

Cell ids are numbered rather than random, so handing out the same files
twice writes the same notebook."""
from __future__ import annotations

import ast

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..spec import SpecError

FENCES = ("```", "~~~")


def starter_notebook(instructions: str, starter: str, name: str = "starter.py") -> str:
    """The notebook's JSON text, validated against the notebook format."""
    cells = [new_markdown_cell(text) for text in markdown_sections(instructions)]
    cells += [new_code_cell(code) for code in code_blocks(starter, name)]
    for number, cell in enumerate(cells, 1):
        cell["id"] = f"cell-{number}"
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def markdown_sections(text: str) -> list[str]:
    """The text cut before each heading (a line starting with `#` outside a
    fenced code block), each piece without its surrounding blank lines."""
    sections, current, fence = [], [], None
    for line in text.splitlines():
        marker = next((f for f in FENCES if line.lstrip().startswith(f)), None)
        if marker and fence is None:
            fence = marker
        elif marker and marker == fence:
            fence = None
        elif fence is None and line.startswith("#") and current:
            sections.append(current)
            current = []
        current.append(line)
    sections.append(current)
    return [piece for piece in ("\n".join(lines).strip("\n") for lines in sections) if piece.strip()]


def code_blocks(source: str, name: str = "starter.py") -> list[str]:
    """The source cut before each top-level function or class (with its
    decorators and the comment lines right above it)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise SpecError(f"{name}: not valid Python (line {e.lineno}: {e.msg}); it cannot become a notebook") from None
    lines = source.splitlines()
    starts = [_first_line(node, lines) for node in tree.body
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    cuts = [0] + [s for s in starts if s > 0] + [len(lines)]
    blocks = ["\n".join(lines[a:b]).strip("\n") for a, b in zip(cuts, cuts[1:])]
    return [block for block in blocks if block.strip()]


def _first_line(node: ast.stmt, lines: list[str]) -> int:
    """The 0-based first line of a definition: its first decorator, or a
    comment block just above it."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    return first
