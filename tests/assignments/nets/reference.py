import numpy as np


def forward(X, params):
    H = np.tanh(params["W1"] @ X)
    return params["W2"] @ H, (X, params["W1"], params["W2"], H)


def cost(X, params):
    return float(np.sum(forward(X, params)[0] ** 2) / 2)


def backward(out, cache):
    X, W1, W2, H = cache
    dZ = (W2.T @ out) * (1 - H ** 2)
    return {"dW1": dZ @ X.T, "dW2": out @ H.T}


def doubled(xs):
    return [2 * x for x in xs]
