import numpy as np

# helper layer objects: each keeps what its backward pass needs


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, inp):
        self.inp = inp
        return inp @ self.W.T + self.b

    def backward(self, grad_out):
        self.dW = grad_out.T @ self.inp
        self.db = grad_out.sum(axis=0)
        return grad_out @ self.W


class Sigmoid:
    def forward(self, a):
        self.out = np.where(a >= 0, 1 / (1 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))))
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out * (1 - self.out)


def window_vectors(windows, L):
    N = windows.shape[0]
    return np.take(L, windows.ravel(), axis=0).reshape(N, -1)


def window_vectors_backward(windows, dX, V):
    flat = windows.ravel()
    d = dX.shape[1] // windows.shape[1]
    per_word = dX.reshape(-1, d)
    out = np.zeros((V, d))
    for col in range(d):
        out[:, col] = np.bincount(flat, weights=per_word[:, col], minlength=V)
    return out


def score(x, W, b, u):
    lin, act = Affine(W, b), Sigmoid()
    return float(act.forward(lin.forward(x[None, :]))[0] @ u)


def score_grads(x, W, b, u):
    lin, act = Affine(W, b), Sigmoid()
    hidden = act.forward(lin.forward(x[None, :]))
    dx = lin.backward(act.backward(u[None, :]))
    return dx[0], lin.dW, lin.db, hidden[0]


def ner_loss_and_grads(X, y, W, b, u):
    lin, act, out = Affine(W, b), Sigmoid(), Sigmoid()
    hidden = act.forward(lin.forward(X))
    prob = out.forward(hidden @ u)
    m = X.shape[0]
    cost = -np.sum(y * np.log(prob) + (1 - y) * np.log1p(-prob)) / m
    ds = (prob - y) / m
    du = hidden.T @ ds
    dX = lin.backward(act.backward(np.outer(ds, u)))
    return cost, dX, lin.dW, lin.db, du
