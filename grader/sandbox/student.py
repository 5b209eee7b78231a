"""The student's process: imports one submission and calls its functions on
the inputs the grading process sends, answering with data only. It decides
nothing: no verdict, no score, no comparison with expected values.

Every call gets fresh copies of its inputs, and the import and every call
a reseeded `random` and `np.random`, so student code that draws random
numbers is repeatable."""
from __future__ import annotations

import copy
import functools
import importlib.util
import inspect
import os
import sys
import time
import traceback
import types
from contextlib import nullcontext
from importlib.machinery import SourceFileLoader

import numpy as np

from . import cache_watch, methods, numeric_watch, package, recipes, wire, wire_values
from .cells import Cells


class Child:
    """One submission, loaded in this process, and the requests it answers."""

    def __init__(self, submission: str = "", support: str | None = None) -> None:
        self.submission, self.support = submission, support   # what a "load" request loads
        self.module = None
        self.path = self.loaded_from = ""   # the submission's real path, and the path it was loaded from
        self.handles: dict[int, object] = {}   # caches kept here for the student's backward functions
        self.cells: Cells | None = None      # a notebook's cells, where the module stands for one
        self.package = ""                    # a package's parent folder, where the module is in one
        self.files: frozenset[str] = frozenset()   # the student's own files, as loaded and as resolved

    def load(self, path: str, module: str, hide: list[str], support: str | None = None,
             cells: Cells | None = None) -> dict:
        """Import the submission, with the real paths in `hide` (resolved by
        the grading process: this process may not see them) off sys.path; a
        notebook's module, one cell at a time (cells.py), its failed cells
        listed in the answer."""
        hidden = set(hide)
        sys.path[:] = [p for p in sys.path if real_path(p or ".") not in hidden]
        if support:  # the assignment's helper modules, which students have too
            sys.path.insert(0, support)
        self.path, self.loaded_from = os.path.realpath(path), path
        self.files = frozenset((path, self.path))
        recipes.reseed()
        self.cells = cells
        failed = []
        try:
            if package.is_package(module):
                mod = self.load_package(module)
            else:
                spec = importlib.util.spec_from_file_location(module, path, loader=SourceFileLoader(module, path))
                mod = importlib.util.module_from_spec(spec)
                sys.modules[module] = mod
                if cells is None:
                    spec.loader.exec_module(mod)
                else:
                    failed = cells.run(path, vars(mod), self.describe_error)
        except BaseException as e:  # the student's import failed: say how, precisely
            top = module.split(".")[0]
            for name in [m for m in sys.modules if m == module or m == top or m.startswith(top + ".")]:
                sys.modules.pop(name, None)
            return {"ok": False, "error": self.describe_error(e)}
        self.module = mod
        return {"ok": True, "functions": self.functions()} | ({"failed_cells": failed} if cells else {})

    def load_package(self, module: str):
        """Import a module of the student's package, from the package's
        parent folder, which holds the package alone: its relative imports
        resolve, and nothing beside it is there to import."""
        self.package = package.parent_folder(self.loaded_from, module)
        top = os.path.join(self.package, module.split(".")[0])
        found = {os.path.join(folder, name) for folder, _, names in os.walk(top) for name in names
                 if name.endswith(".py")}
        self.files = frozenset(found | {os.path.realpath(p) for p in found})
        sys.path.insert(0, self.package)
        importlib.invalidate_caches()
        return importlib.import_module(module)

    def shown_name(self, filename: str) -> str:
        """A student's file as a message names it: its name, or in a package its path from the package's parent."""
        if self.package:
            return os.path.relpath(os.path.realpath(filename), os.path.realpath(self.package)).replace(os.sep, "/")
        return self.cells.shown if self.cells else os.path.basename(self.loaded_from or self.path)

    def functions(self) -> dict:
        """The submission's callables: their parameters, and their line where defined in its own file."""
        found = {}
        for name, obj in vars(self.module).items():
            if callable(obj) and not name.startswith("__"):
                found[name] = {"params": _params(obj), "line": self.line_of(obj)}
            if isinstance(obj, type) and not name.startswith("_"):  # a class: its methods, as Class.method
                init = getattr(obj, "__init__", None)   # Class.params: what the constructor makes
                found[f"{name}.params"] = {"params": _params(obj), "line": self.line_of(init)}
                for method, function in methods.methods_of(obj).items():
                    params = _params(function)
                    found[f"{name}.{method}"] = {"params": params and params[1:], "line": self.line_of(function)}
        return found

    def line_of(self, obj) -> int | None:
        """Where a function is defined in the student's own file (None elsewhere)."""
        code = getattr(obj, "__code__", None)
        here = isinstance(code, types.CodeType) and code.co_filename in (self.loaded_from, self.path)
        return code.co_firstlineno if here else None

    def invoke(self, name: str, args: dict):
        """Call on fresh copies of the arguments."""
        return self.invoke_on(name, {k: self.materialize(v) for k, v in args.items()})

    def materialize(self, value):
        """An argument as the student's function takes it: a kept cache, a
        fixture built from its recipe, or a fresh copy of plain data."""
        if isinstance(value, dict) and recipes.HANDLE in value:
            kept = self.handles[int(value[recipes.HANDLE])]
            return _copy_of(kept) if value.get(recipes.COPY) else kept
        if isinstance(value, dict) and recipes.FIXTURE in value:
            return recipes.build(value)
        return value.copy() if isinstance(value, np.ndarray) else copy.deepcopy(value)

    def call(self, name: str, args: dict, keep=None, updates=None, watch=False, caches=False) -> dict:
        """Call on copies; outputs at `keep` stay here under handles; arguments
        in `updates` are changed by contract and sent back; with `watch`, the
        signs of a numerical derivative seen during the call too; with
        `caches`, which caches of its layers reached which backward, even where it raised."""
        try:
            kept = {k: self.materialize(v) for k, v in args.items()}
        except BaseException as e:
            return {"ok": False, "error": self.describe_error(e)}
        watcher = numeric_watch.Watch(self.files) if watch else nullcontext()
        layers = cache_watch.Watch.of(self.module) if caches else None
        start = time.perf_counter()
        try:
            with watcher, layers or nullcontext():
                result = self.invoke_on(name, kept)
        except BaseException as e:
            return {"ok": False, "error": self.describe_error(e)} | _caches_seen(layers)
        seconds = time.perf_counter() - start
        updates = set(updates or ())
        try:
            handles = self.keep(result, keep or [])
            described = wire_values.describe(result)
            for index, handle in handles.items():
                described["items"][index] = {recipes.HANDLE: handle}
            mutated = [k for k in args if k not in updates and not _tagged(args[k]) and not _same(args[k], kept[k])]
            updated = {k: wire_values.describe(kept[k]) for k in updates if k in kept}
        except BaseException as e:  # e.g. MemoryError while encoding a huge view
            return {"ok": False, "error": {"kind": "exception", "type": type(e).__name__,
                                           "message": f"the return value could not be sent back: {_first_line(e)}"}}
        reply = {"ok": True, "result": described, "seconds": seconds, "mutated": mutated, "updated": updated}
        return reply | ({"numeric": watcher.report()} if watch else {}) | _caches_seen(layers)

    def keep(self, result, indices: list) -> dict[int, int]:
        """Store the outputs at `indices` (a forward's cache) under new handles."""
        if not indices or not isinstance(result, (tuple, list)):
            return {}
        handles = {}
        for i in indices:
            if int(i) < len(result):
                handles[int(i)] = len(self.handles) + 1
                self.handles[handles[int(i)]] = result[int(i)]
        return handles

    def invoke_on(self, name: str, args: dict):
        """Call with these very objects (positionally), so that in-place changes stay visible."""
        recipes.reseed()
        return methods.call(self.module, name, args)

    def probe(self, name: str, args: dict, output, upstream, wrt: str, points: list, direction=None,
              key=None) -> dict:
        """The scalar f(args with args[wrt].flat[i] += delta) for each point
        [i, delta] (i = -1: args[wrt] + delta * direction): the numbers from
        which the grading process builds finite differences. With `key`,
        args[wrt] is a dict (list) and its array at that key (position) moves."""
        base = np.asarray(args[wrt] if key is None else args[wrt][key], dtype=np.float64)
        values = np.empty(len(points))
        single = False  # whether the function answers in float32, whose differences need longer steps
        for k, (index, delta) in enumerate(points):
            point = recipes.moved(base, index, delta, direction)
            try:
                moved = point if key is None else recipes.replaced(args[wrt], key, point)
                result = self.invoke(name, {**args, wrt: moved})
                values[k], is_single = _scalar(result, output, upstream)
                single = single or is_single
            except BaseException as e:
                return {"ok": False, "error": self.describe_error(e)}
        return {"ok": True, "values": values, "float32": single}

    def answer(self, msg) -> dict | None:
        """The reply to one request; None for a request that is not understood."""
        op = msg.get("op") if isinstance(msg, dict) else None
        if op == "load":
            return self.load(self.submission, msg["module"], msg.get("hide", []), self.support,
                             Cells.of(msg.get("cells"), msg.get("shown")) if "cells" in msg else None)
        if op == "call":
            return self.call(msg["function"], msg["args"], msg.get("keep"), msg.get("updates"),
                             msg.get("watch") is True, msg.get("caches") is True)
        if op == "probe":
            return self.probe(msg["function"], msg["args"], msg.get("output"), msg.get("upstream"),
                              msg["wrt"], msg["points"], msg.get("direction"), msg.get("key"))
        return None

    def describe_error(self, e: BaseException) -> dict:
        """What went wrong in student code, as data: its kind, message and
        traceback in the student's file. An exception whose own methods fail
        (a __str__ that raises, say) is named by its class alone."""
        try:
            return self._error_data(e)
        except BaseException:
            return {"kind": "exception", "type": wire_values.class_name(type(e)),
                    "message": "(its message could not be read: the exception's own methods failed)"}

    def _error_data(self, e: BaseException) -> dict:
        if isinstance(e, SyntaxError) and (e.filename or "") in self.files | {os.path.realpath(e.filename or "")}:
            code = f"\n    {e.text.strip()}" if e.text else ""
            where, own = self.where(e.lineno), os.path.realpath(e.filename) == self.path
            if not own:  # another file of the student's package
                where = f"{self.shown_name(e.filename)}, {where}"
            return {"kind": "syntax", "type": type(e).__name__, "message": f"{e.msg} ({where}){code}",
                    "line": e.lineno if own else None, "lines": [e.lineno] if own and not self.cells else []}
        if isinstance(e, (ModuleNotFoundError)) and e.name:
            return {"kind": "missing_module", "type": type(e).__name__, "message": str(e), "module": e.name,
                    "traceback": self.student_traceback(e), "lines": self.raised_on(e)}
        if isinstance(e, SystemExit):
            return {"kind": "exit", "type": "SystemExit", "message": f"called sys.exit({e.code!r})",
                    "traceback": self.student_traceback(e), "lines": self.raised_on(e)}
        return {"kind": "exception", "type": type(e).__name__, "message": _first_line(e),
                "traceback": self.student_traceback(e), "lines": self.raised_on(e)}

    def where(self, line: int | None) -> str:
        """A line of the submission as the student finds it: `line 12`, or a notebook's `cell 7, line 3`."""
        return self.cells.where(line) if self.cells else f"line {line}"

    def own_frames(self, e: BaseException) -> list:
        """The frames of e's traceback in the student's own file, outermost first."""
        return [f for f in traceback.extract_tb(e.__traceback__) if os.path.realpath(f.filename) == self.path]

    def raised_on(self, e: BaseException) -> list[int]:
        """The lines of the student's .py file its frames were on, outermost
        first (none for a notebook, whose lines are its cells')."""
        return [] if self.cells else [f.lineno for f in self.own_frames(e)]

    def student_traceback(self, e: BaseException) -> str:
        """The traceback cut to the frames in the student's own file."""
        frames = [f for f in traceback.extract_tb(e.__traceback__)   # in a package, each of its files
                  if f.filename in self.files or os.path.realpath(f.filename) == self.path]
        lines = [f'  File "{self.shown_name(f.filename)}", {self.where(f.lineno)}, in {f.name}\n'
                 f'    {(f.line or "").strip()}' for f in frames]
        return "\n".join(_collapse(lines) + [f"{type(e).__name__}: {_first_line(e)}"])


