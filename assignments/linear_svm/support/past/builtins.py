"""The Python 2 built-ins a course file may import, as their Python 3 equivalents."""
from functools import reduce

xrange = range
basestring = str
unicode = str
long = int
raw_input = input

__all__ = ["xrange", "basestring", "unicode", "long", "raw_input", "reduce"]
