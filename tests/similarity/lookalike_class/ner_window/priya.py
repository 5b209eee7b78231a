# NER window classifier -- written with explicit loops so I can follow every index.
import numpy as np


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def window_vectors(windows, L):
    count = len(windows)
    width = L.shape[1]
    out = np.zeros((count, 5 * width))
    for i in range(count):
        for j in range(5):
            out[i, j * width:(j + 1) * width] = L[windows[i][j]]
    return out


def window_vectors_backward(windows, dX, V):
    width = dX.shape[1] // 5
    grad = np.zeros((V, width))
    for i in range(len(windows)):
        for j in range(5):
            word = windows[i][j]
            grad[word] += dX[i, j * width:(j + 1) * width]
    return grad


def score(x, W, b, u):
    hidden = sig(W.dot(x) + b)
    total = 0.0
    for k in range(len(u)):
        total += u[k] * hidden[k]
    return total


def score_grads(x, W, b, u):
    H, D = W.shape
    hidden = sig(W.dot(x) + b)
    g_b = np.zeros(H)
    for k in range(H):
        g_b[k] = u[k] * hidden[k] * (1 - hidden[k])
    g_W = np.zeros((H, D))
    for k in range(H):
        for m in range(D):
            g_W[k, m] = g_b[k] * x[m]
    g_x = np.zeros(D)
    for m in range(D):
        for k in range(H):
            g_x[m] += W[k, m] * g_b[k]
    return g_x, g_W, g_b, hidden.copy()


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    H, D = W.shape
    loss = 0.0
    gX = np.zeros((N, D))
    gW = np.zeros((H, D))
    gb = np.zeros(H)
    gu = np.zeros(H)
    for i in range(N):
        hidden = sig(W.dot(X[i]) + b)
        s = u.dot(hidden)
        p = sig(s)
        loss -= y[i] * np.log(p) + (1 - y[i]) * np.log(1 - p)
        coef = (p - y[i]) / N
        gu += coef * hidden
        local = coef * u * hidden * (1 - hidden)
        gb += local
        gW += np.outer(local, X[i])
        gX[i] = W.T.dot(local)
    return loss / N, gX, gW, gb, gu
