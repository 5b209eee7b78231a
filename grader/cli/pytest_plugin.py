"""A pytest plugin: an assignment's public checks as pytest tests.

    pytest --assignment ner_window ner_window.py

or, with no options, in a repository whose pyproject.toml says

    [tool.backprop-grader]
    assignment = "ner_window"          # a name, or a folder relative to pyproject.toml
    files = ["ner_window.py"]          # optional; default: the module the spec names

Each student file (a .py file or a notebook) becomes a test module, each function a group, each check
a test item whose failure text is the grader's message, reported at the
line where the student defined the function. The file is graded once, as
`self-check` grades it: in a child process, on the public cases only. A
summary line gives the points on the public checks and the number of hidden
checks not run. The plugin is registered through the `pytest11` entry point
and does nothing unless an assignment is named."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = "backprop-grader"


@dataclass
class Settings:
    assignment: str
    files: list[Path] = field(default_factory=list)   # resolved; empty: match the spec's module name
    from_command_line: bool = False
    graded: list = field(default_factory=list)        # (file, SubmissionResult, assignment name)


settings_key = pytest.StashKey[Settings | None]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("backprop-grader", "gradient exercises (backprop-grader)")
    group.addoption("--assignment", default=None, metavar="NAME",
                    help="run this assignment's public checks on the student files given (a name or a folder)")


def read_table(config: pytest.Config) -> tuple[dict, Path] | None:
    """[tool.backprop-grader] of the pyproject.toml at the root (or the ini file, if that is one)."""
    candidates = [config.inipath] if config.inipath and config.inipath.name == "pyproject.toml" else []
    candidates.append(config.rootpath / "pyproject.toml")
    for path in candidates:
        if path and path.is_file():
            with open(path, "rb") as f:
                table = tomllib.load(f).get("tool", {}).get(TABLE)
            if table is not None:
                return table, path.parent
    return None


def pytest_configure(config: pytest.Config) -> None:
    option = config.getoption("assignment", None)
    found = read_table(config)
    settings = None
    if option:
        settings = Settings(option, from_command_line=True)
    if found:
        table, base = found
        if not isinstance(table, dict) or not isinstance(table.get("assignment", option), str):
            raise pytest.UsageError(f"[tool.{TABLE}] in {base / 'pyproject.toml'}: set assignment = \"NAME\"")
        name = option or table["assignment"]
        if not option and (base / name).is_dir():
            name = str(base / name)
        if not option:
            _must_exist(name, base)
        settings = Settings(name, listed_files(table, base), from_command_line=bool(option))
    config.stash[settings_key] = settings
    config.addinivalue_line("markers", "unscored: a grader check that costs no points")


def _must_exist(name: str, base: Path) -> None:
    """The table's assignment, found, or a usage error that says it is not:
    pytest would otherwise collect nothing and say only "no tests ran"."""
    from ..cases.assignment import find_assignment
    from ..spec import SpecError
    try:
        find_assignment(name)
    except SpecError as e:
        raise pytest.UsageError(f"[tool.{TABLE}] in {base / 'pyproject.toml'}: assignment = {name!r}: {e}") from None


def listed_files(table: dict, base: Path) -> list[Path]:
    """The table's `files`, resolved: a list of names of files that exist
    (relative to pyproject.toml); anything else is said, for pytest would
    otherwise collect nothing and say only "no tests ran"."""
    files, where = table.get("files", []), f"[tool.{TABLE}] in {base / 'pyproject.toml'}"
    if not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
        raise pytest.UsageError(f'{where}: files must be a list of file names, such as files = ["ner_window.py"]')
    missing = [f for f in files if not (base / f).is_file()]
    if missing:
        raise pytest.UsageError(f"{where}: files names {missing[0]!r}, which is no file "
                                f"(the names are relative to {base})")
    return [(base / f).resolve() for f in files]


def pytest_collection(session: pytest.Session) -> None:
    """Start the fork server as collection begins, when an assignment is named:
    it imports numpy and rehearses a student's process while pytest collects
    the other files and imports the grader, so it is warm when a student's
    file is graded."""
    if session.config.stash.get(settings_key, None) is not None:
        from ..sandbox import fork_server
        fork_server.shared()


def _assignment(settings: Settings):
    from ..cases.assignment import Assignment, find_assignment
    return Assignment(find_assignment(settings.assignment))


def is_submission(config: pytest.Config, path: Path, session: pytest.Session) -> bool:
    settings = config.stash.get(settings_key, None)
    if settings is None or path.suffix not in (".py", ".ipynb") or path.name == "conftest.py":
        return False
    if settings.files:
        return path.resolve() in settings.files
    if session.isinitpath(path) and settings.from_command_line and not matches_test_files(config, path):
        return True
    try:
        module = _module(config)
        return path.stem == module or "." in module and path.as_posix().endswith("/" + module.replace(".", "/") + ".py")
    except Exception:  # a broken spec is reported when the file is collected, not here
        return path.stem == Path(settings.assignment).name


def _module(config: pytest.Config) -> str:
    cached = getattr(config, "_backprop_module", None)
    if cached is None:
        cached = _assignment(config.stash[settings_key]).spec.module
        config._backprop_module = cached
    return cached


def matches_test_files(config: pytest.Config, path: Path) -> bool:
    return any(path.match(pattern) for pattern in config.getini("python_files"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """Files the python plugin would not collect: notebooks, and .py files
    neither named test_*.py nor given on the command line."""
    session = parent.session
    if is_submission(parent.config, file_path, session) and (
            file_path.suffix == ".ipynb" or not session.isinitpath(file_path)
            and not matches_test_files(parent.config, file_path)):
        return StudentFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector):
    """Files the python plugin would import: a student's file is graded in a child process instead."""
    if is_submission(parent.config, module_path, parent.session):
        return StudentFile.from_parent(parent, path=module_path)
    return None


