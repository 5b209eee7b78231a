# expect: total=9 score_grads=failed ner_loss_and_grads=passed
"""Returns an ndarray subclass whose shape property lies: (2**62, 2**62, 0)."""
import numpy as np


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


class Liar(np.ndarray):
    shape = property(lambda self: (2**62, 2**62, 0))


def score_grads(x, W, b, u):
    return tuple(np.zeros(3).view(Liar) for _ in range(4))


def ner_loss_and_grads(X, y, W, b, u):
    n = X.shape[0]
    H = _sigmoid(X @ W.T + b)
    s = H @ u
    J = float(np.mean(np.logaddexp(0, s) - y * s))
    g = (_sigmoid(s) - y) / n
    delta = np.outer(g, u) * H * (1 - H)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), H.T @ g