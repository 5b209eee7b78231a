"""The reference's answers on the cases: its outputs and the finite
differences of its forwards (expected.py, finite_differences.py), kept
for the class in the assignment's `.pool/` (case_pool.py), and published with
the public cases in `public.json` for self-check (public.py)."""
