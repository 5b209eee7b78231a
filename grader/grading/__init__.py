"""Grading one submission, in the order the data flows:

  submission.py   load the file in a sandbox; converse with its process, a group of cases at a time
  function.py     one function: plan each case's calls, judge each case as its answers come in
  plan.py         the calls of one case, each with its reply once read
  outputs.py      each kind of output (value, gradient, vector-Jacobian product): its calls and its checks
  own_forward.py  a derivative against finite differences of the student's own forward
  composition.py  a function graded on stand-ins, called again with the student's own helpers
  cascade.py      a forward's mistake charged once, not again in the backward its cache fed
  cache_reuse.py  a network that hands one layer's cache to other layers' backwards, named where it fails
  fold.py         the verdicts of a check on every case folded into one Check; the function's score
  memo.py         what is worked out once per case for every student given it
  failure.py      a failure of the student's process as a verdict
  cells.py        a notebook's failed cells: the functions they cost, notes, lines by cell
"""
from ..cases.discover import Submission
from .submission import checks_per_case_group, grade_submission, submission_seed

__all__ = ["Submission", "checks_per_case_group", "grade_submission", "submission_seed"]
