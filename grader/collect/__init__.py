"""Collecting a class's submissions from the students' git repositories at
a deadline, for the grade of record (`grade collect`): each repository is
fetched into a scratch repository of the grader's own (git.py), the newest
commit of its branch at or before the deadline is chosen (deadline.py), its
tree is written as plain files into the assignment's submissions folder
(tree.py), and everything is recorded in that folder's `collection.json`
(record.py), which `grade` then reads to put the commit in each result.
The list of repositories is a CSV file (repositories.py); run.py collects
them, several at a time.

Nothing of a student's repository runs: no hook, no filter, no setting of
its configuration, no submodule, no Git LFS; a symbolic link is written as
a file holding its target."""
from __future__ import annotations

COLLECTION_FILE = "collection.json"   # in the submissions folder, beside the students' folders
