"""Assignment: window-based NER classifier, forward and backward passes."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def window_vectors(windows, L):
    rows = [np.concatenate([L[w] for w in win]) for win in windows]
    return np.array(rows, dtype=np.float64)


def window_vectors_backward(windows, dX, V):
    d = dX.shape[1] // windows.shape[1]
    dL = np.zeros((V, d))
    for i, win in enumerate(windows):
        for pos, w in enumerate(win):
            dL[w] += dX[i, pos * d:(pos + 1) * d]
    return dL


def score(x, W, b, u):
    h = sigmoid(W @ x + b)
    return float(u @ h)


def score_grads(x, W, b, u):
    h = sigmoid(W @ x + b)
    delta = u * h * (1 - h)
    ds_dx = W.T @ delta
    ds_dW = np.outer(delta, x)
    ds_db = delta
    ds_du = h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]

    # forward
    Z = X @ W.T + b
    Hid = sigmoid(Z)
    s = Hid @ u
    J = np.mean(np.logaddexp(0, s) - y * s)

    # backward
    dJ_ds = (sigmoid(s) - y) / N
    du = Hid.T @ dJ_ds
    delta = np.outer(dJ_ds, u) * Hid * (1 - Hid)
    dW = X.T @ delta
    db = delta.sum(axis=0)
    dX = delta @ W
    return J, dX, dW, db, du
