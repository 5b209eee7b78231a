"""What is graded, on what: assignment folders (assignment.py), the
submissions found in a batch folder (discover.py) and which of them may be
run (admission.py), and the inputs of each case, drawn from the spec
(sampling.py)."""
