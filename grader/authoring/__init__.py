"""What an instructor uses to write an assignment: `grade new` and `grade
starter` (scaffold.py), and `grade validate` (validate.py), which grades
the reference on many seeds and mutants of it (mutants.py) that must lose
points."""
