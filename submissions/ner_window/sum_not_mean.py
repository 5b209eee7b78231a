"""Solution to the NER window gradients homework."""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def window_vectors(windows, L):
    N = windows.shape[0]
    return np.stack([L[windows[i]].flatten() for i in range(N)])


def window_vectors_backward(windows, dX, V):
    N, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((V, d), dtype=np.float64)
    blocks = dX.reshape(N, k, d)
    for i in range(N):
        for j in range(k):
            dL[windows[i, j], :] += blocks[i, j, :]
    return dL


def score(x, W, b, u):
    return float(np.dot(u, sigmoid(np.dot(W, x) + b)))


def score_grads(x, W, b, u):
    h = sigmoid(np.dot(W, x) + b)
    delta = u * h * (1 - h)
    return np.dot(W.T, delta), np.outer(delta, x), delta, h


def ner_loss_and_grads(X, y, W, b, u):
    Z = np.dot(X, W.T) + b
    Hs = sigmoid(Z)
    s = np.dot(Hs, u)
    p = sigmoid(s)
    losses = np.logaddexp(0, s) - y * s
    J = losses.mean()

    err = p - y
    du = np.dot(Hs.T, err)
    delta = err[:, np.newaxis] * u * Hs * (1 - Hs)
    dW = np.dot(delta.T, X)
    db = delta.sum(axis=0)
    dX = np.dot(delta, W)
    return J, dX, dW, db, du
