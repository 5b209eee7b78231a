"""Notebooks from Python files in the percent format (cells begin at lines
`# %%`, markdown cells at `# %% [markdown]`, whose lines are `# ` comments),
as Jupyter writes them: the bundled deep_network submissions are kept as
such files, and their notebook forms (the same code, cell by cell) are made
from them, so that a `.py` and its `.ipynb` never drift apart.

    python tests/percent_notebooks.py submissions/deep_network/*.py

writes an `.ipynb` beside each file; `notebook(text)` gives the document."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELL = re.compile(r"^# %%( \[markdown\])?[^\n]*$", re.MULTILINE)


def cells(text: str) -> list[tuple[str, str]]:
    """(cell type, source) of each cell, in order; text before the first marker is a code cell."""
    found, starts = [], list(CELL.finditer(text))
    head = text[:starts[0].start()] if starts else text
    if head.strip():
        found.append(("code", head.strip("\n")))
    for k, m in enumerate(starts):
        body = text[m.end():starts[k + 1].start() if k + 1 < len(starts) else len(text)].strip("\n")
        if m.group(1):
            found.append(("markdown", "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())))
        elif body.strip():
            found.append(("code", body))
    return found


def notebook(text: str) -> dict:
    """The nbformat 4 document of a percent-format file, validated; cell ids numbered."""
    made = [new_markdown_cell(source) if kind == "markdown" else new_code_cell(source) for kind, source in cells(text)]
    for number, cell in enumerate(made, 1):
        cell["id"] = f"cell-{number}"
    document = new_notebook(cells=made, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(document)
    return json.loads(nbformat.writes(document))


def code_of(document: dict) -> str:
    """A notebook's code cells, joined as a module."""
    return "\n\n".join(_text(c["source"]) for c in document["cells"] if c["cell_type"] == "code") + "\n"


def _text(source) -> str:
    return source if isinstance(source, str) else "".join(source)


def write(path: Path) -> Path:
    target = path.with_suffix(".ipynb")
    target.write_text(json.dumps(notebook(path.read_text(encoding="utf-8")), indent=1) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(write(Path(name)))
