"""What an instructor uses to write an assignment: `grade new` and `grade
starter` (scaffold.py; the classes' skeletons in classes.py, a package's
tree in package.py, the docstrings' lines in docstrings.py), `grade
validate` (validate.py), which grades the reference on many seeds and
mutants of it (mutants.py) that must lose points, and `grade handout`
(handout.py, notebook.py; the Gradescope zip in autograder.py, wheel.py)."""