class StudentFile(pytest.File):
    def collect(self):
        from ..batch.one_submission import grade_one
        from ..cases.discover import Found, UsageError, package_file_submission
        from ..names import student_name
        from ..cases.assignment import REFERENCE
        from ..reference.public import PUBLIC_FILE
        from ..spec import SpecError

        settings = self.config.stash[settings_key]
        try:
            a = _assignment(settings)
            # public.json when published, else the reference: an instructor may run the plugin before publishing
            # (a student, who has no reference, is told public.json is missing)
            published = (a.folder / PUBLIC_FILE).is_file() or not (a.folder / REFERENCE).is_file()
            source = a.published_source() if published else a.reference_source()
            sub = (package_file_submission(self.path, a.spec.module) if "." in a.spec.module
                   else Found(student_name(self.path.stem), self.path, self.path.parent))
            result = grade_one(a, sub, source, public_only=True)
        except (SpecError, UsageError) as e:
            raise self.CollectError(f"backprop-grader: {e}") from None
        settings.graded.append((self.path, result, a.name))
        for f in result.functions:
            yield FunctionGroup.from_parent(self, name=f.name, function=f)


class FunctionGroup(pytest.Collector):
    def __init__(self, *, function, **kwargs):
        super().__init__(**kwargs)
        self.function = function

    def collect(self):
        for c in self.function.checks:
            yield CheckItem.from_parent(self, name=c.name, check=c)

    def reportinfo(self):
        return self.path, _line(self.function), self.function.name


class CheckFailed(Exception):
    """A check did not pass; its message is the whole failure report."""


class CheckItem(pytest.Item):
    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check
        if not check.scored:
            self.add_marker(pytest.mark.unscored)

    def runtest(self) -> None:
        c = self.check
        if c.status == "passed":
            return
        if c.status == "skipped":
            pytest.skip(c.message or "skipped")
        from ..reports.wording import check_text
        raise CheckFailed(check_text(c))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            c, f = self.check, self.parent.function
            from ..reports.wording import check_text, place_text
            where = f"{self.path.name}, {place_text(f)}" if f.line else self.path.name
            note = "" if c.scored else "; this check costs no points"
            return f"{check_text(c)}\n\n({c.status}: {f.name} › {c.name}, {where}{note})"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        f = self.parent.function
        return self.path, _line(f), f"{f.name} › {self.check.name}"


def _line(f) -> int | None:
    """pytest's (0-based) line of a function: none in a notebook, whose lines are not the file's."""
    return None if f.cell else (f.line or 1) - 1


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    settings = config.stash.get(settings_key, None)
    if settings is None and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        say_how_to_name_an_assignment(terminalreporter, config)
    if not settings or not settings.graded:
        return
    from ..names import for_log
    from ..reports.terminal import printed_section
    terminalreporter.section("backprop-grader")
    for path, result, name in settings.graded:
        line = f"{for_log(path.name)} ({name}): {result.score:g}/{result.max_score:g} points on the public checks"
        if result.hidden_not_run:
            line += (f"; {result.hidden_not_run} hidden checks were not run here (when your work is graded they "
                     "run on hidden inputs of other sizes)")
        terminalreporter.write_line(line)
        for note in result.notes:   # a notebook's lines left out, its cells that failed
            terminalreporter.write_line(f"  note: {for_log(note)}")
        for printed in printed_section(result.output):   # the student's code runs apart: pytest captured none of it
            terminalreporter.write_line(f"  {printed}")
    from ..reports.wording import isolation_text
    from ..sandbox import fork_server
    terminalreporter.write_line(isolation_text(fork_server.shared().features))


def say_how_to_name_an_assignment(terminalreporter, config: pytest.Config) -> None:
    """`pytest ner_window.py` with no assignment named collects nothing from
    a student's file, and pytest says only "no tests ran": say how to name one."""
    files = [arg.split("::")[0] for arg in config.args]
    files = [f for f in files if f.endswith((".py", ".ipynb")) and not matches_test_files(config, Path(f))]
    if not files:
        return
    from ..names import for_log
    shown = " ".join(for_log(f) for f in files)
    terminalreporter.section("backprop-grader")
    terminalreporter.write_line(f"no assignment named, so {shown} {'was' if len(files) == 1 else 'were'} not "
                                "graded. Name the assignment (its name, or its folder, which holds "
                                "assignment.toml and public.json):")
    terminalreporter.write_line(f"    pytest --assignment path/to/assignment {shown}")
    terminalreporter.write_line("or in pyproject.toml:")
    terminalreporter.write_line(f"    [tool.{TABLE}]")
    terminalreporter.write_line('    assignment = "path/to/assignment"')
