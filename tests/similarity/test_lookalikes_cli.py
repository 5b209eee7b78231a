"""`grade DIR` finds look-alike submissions end to end: among six
independent solutions of ner_window (tests/similarity/lookalike_class:
loops, einsum, layer objects, one-hot matrices...), a renamed and
reformatted copy of one, a notebook holding a renamed copy of another in
its code cells, and a student's folder holding a copy of a third, the
copies and only the copies are listed, in similarity.json and on the class
page, with a side-by-side page of what they share."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest
from conftest import run_cli

CLASS = Path(__file__).parent / "lookalike_class" / "ner_window"
INDEPENDENT = ("kofi", "lena", "priya", "tomas", "wen")
COPIES = {frozenset(("sam", "tomas")), frozenset(("noor", "priya")), frozenset(("otto", "kofi"))}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"]


def renamed(text: str, names: dict[str, str]) -> str:
    return re.sub(r"\b\w+\b", lambda m: names.get(m.group(), m.group()), text)


def make_class(folder: Path) -> Path:
    """The tests' class, plus a notebook copy (noor), a folder copy (otto) and a file that does not lex (bad)."""
    folder = folder / "ner_window"
    shutil.copytree(CLASS, folder)
    priya = renamed((CLASS / "priya.py").read_text(), {"sig": "logistic", "out": "X_out", "grad": "dL", "hidden": "a1",
                                                        "total": "acc", "coef": "scale", "local": "d_hidden"})
    cells = [nbformat.v4.new_markdown_cell("# NER window, by Noor")]
    cells += [nbformat.v4.new_code_cell(("def " if n else "") + part.strip()) for n, part in enumerate(
        priya.split("\ndef "))]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "noor.ipynb")
    (folder / "otto").mkdir()
    (folder / "otto" / "ner_window.py").write_text(
        "# Otto's\n" + renamed((CLASS / "kofi.py").read_text(), {"h": "act", "dz": "g", "gx": "a", "gW": "B",
                                                                  "gb": "c", "gu": "d", "c": "k"}).replace("    ", "  "))
    (folder / "otto" / "plots.py").write_text("import matplotlib.pyplot as plt\n\n\ndef show(losses):\n"
                                              "    plt.plot(losses)\n    plt.show()\n")
    (folder / "bad.py").write_text("import numpy as np\n\n\ndef score(x, W, b, u):\n    return u @ np.tanh(W @ x + b\n")
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("lookalikes")
    folder = make_class(root)
    out = root / "reports"
    done = run_cli("grade", str(folder), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return done, out / "ner_window"


def pairs(report: Path) -> dict[frozenset, dict]:
    data = json.loads((report / "similarity.json").read_text(encoding="utf-8"))
    return {frozenset((p["a"], p["b"])): p for p in data["pairs"]}


def test_the_copies_and_only_the_copies_are_listed(graded):
    done, report = graded
    found = pairs(report)
    assert set(found) == COPIES
    for pair in found.values():
        assert min(pair["similarity_a"], pair["similarity_b"]) >= 0.8, pair
        assert pair["regions"] and not pair["known"]
    assert "ner_window: 3 look-alike pairs (similarity 50% or more) among 9 submissions: similarity.json" in done.stdout


def test_the_regions_name_files_lines_and_notebook_cells(graded):
    _, report = graded
    found = pairs(report)
    sam = found[frozenset(("sam", "tomas"))]
    sides = {sam["a"]: "a", sam["b"]: "b"}
    lengths = {"sam": len((CLASS / "sam.py").read_text().splitlines()),
               "tomas": len((CLASS / "tomas.py").read_text().splitlines())}
    for region in sam["regions"]:
        for name, side in sides.items():
            lines = region[side]
            assert lines["file"] == f"{name}.py" and 1 <= lines["first"] <= lines["last"] <= lengths[name]
    noor = found[frozenset(("noor", "priya"))]
    side = "a" if noor["a"] == "noor" else "b"
    assert all(r[side]["file"] == "noor.ipynb" and re.fullmatch(r"cell \d+, line \d+ to cell \d+, line \d+",
                                                                 r[side]["where"]) for r in noor["regions"])
    otto = found[frozenset(("otto", "kofi"))]
    side = "a" if otto["a"] == "otto" else "b"
    assert {r[side]["file"] for r in otto["regions"]} == {"ner_window.py"}


def test_a_file_that_does_not_lex_is_said_and_the_run_goes_on(graded):
    done, report = graded
    assert "ner_window: look-alikes: bad: bad.py does not tokenise (a bracket is never closed)" in done.stderr
    problems = json.loads((report / "similarity.json").read_text())["problems"]
    assert [p["name"] for p in problems] == ["bad"]
    assert (report / "bad.html").exists()


def test_no_two_independent_solutions_come_near_the_threshold(tmp_path):
    folder = tmp_path / "ner_window"
    folder.mkdir()
    for name in INDEPENDENT:
        shutil.copy(CLASS / f"{name}.py", folder)
    done = run_cli("grade", str(folder), "--out", str(tmp_path / "out"), "--similarity-threshold", "0.1",
                   "--format", "json")
    assert done.returncode == 0, done.stderr
    assert pairs(tmp_path / "out" / "ner_window") == {}
    assert "no look-alike pairs (similarity 10% or more) among 5 submissions" in done.stdout


def dom(chromium: str, page: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        run = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0 and "<body" in run.stdout, run.stderr
    return run.stdout


def test_the_class_page_lists_the_pairs_and_links_them_side_by_side(graded, chromium):
    _, report = graded
    page = dom(chromium, report / "index.html")
    section = re.search(r'<section class="panel" id="lookalikes".*?</section>', page, re.DOTALL).group()
    assert "3 pairs with at least 50% of one side's code found in the other" in section
    side = dom(chromium, report / "_similarity.html")
    for pair in COPIES:
        row = next(r for r in re.findall(r"<tr>.*?</tr>", section, re.DOTALL) if all(f">{n}</a>" in r for n in pair))
        assert all(f'href="{n}.html"' in row for n in pair)
        number = re.search(r'href="_similarity.html#pair-(\d+)"', row).group(1)
        shown = re.search(rf'<section class="pair" id="pair-{number}">.*?</section>', side, re.DOTALL).group()
        assert all(f">{n}</a>" in shown for n in pair)
    sam = re.search(r'<section class="pair" id="pair-\d+">\s*<h2>(sam and tomas|tomas and sam).*?</section>',
                    side, re.DOTALL).group()
    assert "stable_sigmoid" in sam and "_logistic" in sam   # each side's own code, beside the other's
    noor = re.search(r'<section class="pair" id="pair-\d+">\s*<h2>(noor and priya|priya and noor).*?</section>',
                     side, re.DOTALL).group()
    assert re.search(r'<span class="n">\d+:\d+</span><span class="t mono">def logistic\(t\):</span>', noor)


def test_known_solutions_are_compared_with_every_submission(tmp_path):
    folder, known = tmp_path / "ner_window", tmp_path / "known"
    folder.mkdir()
    known.mkdir()
    for name in ("sam", "kofi", "lena"):
        shutil.copy(CLASS / f"{name}.py", folder)
    shutil.copy(CLASS / "tomas.py", known / "github_solution.py")
    done = run_cli("grade", str(folder), "--out", str(tmp_path / "out"), "--compare-with", str(known))
    assert done.returncode == 0, done.stderr
    found = pairs(tmp_path / "out" / "ner_window")
    assert list(found) == [frozenset(("sam", "github_solution.py"))]
    pair = found[frozenset(("sam", "github_solution.py"))]
    assert (pair["a"], pair["b"], pair["known"]) == ("sam", "github_solution.py", True)
    assert "known solution github_solution.py" in (tmp_path / "out" / "ner_window" / "index.html").read_text()
    missing = run_cli("grade", str(folder), "--out", str(tmp_path / "out"), "--compare-with", str(tmp_path / "none"))
    assert missing.returncode == 2 and "--compare-with names a folder of known solutions" in missing.stderr


def test_a_run_without_the_comparison_leaves_no_stale_pairs(tmp_path):
    folder = tmp_path / "ner_window"
    folder.mkdir()
    for name in ("sam", "tomas"):
        shutil.copy(CLASS / f"{name}.py", folder)
    out = tmp_path / "out"
    assert run_cli("grade", str(folder), "--out", str(out)).returncode == 0
    assert 'id="lookalikes"' in (out / "ner_window" / "index.html").read_text()
    done = run_cli("grade", str(folder), "--out", str(out), "--no-similarity")
    assert done.returncode == 0, done.stderr
    assert not (out / "ner_window" / "similarity.json").exists()
    assert not (out / "ner_window" / "_similarity.html").exists()
    assert 'id="lookalikes"' not in (out / "ner_window" / "index.html").read_text()
