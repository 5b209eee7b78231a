import numpy as np


def sigmoid(v):
    return np.exp(-np.logaddexp(0, -v))


def window_vectors(windows, L):
    rows = []
    for win in windows:
        rows.append(np.hstack([L[w] for w in win]))
    return np.array(rows)


def window_vectors_backward(windows, dX, V):
    k = windows.shape[1]
    d = dX.shape[1] // k
    dL = np.zeros((V, d))
    np.add.at(dL, windows, dX.reshape(len(windows), k, d))
    return dL


def score(x, W, b, u):
    return u @ sigmoid(W @ x + b)


def score_grads(x, W, b, u):
    h = sigmoid(W @ x + b)
    dz = u * h * (1 - h)
    return W.T @ dz, dz[:, None] * x[None, :], dz, h


def ner_loss_and_grads(X, y, W, b, u):
    # reuse score_grads one window at a time, then average
    N = len(X)
    J = 0.0
    dX = np.zeros_like(X)
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    du = np.zeros_like(u)
    for i in range(N):
        s = score(X[i], W, b, u)
        J += np.logaddexp(0, s) - y[i] * s
        gx, gW, gb, gu = score_grads(X[i], W, b, u)
        c = (sigmoid(s) - y[i]) / N
        dX[i] = c * gx
        dW += c * gW
        db += c * gb
        du += c * gu
    return J / N, dX, dW, db, du
