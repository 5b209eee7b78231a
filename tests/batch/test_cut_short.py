"""A shard's grades.json cut short, wherever it ends (a copy that stopped
half way, a full disk): `grade merge` refuses the shard as "not a shard's
report folder", exit 2, and the streaming reader behind it raises a
ValueError for every length the file may be cut to, whatever the size of
the chunks it reads. The shard is a real one: the bundled jacobians class
graded as its only shard."""
from __future__ import annotations

import io
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reports import json_report


@pytest.fixture(scope="module")
def shard(cli, tmp_path_factory):
    """The --out folder of `grade submissions/jacobians --shard 1/1`."""
    out = tmp_path_factory.mktemp("shard")
    run = cli("grade", "submissions/jacobians", "--shard", "1/1", "--out", out, "-q", "--format", "json")
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def grades(shard) -> bytes:
    return (shard / "jacobians" / "grades.json").read_bytes()


CUTS = {"to 1 byte": lambda b: b[:1], "to 2 bytes": lambda b: b[:2], "to 300 bytes": lambda b: b[:300],
        "5 bytes short": lambda b: b[:-5], "half way": lambda b: b[:len(b) // 2], "to an open brace": lambda b: b"{\n"}


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_merge_of_a_shard_cut_short_anywhere_says_so(cli, shard, grades, tmp_path, cut):
    folder = tmp_path / "cut"
    shutil.copytree(shard, folder, ignore=shutil.ignore_patterns("results"))
    (folder / "jacobians" / "grades.json").write_bytes(CUTS[cut](grades))
    run = cli("grade", "merge", folder, "--out", tmp_path / "merged")
    assert run.returncode == 2, run.stderr
    assert f"error: {folder / 'jacobians'}: not a shard's report folder: " in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "merged" / "jacobians").exists()


def read(data: bytes) -> list:
    return list(json_report.read_submissions(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"), {}))


def test_the_whole_file_reads_back(grades):
    assert len(read(grades)) == 7


@settings(max_examples=300, deadline=None)
@given(cut=st.data(), chunk=st.sampled_from([1, 7, 4096, json_report.CHUNK]))
def test_grades_json_cut_to_any_length_is_refused(grades, cut, chunk):
    length = cut.draw(st.integers(0, len(grades.rstrip()) - 1), label="length")   # (all but its last newline is due)
    saved, json_report.CHUNK = json_report.CHUNK, chunk
    try:
        with pytest.raises(ValueError):
            read(grades[:length])
    finally:
        json_report.CHUNK = saved
