"""The assignment spec: its models (models), the settings of the assignment
as a whole (settings), how arguments are sampled (samples), the arithmetic
of its dimension sizes (sizes), hyperparameters chosen per case (choices),
dict and list arguments and outputs expanded into their keys and items
(containers), the checks that need the whole spec (consistency), problems
located as pydantic locates its errors (problems), and reading it from
`assignment.toml` with the errors an instructor gets (loading)."""
from .loading import SPEC_FILE, SpecError, json_schema, load_spec, spec_path
from .choices import case_values, choices_of, period
from .models import VJP, Argument, Function, Gradient, Jacobian, Mistake, Output, Spec
from .settings import Cases, Checks, Handout, Limits, Notebook, Tolerance
from .samples import Choice, Constant, DimValue, Distribution, Fixture, Integers, Labels, Normal, StandIn, Uniform
from .sizes import distinct_choices, evaluate_size

__all__ = [
    "SPEC_FILE", "SpecError", "json_schema", "load_spec", "spec_path",
    "case_values", "choices_of", "period",
    "VJP", "Argument", "Cases", "Checks", "Choice", "Constant", "DimValue", "Distribution", "Fixture", "Function",
    "Gradient", "Handout", "Integers", "Jacobian", "Labels", "Limits", "Mistake", "Normal", "Notebook", "Output",
    "Spec", "StandIn", "Tolerance", "Uniform",
    "distinct_choices", "evaluate_size",
]
