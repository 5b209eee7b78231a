"""The settings of an assignment as a whole, beside its functions: how many
cases are public and hidden, how close an answer must be, what a student's
process may use, how hard the finite differences work, and what students
are handed (a notebook starter) or hand in (a notebook's cells)."""
from __future__ import annotations

from typing import Literal, Union

from pydantic import Field, model_validator

from .problems import invalid
from .samples import Strict


class Cases(Strict):
    """How many cases are public and hidden, and where the hidden ones come from."""
    public: int = Field(2, ge=0, description="cases whose inputs and expected outputs may be published")
    hidden: int = Field(3, ge=0, description="hidden cases per submission, chosen by its recorded seed")
    hidden_pool: int = Field(32, ge=0, description="hidden cases are chosen from a pool of this many, so the "
                             "reference's work is shared by a class; 0: fresh cases for every submission")
    public_seed: int = 0
    public_dims: dict[str, Union[int, list[int]]] = Field(
        {}, description="the sizes public cases take, each among its dimension's own (N = 4, or N = [4, 5]): small "
        "public cases are quick to check and easy to read, and hidden cases still take every size")

    @model_validator(mode="after")
    def _pool_large_enough(self) -> Cases:
        if self.hidden_pool and self.hidden_pool < self.hidden:
            raise invalid("Cases", [(("hidden_pool",), f"the pool ({self.hidden_pool}) is smaller than "
                                     f"cases.hidden ({self.hidden})")])
        return self


class Tolerance(Strict):
    """How far a float64 answer may be from the reference's (float32 answers get float32's own), and
    which other forms of an answer are judged on their values."""
    rtol: float = Field(1e-5, gt=0)
    atol: float = Field(1e-7, ge=0)
    require_float64: bool = Field(False, description="fail float32 answers instead of judging them with "
                                  "float32 tolerances")
    strict_scalars: bool = Field(False, description="fail an array of one element, such as shape (1,) or (1, 1), "
                                 "where a scalar is declared, instead of judging the value it holds")


class Limits(Strict):
    """What one submission's process may use. A process that overruns is
    killed; the next request gets a fresh one."""
    timeout: float = Field(60.0, gt=0, description="wall-clock seconds for a whole submission")
    call_timeout: float = Field(10.0, gt=0, description="wall-clock seconds for one request to the student's process")
    cpu: float = Field(60.0, gt=0, description="CPU seconds one student process may use")
    memory: int = Field(1024, ge=256, description="address space of one student process, in MiB")
    file_size: int = Field(16, ge=1, description="largest file a student process may write, in MiB "
                                                 "(also the size of its scratch directory)")
    open_files: int = Field(64, ge=16, description="file descriptors one student process may hold open")
    processes: bool = Field(False, description="whether student code may start processes or threads")
    output: int = Field(20_000, ge=0, description="characters of a submission's stdout and stderr kept for its report")


class Checks(Strict):
    """How hard the finite-difference checks work on one case."""
    fd_budget: int = Field(400, ge=1, description="most coordinates of one argument differentiated element by "
                           "element per case; past it, a random subset touching every row and column")
    kink_redraws: int = Field(5, ge=0, description="times a case's inputs are redrawn when a finite difference "
                              "straddles a kink")


class Handout(Strict):
    """What `grade handout` gives students besides the spec, the starter, the
    instructions, public.json and the support folder, and how `grade starter`
    lays out a package's starter (authoring/package.py)."""
    notebook: bool = Field(False, description="also hand out starter.ipynb, a notebook built from instructions.md "
                           "(markdown cells) and starter.py (code cells)")
    functions_module: str | None = Field(None, description="a package's starter (grade starter): the module of the "
                                         "package the spec's functions are written in (cs231n.layers), which the "
                                         "spec's module imports with `import *`; by default the spec's module itself")
    imports: list[str] = Field([], description="a package's starter: other modules of the package the spec's "
                               "module imports with `import *` (cs231n.layer_utils), written by hand in starter/")


class Notebook(Strict):
    """How a notebook submission (<module>.ipynb) becomes the module: its
    code cells, in order, with IPython's own lines (magics, shell escapes)
    left out."""
    keep: Union[Literal["cells", "functions"], list[str]] = Field(
        "cells", description="'cells': every code cell runs, one at a time, and a cell that fails costs only the "
        "functions it defines; 'functions': only the definitions of the spec's functions run, with the imports, "
        "functions and assignments they use (cells that train, plot or load data do not run); a list of names: "
        "as 'functions', keeping these names too")

    def kept_names(self, spec_functions: list[str]) -> list[str] | None:
        """The names whose definitions are kept, or None where every cell runs."""
        if self.keep == "cells":
            return None
        return list(spec_functions) + ([] if self.keep == "functions" else list(self.keep))
