"""backprop-grader: grades hand-derived gradient exercises.

The pipeline, one module a stage: spec -> sampling -> runner (child, wire)
-> expected, numeric -> checks (compare, diagnosis) -> grading -> results
-> outputs."""

__version__ = "0.1.0"
