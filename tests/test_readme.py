"""README's two set-up commands are the ones that work: CI runs the test
command exactly as README gives it."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(python3 -m venv .*)\n```", text)


def test_readme_starts_with_the_two_setup_commands():
    install_and_grade, install_and_test = readme_commands()[:2]
    assert install_and_grade.endswith("grade submissions/")
    assert "pytest" in install_and_test
    intro = (ROOT / "README.md").read_text(encoding="utf-8").split("## ")[0]
    assert install_and_grade in intro and install_and_test in intro


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()
