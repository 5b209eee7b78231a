"""The accepted convention a function was judged against, on the student's
page as a browser shows it: in the function's heading, beside its points."""
from __future__ import annotations

import pytest
from test_html_browser import probe

from conftest import ROOT, run_cli

HEADINGS = ("return Array.prototype.map.call(document.querySelectorAll('details.function > summary'), "
            "function (s) { return s.innerText.replace(/\\s+/g, ' ').trim(); });")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("svm")
    done = run_cli("grade", str(ROOT / "submissions" / "linear_svm"), "--out", str(out), "--format", "html")
    assert done.returncode == 0, done.stderr
    return out / "linear_svm"


def test_the_recognised_convention_is_in_the_functions_heading(chromium, pages):
    headings = probe(chromium, pages / "half_reg_convention.html", HEADINGS)
    naive = next(h for h in headings if "svm_loss_naive" in h)
    assert "convention: l2_half" in naive and "closest" not in naive


def test_a_mixture_names_the_closest_convention(chromium, pages):
    headings = probe(chromium, pages / "mixed_conventions.html", HEADINGS)
    naive = next(h for h in headings if "svm_loss_naive" in h)
    assert "judged against the closest convention: l2_full" in naive
