"""Window NER model: embeddings lookup, score, loss and their gradients."""

import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def window_vectors(windows, L):
    N = len(windows)
    X = L[windows]            # (N, 5, d)
    return X.reshape(N, -1)


def window_vectors_backward(windows, dX, V):
    N, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((V, d))
    idx = windows.reshape(-1)
    g = dX.reshape(N * k, d)
    dL[idx] += g
    return dL


def score(x, W, b, u):
    h = sigmoid(W @ x + b)
    return u @ h


def score_grads(x, W, b, u):
    h = sigmoid(W @ x + b)
    delta = u * h * (1.0 - h)
    ds_dx = W.T @ delta
    ds_dW = np.outer(delta, x)
    return ds_dx, ds_dW, delta, h


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    H = sigmoid(X @ W.T + b)
    s = H @ u
    J = np.mean(np.logaddexp(0.0, s) - y * s)
    upstream = (sigmoid(s) - y) / N
    du = H.T @ upstream
    delta = upstream[:, None] * u * H * (1.0 - H)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), du