@functools.cache
def real_path(path: str) -> str:
    """os.path.realpath, kept: the fork server finds its own path's entries
    once (see server_startup.serve), and every student process it forks inherits them
    rather than looking them up again (some 300 us a process)."""
    return os.path.realpath(path)


def _params(obj) -> list[str] | None:
    """The parameters' names, "*args" and "**kwargs" so marked, and one with
    a default value followed by "=": the grading process matches the spec's
    arguments against them. None where Python cannot tell (a builtin, say)."""
    try:
        parameters = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return None
    return [_STARS.get(p.kind, "") + p.name + ("=" if p.default is not p.empty else "") for p in parameters]


_STARS = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}


def _collapse(lines: list[str], keep: int = 3) -> list[str]:
    """Runs of the same frame (recursion) shortened as Python does."""
    out, run = [], 0
    for i, line in enumerate(lines):
        run = run + 1 if i and line == lines[i - 1] else 1
        if run <= keep:
            out.append(line)
        if run > keep and (i + 1 == len(lines) or lines[i + 1] != line):
            out.append(f"  [Previous line repeated {run - keep} more times]")
    return out


def _first_line(e: BaseException) -> str:
    try:
        text = str(e).strip()
    except BaseException:  # a __str__ of the student's that raises
        return "(its message could not be read)"
    return text.splitlines()[0][:500] if text else ""


