# expect: total=13 all=passed
"""Returns the right gradients as arrays of a subclass whose every method
misbehaves: __array__ and tolist never return, attribute access raises, and
its metaclass hides its name. Its values are sent as numpy sees them in
memory, so none of these is ever called."""
import numpy as np


class _NoName(type):
    @property
    def __name__(cls):
        raise RuntimeError("no name")


class Hostile(np.ndarray, metaclass=_NoName):
    def __array__(self, *args, **kwargs):
        while True:
            pass

    def tolist(self):
        while True:
            pass

    def __getattribute__(self, name):
        raise RuntimeError(f"no attribute {name}")

    def __len__(self):
        raise RuntimeError("no length")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def window_vectors(windows, L):
    return L[windows].reshape(windows.shape[0], -1)


def window_vectors_backward(windows, dX, V):
    d = dX.shape[1] // 5
    dL = np.zeros((V, d))
    np.add.at(dL, windows.reshape(-1), dX.reshape(-1, d))
    return dL


def score(x, W, b, u):
    return float(u @ _sigmoid(W @ x + b))


def score_grads(x, W, b, u):
    h = _sigmoid(W @ x + b)
    delta = u * h * (1 - h)
    return tuple(np.ascontiguousarray(a).view(Hostile) for a in (W.T @ delta, np.outer(delta, x), delta, h))


def ner_loss_and_grads(X, y, W, b, u):
    n = X.shape[0]
    H = _sigmoid(X @ W.T + b)
    s = H @ u
    J = float(np.mean(np.logaddexp(0, s) - y * s))
    g = (_sigmoid(s) - y) / n
    delta = np.outer(g, u) * H * (1 - H)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), H.T @ g