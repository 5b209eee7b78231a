"""Which cache reached which backward, seen in the student's process while
a network's method runs. A network built from layers calls each layer's
forward, keeps the cache it returns, and hands that very object to the same
layer's backward. While the method runs, every call of a function bound at
the top of the submission's module under a name ending in `_forward` or
`_backward` (the student's layers, and the helpers the network imports, such
as affine_relu_forward) is seen through sys.setprofile, however it is
reached: the cache each call of a forward returns (the last item of the
tuple it returns) is kept, and each call of a backward has its arguments
looked up among those caches, by identity.

Only counts are sent back: for each forward, how many times the cache of
each of its calls reached a backward, and which backward took the one taken
most. The grading process decides what they mean (grading/cache_reuse.py).
Nothing here changes what the student's code computes: the functions are
watched, not replaced, no method of a student's object is called, and the
hook never raises into their code. Student code can switch the watch off
(sys.setprofile is theirs to call), or forge the counts: they only ever name
a mistake on a check that failed anyway."""
from __future__ import annotations

import inspect
import sys
import types

FORWARD, BACKWARD = "_forward", "_backward"
MAX_FORWARDS = 16   # forwards reported, in the order of their first call
MAX_CALLS = 64      # calls reported per forward, the first ones
PLAIN = (type(None), bool, int, float, complex, str, bytes)   # values shared by identity: never a layer's cache


def layers(module) -> dict:
    """The module's forwards and backwards: id(code) -> (code, name,
    is_forward), the code kept so that its id stays its own. A name is read
    from the module's namespace, a function only where it is exactly a
    Python function (nothing of the student's class is asked)."""
    found: dict = {}
    for name, value in list(vars(module).items()):
        if type(value) is types.FunctionType and _layer_name(name):
            code = value.__code__
            found.setdefault(id(code), (code, name, name.endswith(FORWARD)))
    return found


def _layer_name(name) -> bool:
    """A plain ASCII identifier that names a forward or a backward (the names the grading process reads back)."""
    plain = type(name) is str and name.isascii() and name.isidentifier()
    return plain and name.endswith((FORWARD, BACKWARD))


class Watch:
    """Keeps, while it is entered, the caches the module's forwards return
    and counts each time a backward receives one. Any profile hook already
    set (the numerical-derivative watch) still sees every event."""

    def __init__(self, watched: dict) -> None:
        self.watched = watched          # id(code) -> (code, name, is_forward): see layers()
        self.kept: list = []            # every cache returned, kept alive so that no id is reused
        self.received: dict = {}        # id(cache) -> [times a backward received it, the first backward that did]
        self.calls: dict = {}           # forward's name -> the ids of the caches its calls returned, in order
        self.previous = None

    @classmethod
    def of(cls, module) -> Watch | None:
        """A watch of the module's layers; None where it has no forward or no backward to watch."""
        try:
            found = layers(module) if module is not None else {}
        except Exception:   # a namespace that cannot be read is not watched
            return None
        kinds = {forward for _, _, forward in found.values()}
        return cls(found) if kinds == {True, False} else None

    def __enter__(self) -> Watch:
        self.previous = sys.getprofile()
        sys.setprofile(self.see)
        return self

    def __exit__(self, *exc) -> None:
        sys.setprofile(self.previous)

    def see(self, frame, event, arg) -> None:
        """The profile hook: the return of a forward, the call of a backward.
        Every event of the call comes here (numpy's C functions too), so the
        common case, a frame of no layer's, returns at once."""
        if self.previous is not None:
            self.previous(frame, event, arg)
        layer = self.watched.get(id(frame.f_code))   # (a code's own hash is computed anew each time)
        if layer is None or (event != "call" and event != "return"):   # (c_call, ...: C functions it calls)
            return
        try:
            _, name, forward = layer
            if forward and event == "call":
                self.calls.setdefault(name, [])   # forwards are reported in the order of their first call
            elif forward:
                self.returned(name, arg)
            elif event == "call":
                self.took(name, frame)
        except Exception:   # never let the watch change what the student's code does
            pass

    def returned(self, name: str, value) -> None:
        """A forward's call returned `value`: its last item, where it is a tuple, is the cache."""
        if not issubclass(type(value), tuple) or tuple.__len__(value) < 2:
            return
        cache = tuple.__getitem__(value, -1)
        if any(type(cache) is plain for plain in PLAIN):   # (by identity: `in` would call a metaclass's __eq__)
            return
        self.kept.append(cache)
        self.received.setdefault(id(cache), [0, ""])
        self.calls.setdefault(name, []).append(id(cache))

    def took(self, name: str, frame) -> None:
        """A backward was called: each kept cache among its arguments counts once."""
        code = frame.f_code
        starred = bool(code.co_flags & inspect.CO_VARARGS)
        local = frame.f_locals
        values = [local.get(v) for v in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount + starred]]
        if starred and type(values[-1]) is tuple:
            values = values[:-1] + list(values[-1])
        for key in {id(v) for v in values} & self.received.keys():
            seen = self.received[key]
            seen[0] += 1
            seen[1] = seen[1] or name

    def report(self) -> list[dict]:
        """Per forward: how often each of its calls' caches reached a backward,
        and the backward that took the one taken most."""
        rows = []
        try:   # (a student's code may have rebound the builtins this uses: then nothing is reported)
            for forward, ids in [(f, ids) for f, ids in self.calls.items() if ids][:MAX_FORWARDS]:
                counts = [self.received[i][0] for i in ids[:MAX_CALLS]]
                most = ids[counts.index(max(counts))]
                rows.append({"forward": forward, "backward": self.received[most][1], "received": counts})
        except Exception:
            return []
        return rows
