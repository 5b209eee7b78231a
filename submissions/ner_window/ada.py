"""NER window classifier - gradients assignment."""

import numpy as np


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def window_vectors(windows, L):
    N = windows.shape[0]
    d = L.shape[1]
    X = np.zeros((N, 5 * d))
    for i in range(N):
        for j in range(5):
            X[i, j * d:(j + 1) * d] = L[windows[i, j]]
    return X


def window_vectors_backward(windows, dX, V):
    N = windows.shape[0]
    d = dX.shape[1] // 5
    dL = np.zeros((V, d))
    for i in range(N):
        for j in range(5):
            # add (not assign) so repeated words sum up
            dL[windows[i, j]] += dX[i, j * d:(j + 1) * d]
    return dL


def score(x, W, b, u):
    z = W.dot(x) + b
    h = sigmoid(z)
    return float(np.dot(u, h))


def score_grads(x, W, b, u):
    z = W.dot(x) + b
    h = sigmoid(z)
    sig_prime = h * (1 - h)
    delta = u * sig_prime
    ds_dx = W.T.dot(delta)
    ds_dW = delta[:, None] * x[None, :]
    ds_db = delta
    ds_du = h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    dX = np.zeros_like(X, dtype=float)
    dW = np.zeros_like(W, dtype=float)
    db = np.zeros_like(b, dtype=float)
    du = np.zeros_like(u, dtype=float)
    J = 0.0
    for i in range(N):
        x = X[i]
        z = W.dot(x) + b
        h = sigmoid(z)
        s = np.dot(u, h)
        # -[y log p + (1-y) log(1-p)] = log(1+e^s) - y*s
        J += np.logaddexp(0, s) - y[i] * s
        dJ_ds = sigmoid(s) - y[i]
        delta = dJ_ds * u * h * (1 - h)
        dX[i] = W.T.dot(delta)
        dW += np.outer(delta, x)
        db += delta
        du += dJ_ds * h
    J /= N
    dX /= N
    dW /= N
    db /= N
    du /= N
    return J, dX, dW, db, du
