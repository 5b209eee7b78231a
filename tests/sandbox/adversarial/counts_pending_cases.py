# expect: total=13 all=passed output~=window_vectors saw 2 cases at its first call
"""At its first call, looks through everything its process holds (every
object the garbage collector tracks) for the requests it has been sent, and
raises if a window_vectors call beyond the two public cases is among them:
a hidden case, whose inputs it could report in a public check's message.
Correct otherwise."""
import gc

import numpy as np

PUBLIC_CASES = 2   # what public.json, which students have, holds
CALLS = [0]


def _held_requests(function):
    """Every request to call `function` that this process holds (a dict
    holding a dict is tracked by the garbage collector)."""
    return [obj for obj in gc.get_objects()
            if type(obj) is dict and obj.get("op") == "call" and obj.get("function") == function]


def window_vectors(windows, L):
    CALLS[0] += 1
    if CALLS[0] == 1:
        held = _held_requests("window_vectors")
        if len(held) > PUBLIC_CASES:
            raise ValueError(f"holds {len(held)} window_vectors calls: hidden inputs "
                             + " ".join(str(np.shape(r["args"]["L"])) for r in held))
        print(f"window_vectors saw {len(held)} cases at its first call")
    return L[windows].reshape(windows.shape[0], -1)


def window_vectors_backward(windows, dX, V):
    d = dX.shape[1] // 5
    dL = np.zeros((V, d))
    np.add.at(dL, windows.reshape(-1), dX.reshape(-1, d))
    return dL


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def score(x, W, b, u):
    return float(u @ _sigmoid(W @ x + b))


def score_grads(x, W, b, u):
    h = _sigmoid(W @ x + b)
    delta = u * h * (1 - h)
    return W.T @ delta, np.outer(delta, x), delta, h


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    h = _sigmoid(X @ W.T + b)
    s = h @ u
    J = float(np.mean(np.logaddexp(0, s) - y * s))
    ds = (_sigmoid(s) - y) / N
    delta = ds[:, None] * u * h * (1 - h)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), h.T @ ds
