# expect: total=0 all=failed
"""Returns NaN of the right shapes, everywhere."""
import numpy as np


def window_vectors(windows, L):
    return np.full((windows.shape[0], 5 * L.shape[1]), np.nan)


def window_vectors_backward(windows, dX, V):
    return np.full((V, dX.shape[1] // 5), np.nan)


def score(x, W, b, u):
    return float("nan")


def score_grads(x, W, b, u):
    return np.full(x.shape, np.nan), np.full(W.shape, np.nan), np.full(b.shape, np.nan), np.full(u.shape, np.nan)


def ner_loss_and_grads(X, y, W, b, u):
    return (float("nan"), np.full(X.shape, np.nan), np.full(W.shape, np.nan), np.full(b.shape, np.nan),
            np.full(u.shape, np.nan))
