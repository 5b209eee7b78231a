"""A submission's code as a sequence of normalised tokens: lexed, never
parsed or run.

What a copier changes without changing the code is left out or made the
same: comments, blank lines, indentation and line breaks are dropped;
every name a student chooses becomes `V`, every number `N` and every
string `S`. What a copier keeps stays: keywords, operators, brackets, and
the names nobody renames (attributes after a dot, such as `np.dot`'s
`dot` or `x.T`'s `T`, and Python's builtins such as `range`).

The lexer is one regular expression built from the standard `tokenize`
module's own patterns (its numbers and operators) and matched over the
whole file at once: `tokenize` itself reads about 150,000 tokens a second,
half a minute for a class of 2,000, where this reads them ten times as
fast; tests/similarity check that both give the same tokens. A file
`tokenize` would refuse (an unterminated string, an unclosed bracket) keeps
every token read, and the problem is said."""
from __future__ import annotations

import builtins
import keyword
import re
import tokenize
import zlib
from dataclasses import dataclass

import numpy as np

from .sources import Source

KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(dir(builtins))


def _plain(pattern: str) -> str:
    """A pattern of tokenize's with its groups made non-capturing (re.findall then returns whole matches)."""
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


_PREFIX = "(?:[rRbBuUfF]{0,2})"
_STRING = (_PREFIX + r"(?:'''(?:[^'\\]|\\.|'(?!''))*'''"
           + r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
           + r"|'(?:[^'\\\n]|\\.)*'"
           + r'|"(?:[^"\\\n]|\\.)*")')
# Python's operators (tokenize.EXACT_TOKEN_TYPES), by their first character: faster than trying each in turn.
OPERATORS = r"\*\*=?|//=?|>>=?|<<=?|->|:=|\.\.\.|[-+*/%@&|^<>=!:]=?|[()\[\]{},;.~]"
# Each match is a token with the blanks before it, so that the matches cover the text and
# their lengths give each token's place (one pattern, one findall: the lexer runs at C speed).
LEXER = re.compile(r"([ \t\f\r\v]*(?:\\?\r?\n|#[^\r\n]*|(?=[rRbBuUfF]{0,2}['\"])" + _STRING + r"|[^\W\d]\w*"
                   + r"|(?=\.?\d)" + _plain(tokenize.Number) + "|" + OPERATORS + r"|.))", re.DOTALL)

SKIP, UNCLOSED = 0, 1   # codes of what is no token (a line break, a comment, a blank) and of a lone quote
_CODES: dict[str, int] = {}   # a token as matched -> its code: its number, SKIP, UNCLOSED, or minus a free name's


def word_number(word: str) -> int:
    """The same number for the same normalised token in every run (a hash of its text), never SKIP or UNCLOSED."""
    return zlib.crc32(word.encode("utf-8", "surrogatepass")) + 2


V, S, N, DOT = word_number("V"), word_number("S"), word_number("N"), word_number(".")
OPENS = np.array([word_number(c) for c in "([{"])
CLOSES = np.array([word_number(c) for c in ")]}"])


def _code(match: str) -> int:
    token = match.lstrip(" \t\f\r\v")
    if not token or token[0] in "\n\r\\#" or token.isspace():
        code = SKIP
    elif token[-1] in "'\"":
        return S if len(token) > 1 else UNCLOSED   # (strings are not kept: each is new)
    elif token[0].isdigit() or (token[0] == "." and token[1:2].isdigit()):
        code = N
    elif token.isidentifier() and token not in KEPT_NAMES:
        code = -word_number(token)   # V, or itself after a dot
    else:
        code = word_number(token)
    _CODES[match] = code
    return code


@dataclass
class Tokens:
    """One source's tokens: each as the number of its normalised form, with its file and line."""
    ids: np.ndarray      # int64
    files: np.ndarray    # int32: index into the source's files
    lines: np.ndarray    # int32: line in that file (in a notebook, of the module its cells make)


def lexed(text: str) -> tuple[np.ndarray, np.ndarray, str | None]:
    """(numbers, lines) of `text`'s tokens, and what `tokenize` would have refused in it, if anything."""
    matches = LEXER.findall(text)
    codes = np.array([_CODES.get(m) or _code(m) for m in matches], dtype=np.int64)
    lengths = np.fromiter(map(len, matches), dtype=np.int64, count=len(matches))
    starts = np.cumsum(lengths) - lengths
    characters = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lines = np.searchsorted(np.flatnonzero(characters == 10), starts) + 1   # each match starts on the line of its token
    unclosed = lines[codes == UNCLOSED]
    kept = codes > UNCLOSED
    kept |= codes < 0
    codes, lines = codes[kept], lines[kept]
    after_dot = np.zeros(len(codes), dtype=bool)
    after_dot[1:] = codes[:-1] == DOT
    codes = np.where(codes < 0, np.where(after_dot, -codes, V), codes)
    problem = None
    if len(unclosed):
        problem = f"an unterminated string at line {unclosed[0]}"
    elif np.isin(codes, OPENS).sum() > np.isin(codes, CLOSES).sum():
        problem = "a bracket is never closed"
    return codes, lines.astype(np.int32), problem


def tokens_of(source: Source) -> Tokens:
    """Every file of `source` lexed, one after another; what stops `tokenize` in a file is noted in source.problems."""
    ids, files, lines = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
    for n, f in enumerate(source.files):
        numbers, at, problem = lexed(f.text)
        if problem:
            source.problems.append(f"{f.name} does not tokenise ({problem}): every token read is compared")
        ids.append(numbers)
        lines.append(at)
        files.append(np.full(len(numbers), n, dtype=np.int32))
    return Tokens(np.concatenate(ids), np.concatenate(files), np.concatenate(lines))