def _caches_seen(layers: cache_watch.Watch | None) -> dict:
    """What a watch of the layers' caches saw, as a field of the reply; nothing where none watched."""
    return {"caches": layers.report()} if layers else {}


def _copy_of(cache):
    """A deep copy of a kept cache; the cache itself where it cannot be copied
    (it holds a generator, say): the calls that follow then share it."""
    try:
        return copy.deepcopy(cache)
    except Exception:
        return cache


def _tagged(value) -> bool:
    return isinstance(value, dict) and (recipes.HANDLE in value or recipes.FIXTURE in value)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):  # byte for byte: any change, even of a NaN's payload or a zero's sign
        return isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _scalar(result, output, upstream) -> tuple[float, bool]:
    """The probed scalar, and whether it was computed in float32."""
    if output is not None:
        if not isinstance(result, (tuple, list)) or len(result) <= output:
            raise TypeError(f"expected a tuple with at least {output + 1} items, got {type(result).__name__}")
        result = result[output]
    single = np.asarray(result).dtype == np.float32
    value = np.asarray(result, dtype=np.float64)
    if upstream is not None:
        if value.shape != upstream.shape:
            raise ValueError(f"output shape {value.shape} differs from the expected {upstream.shape}")
        return float(np.sum(value * upstream)), single
    if value.size != 1:
        raise ValueError(f"expected a scalar, got an array of shape {value.shape}")
    return float(value.reshape(())), single


