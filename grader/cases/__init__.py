"""What is graded, on what: assignment folders (assignment.py), the
submissions found in a batch folder (discover.py) and which of them may be
run (admission.py), a notebook submission read as the module it stands for
(notebook.py, with keep.py for the definitions alone), and the inputs of
each case, drawn from the spec (sampling.py)."""
