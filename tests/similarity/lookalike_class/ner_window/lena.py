import numpy as np


def window_vectors(windows, L):
    W_idx = np.asarray(windows, dtype=int)
    N, C = W_idx.shape
    V, d = L.shape
    onehots = np.zeros((N, C, V))
    onehots[np.arange(N)[:, None], np.arange(C)[None, :], W_idx] = 1.0
    return np.matmul(onehots, L).reshape(N, C * d)


def window_vectors_backward(windows, dX, V):
    W_idx = np.asarray(windows, dtype=int)
    N, C = W_idx.shape
    d = dX.shape[1] // C
    onehots = np.zeros((N * C, V))
    onehots[np.arange(N * C), W_idx.reshape(-1)] = 1.0
    return onehots.T @ dX.reshape(N * C, d)


def _sig(q):
    return (np.tanh(q / 2) + 1) / 2


def score(x, W, b, u):
    return np.dot(u, _sig(np.dot(W, x) + b))


def score_grads(x, W, b, u):
    a = _sig(np.dot(W, x) + b)
    back = u * a - u * a ** 2
    grad_x = np.dot(back, W)
    grad_W = np.outer(back, x)
    return grad_x, grad_W, back.copy(), a


def ner_loss_and_grads(X, y, W, b, u):
    A = _sig(np.dot(X, W.T) + b[np.newaxis, :])
    S = np.dot(A, u)
    P = _sig(S)
    y = y.astype(float)
    losses = np.where(y == 1, -np.log(P), -np.log(1 - P))
    N = X.shape[0]
    G = (P - y) / N
    du = np.dot(G, A)
    B = (G[:, np.newaxis] * u[np.newaxis, :]) * (A - A ** 2)
    return losses.mean(), np.dot(B, W), np.dot(B.T, X), B.sum(0), du