def _batch(requests: wire.Reader, msg) -> list:
    """The requests a message stands for: itself, or for a batch the frames
    that follow it, every one read before any is answered (the grading
    process writes them all before it reads an answer)."""
    if not (isinstance(msg, dict) and msg.get("op") == "batch"):
        return [msg]
    count = msg.get("count")
    if type(count) is not int or not 0 < count <= wire.MAX_BATCH:
        raise wire.WireError("malformed batch")
    return [wire.receive(requests) for _ in range(count)]


def serve(read_fd: int, write_fd: int, submission: str, support: str | None) -> None:
    """Answer the requests read on `read_fd` on `write_fd`, until the grading process stops or breaks the protocol."""
    child = Child(submission, support)
    requests = wire.Reader(read_fd)
    while True:
        try:
            msg = wire.receive(requests)
        except wire.WireError:
            return
        try:
            batch = _batch(requests, msg)
        except wire.WireError:
            return
        for request in batch:  # each answered as soon as it is done: the grading process times each one
            reply = child.answer(request)
            if reply is None:
                return
            for stream in (sys.stdout, sys.stderr):  # what it printed is in the output file before the answer
                try:
                    stream.flush()
                except BaseException:
                    pass
            wire.write_frames(write_fd, [_frame(reply)])


def _frame(reply: dict) -> bytes:
    """The reply as a frame the grading process takes: one whose description
    is too large to be read back becomes an error that says so."""
    frame = wire.encode(reply)
    problem = wire.too_large(frame)
    if problem is None:
        return frame
    return wire.encode({"ok": False, "error": {"kind": "exception", "type": "ValueError",
                                               "message": f"the answer could not be sent back: {problem}"}})
