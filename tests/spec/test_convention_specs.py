"""Accepted conventions in the spec (`[[conventions]]`): the bundled specs
declare theirs, each function is judged against those that change its
expected answers, and a spec that declares them wrongly is refused at the
place of the mistake."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_cli
from spec_edits import problems, raw_spec
from grader.spec import load_spec
from grader.spec.conventions import conventions_of, own_convention

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SVM = ROOT / "assignments" / "linear_svm"


@pytest.fixture(scope="module")
def raw() -> dict:
    return raw_spec(SVM)


def test_each_function_is_judged_against_the_conventions_that_change_its_answers():
    layers = load_spec(ROOT / "assignments" / "layers")
    judged = {f.name: [c.name for c in conventions_of(layers, f)] for f in layers.graded}
    # dropout's backward is given its forward's mask and differenced through it: it follows the forward
    assert {name for name, found in judged.items() if found} == {
        "dropout_forward", "dropout_forward_test_mode", "dropout_backward"}
    assert judged["dropout_backward"] == ["p_drop", "p_drop_keep_below"] and own_convention(layers) == "p_keep"
    svm = load_spec(SVM)
    assert [[c.name for c in conventions_of(svm, f)] for f in svm.graded] == [["l2_half"], ["l2_half"]]


def test_only_one_convention_names_the_references_own(raw):
    def two_own(data):
        data["conventions"].append({"name": "again"})
    assert problems(raw, two_own) == [
        (("conventions", 2, "variants"), "only one convention may be the reference's own (no variants)")]


def test_a_convention_names_functions_the_spec_has(raw):
    def misspelt(data):
        data["conventions"][1]["variants"]["svm_loss_naiv"] = "svm_loss_naive__half_reg"
    [(where, message)] = problems(raw, misspelt)
    assert where == ("conventions", 1, "variants", "svm_loss_naiv")
    assert "'svm_loss_naiv' is neither a function of the spec nor a mistake's variant" in message


def test_convention_names_are_unique(raw):
    def twice(data):
        data["conventions"][1]["name"] = "l2_full"
    assert problems(raw, twice) == [(("conventions", 1, "name"), "'l2_full' is declared twice")]


def test_a_stand_in_the_reference_lacks_is_refused_by_name(tmp_path):
    folder = shutil.copytree(SVM, tmp_path / "linear_svm", ignore=shutil.ignore_patterns(".pool", "__pycache__"))
    reference = folder / "reference.py"
    reference.write_text(reference.read_text(encoding="utf-8").replace(
        "def svm_loss_vectorized__half_reg(", "def svm_loss_vectorized__half(", 1), encoding="utf-8")
    done = run_cli("grade", str(ROOT / "submissions" / "linear_svm"), "--assignment", str(folder),
                   "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "defines no function 'svm_loss_vectorized__half_reg', which a convention of the spec names" in done.stderr


def test_the_readmes_example_is_linear_svms_spec_abridged():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Accepted conventions", 1)[1]
    example = tomllib.loads(section.split("```toml\n", 1)[1].split("```", 1)[0])
    declared = {c.name: c for c in load_spec(SVM).conventions}
    for c in example["conventions"]:
        assert declared[c["name"]].description == c["description"]
        assert c.get("variants", {}).items() <= declared[c["name"]].variants.items()
