"""The lexer of look-alike detection (grader/similarity/tokens.py): the same
tokens as Python's own `tokenize` on every Python file of this repository,
names and literals made alike, and a file that does not lex reported, not fatal."""
from __future__ import annotations

import io
import tokenize

import pytest
from conftest import ROOT

from grader.similarity.sources import Source, SourceFile
from grader.similarity.tokens import KEPT_NAMES, lexed, tokens_of, word_number

DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENCODING, tokenize.ENDMARKER}
FSTRING_PARTS = {getattr(tokenize, name) for name in ("FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name)}


def by_tokenize(text: str) -> list[tuple[int, int]]:
    """(number, line) of each normalised token, as `tokenize` lexes the text."""
    out, after_dot, inside = [], False, 0
    for t in tokenize.generate_tokens(io.StringIO(text).readline):
        if t.type == getattr(tokenize, "FSTRING_START", None):   # Python 3.12: an f-string is one string
            inside += 1
            if inside > 1:
                continue
            word = "S"
        elif inside:
            inside -= t.type == getattr(tokenize, "FSTRING_END", None)
            continue
        elif t.type in DROPPED or t.type in FSTRING_PARTS:
            continue
        elif t.type == tokenize.NAME:
            word = t.string if after_dot or t.string in KEPT_NAMES else "V"
        else:
            word = {tokenize.NUMBER: "N", tokenize.STRING: "S"}.get(t.type, t.string)
        out.append((word_number(word), t.start[0]))
        after_dot = t.string == "."
    return out


def tokenize_refuses(text: str) -> bool:
    """Whether `tokenize` stops on the text or marks part of it an error."""
    try:
        return any(t.type == tokenize.ERRORTOKEN for t in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return True


PYTHON_FILES = sorted(p for folder in ("grader", "assignments", "submissions", "tests", "bench")
                      for p in (ROOT / folder).rglob("*.py") if p.name != "syntax_error.py")


@pytest.mark.parametrize("folder", ["grader", "assignments", "submissions", "tests", "bench"])
def test_the_lexer_reads_what_tokenize_reads(folder):
    files = [p for p in PYTHON_FILES if p.relative_to(ROOT).parts[0] == folder]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        numbers, lines, problem = lexed(text)
        assert list(zip(numbers.tolist(), lines.tolist())) == by_tokenize(text), path
        assert problem is None, path


def test_names_numbers_strings_comments_and_layout_are_made_alike():
    one = "def f(x, W):\n    # the score\n    h = np.tanh(W @ x + 1.5)\n    return float(h.sum()), 'done'\n"
    other = ("def score( inputs,weights ) :\n\n    hidden=np.tanh( weights@inputs\n        +2 )  # why not\n"
             "    return float( hidden.sum( ) ) , \"ok\"\n")
    assert lexed(one)[0].tolist() == lexed(other)[0].tolist()


def test_attributes_and_builtins_are_kept():
    assert lexed("x = np.sum(y)")[0].tolist() != lexed("x = np.max(y)")[0].tolist()
    assert lexed("x = len(y)")[0].tolist() != lexed("x = abs(y)")[0].tolist()
    assert lexed("x = a(y)")[0].tolist() == lexed("x = b(y)")[0].tolist()


@pytest.mark.parametrize("text, problem", [
    ("x = 'never closed\ny = 2\n", "an unterminated string at line 1"),
    ("def f(x):\n    return g(x,\n", "a bracket is never closed"),
    ('x = 1\ns = """open\n', "an unterminated string at line 2"),
])
def test_a_file_that_does_not_lex_is_reported_and_its_tokens_kept(text, problem):
    assert tokenize_refuses(text)
    numbers, _, found = lexed(text)
    assert found == problem
    assert len(numbers) >= 3
    source = Source("ada", [SourceFile("ada.py", text)])
    assert len(tokens_of(source).ids) == len(numbers)
    assert source.problems == [f"ada.py does not tokenise ({problem}): every token read is compared"]
