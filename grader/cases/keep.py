"""Which statements of a notebook run when the spec keeps only definitions
(`[notebook] keep = "functions"`): a notebook also trains, plots and loads
data, none of which grading needs, and any of which may fail or take long
in the student's process.

Worked out here, in the grading process, from the cells' syntax trees
(nothing is run): a top-level statement is kept when it binds a name that
is needed, starting from the kept names; whatever a kept statement uses
(the names it reads, in a function's body too) is needed in turn. So a
graded function keeps the helpers it calls, the imports they use and the
module-level constants they read, and nothing else: `model.fit(X)` or
`plt.plot(losses)` binds nothing needed and does not run. A statement that
both binds a needed name and does other work (`W, losses = train(X)`) runs
whole. `from x import *` always runs (what it binds cannot be told), and a
cell that does not parse is kept whole, so that its error is reported.
Lines left out become blank, so every kept line stays where it was."""
from __future__ import annotations

import ast
import re

TOP_DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)")


class Statement:
    """One top-level statement of a cell: its lines, the names it binds and the names it reads."""

    def __init__(self, node: ast.stmt):
        self.first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        self.last = node.end_lineno or node.lineno
        self.binds, self.reads = bound_names(node), read_names(node)
        self.star = isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
        self.node = node


def bound_names(node: ast.stmt) -> set[str]:
    """The module-level names a statement binds (in an `if` or `try` at top level too)."""
    names: set[str] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
            continue   # what its body binds is its own
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in n.names if a.name != "*")
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            continue
        todo.extend(ast.iter_child_nodes(n))
    return names


def read_names(node: ast.AST) -> set[str]:
    """The names a statement reads from the module: in a function's body,
    those it does not bind itself (its parameters and locals are its own)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        body = node.body if isinstance(node.body, list) else [node.body]
        outside = [*getattr(node, "decorator_list", []), *node.args.defaults, *node.args.kw_defaults,
                   getattr(node, "returns", None)]
        inner = set().union(*(read_names(b) for b in body)) - _locals(node.args, body)
        return inner | set().union(*(read_names(n) for n in outside if n is not None))
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        return set().union(*(read_names(c) for c in ast.iter_child_nodes(node))) - targets
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Load) else set()
    return set().union(*(read_names(c) for c in ast.iter_child_nodes(node)))


def _locals(args: ast.arguments, body: list[ast.stmt]) -> set[str]:
    """A function's own names: its parameters and what its body binds, but those it declares global."""
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    bound = {a.arg for a in params if a is not None}
    for statement in body:
        bound |= bound_names(statement)
    declared = {name for statement in body for n in ast.walk(statement) if isinstance(n, ast.Global)
                for name in n.names}
    return bound - declared


def defined_names(lines: list[str]) -> dict[str, int]:
    """The functions and classes a cell defines at its top level, at the line
    of their `def` (a cell that does not parse: read from its lines)."""
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {m.group(1): k for k, line in enumerate(lines, start=1) for m in [TOP_DEFINITION.match(line)] if m}
    return {n.name: n.lineno for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def keep_definitions(code: list[tuple[int, list[str]]], kept: list[str],
                     notes: list[str]) -> list[tuple[int, list[str]]]:
    """The cells (number, lines) with every statement that is not needed blanked out."""
    parsed = {number: _statements(lines) for number, lines in code}
    needed, seen = set(kept), set()
    changed = True
    while changed:   # needed names grow until no kept statement reads a new one
        changed = False
        for statements in parsed.values():
            for s in statements or []:
                if id(s) not in seen and (s.star or s.binds & needed):
                    seen.add(id(s))
                    needed |= s.reads
                    changed = True
    out, left_out = [], []
    for number, lines in code:
        statements = parsed[number]
        if statements is None:  # does not parse: kept whole, to be reported
            out.append((number, lines))
            continue
        keep = [s for s in statements if id(s) in seen]
        if len(keep) < len(statements):
            left_out.append(number)
        out.append((number, _only(lines, statements, keep)))
    if left_out:
        notes.append(f"the assignment runs only the definitions it grades, and what they use: the rest of "
                     f"cell{'s' if len(left_out) > 1 else ''} {_numbers(left_out)} did not run")
    return out


def _statements(lines: list[str]) -> list[Statement] | None:
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return [Statement(n) for n in tree.body]


def _only(lines: list[str], statements: list[Statement], keep: list[Statement]) -> list[str]:
    """The cell's lines with the statements not in `keep` blanked. A line
    shared by kept and dropped statements keeps only the kept ones' code."""
    out = list(lines)
    kept_lines = {k for s in keep for k in range(s.first, s.last + 1)}
    for s in statements:
        if s in keep:
            continue
        for k in range(s.first, s.last + 1):
            if k not in kept_lines:
                out[k - 1] = ""
            elif s.first == s.last:   # `x = 1; plot(x)`: one line, kept and dropped statements
                on_line = [t for t in keep if t.first == t.last == k]
                if not on_line:
                    continue
                indent = lines[k - 1][:len(lines[k - 1]) - len(lines[k - 1].lstrip())]
                out[k - 1] = indent + "; ".join(ast.get_source_segment("\n".join(lines), t.node) or ""
                                                for t in on_line)
    return out


def _numbers(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
