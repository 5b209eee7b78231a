"""Reference solution for the NER window-classifier gradient assignment.

Model (one window of 5 words, each a d-dimensional embedding):

    x = [L[w0]; L[w1]; L[w2]; L[w3]; L[w4]]    shape (D,), D = 5d
    z = W x + b                                 shape (H,)
    h = sigmoid(z)                              shape (H,)
    s = u . h                                   scalar score
    J = -[y log sigmoid(s) + (1 - y) log(1 - sigmoid(s))]

All arrays are float64. Only numpy is used.
"""

import numpy as np


def _sigmoid(z):
    # Logistic function written with tanh: identical in value to
    # 1 / (1 + exp(-z)) but never overflows for large |z|.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


# ---------------------------------------------------------------------------
# Main functions
# ---------------------------------------------------------------------------

def window_vectors(windows, L):
    """Look up and concatenate the embeddings of every window.

    windows: int array (N, 5); L: (V, d). Returns X of shape (N, 5d).
    """
    windows = np.asarray(windows)
    L = np.asarray(L, dtype=np.float64)
    n = windows.shape[0]
    # L[windows] has shape (N, 5, d); flattening the last two axes
    # concatenates the five word vectors of each window.
    return L[windows].reshape(n, -1)


def window_vectors_backward(windows, dX, V):
    """Gradient with respect to L, given the gradient dX with respect to X.

    windows: int array (N, 5); dX: (N, 5d); V: int. Returns dL of shape (V, d).
    """
    windows = np.asarray(windows)
    dX = np.asarray(dX, dtype=np.float64)
    n, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((int(V), d), dtype=np.float64)
    # One row of gradient per word occurrence, shape (N*5, d).
    rows = dX.reshape(n * k, d)
    # np.add.at is unbuffered: a word index that occurs several times
    # receives the sum of all its rows.
    np.add.at(dL, windows.reshape(-1), rows)
    return dL


def score(x, W, b, u):
    """Score s = u . sigmoid(W x + b) of one window vector x (D,)."""
    x = np.asarray(x, dtype=np.float64)
    h = _sigmoid(W @ x + b)
    return float(u @ h)


def score_grads(x, W, b, u):
    """Gradients of the score s with respect to x, W, b and u.

    Returns (ds_dx (D,), ds_dW (H, D), ds_db (H,), ds_du (H,)).
    """
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    h = _sigmoid(W @ x + b)
    # Local error signal: delta = u * sigmoid'(z), sigmoid'(z) = h (1 - h).
    delta = u * h * (1.0 - h)
    ds_dW = np.outer(delta, x)      # delta x^T, shape (H, D)
    ds_db = delta                   # dz/db is the identity
    ds_dx = W.T @ delta             # W^T delta, shape (D,)
    ds_du = h                       # s is linear in u
    return ds_dx, ds_dW, ds_db, ds_du


def _loss_and_grads(X, y, W, b, u, act_deriv):
    # Shared body of ner_loss_and_grads and its mistake variants.
    # act_deriv(Hact) gives the factor that multiplies the upstream
    # gradient on the way back through the hidden activation.
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    n = X.shape[0]

    # Forward pass for all N windows at once (one row per window).
    Z = X @ W.T + b                 # (N, H)
    Hact = _sigmoid(Z)              # (N, H)
    s = Hact @ u                    # (N,)
    # -[y log sig(s) + (1-y) log(1-sig(s))] = log(1 + e^s) - y s
    J = float(np.mean(np.logaddexp(0.0, s) - y * s))

    # Backward pass.
    g = (_sigmoid(s) - y) / n       # dJ/ds_i, shape (N,)
    du = Hact.T @ g                 # (H,)
    delta = np.outer(g, u) * act_deriv(Hact)   # (N, H)
    dW = delta.T @ X                # sum over windows of delta_i x_i^T, (H, D)
    db = delta.sum(axis=0)          # (H,)
    dX = delta @ W                  # row i is W^T delta_i, (N, D)
    return J, dX, dW, db, du


def ner_loss_and_grads(X, y, W, b, u):
    """Mean logistic loss over N windows and its gradients.

    X: (N, D); y: int (N,) in {0, 1}; W: (H, D); b: (H,); u: (H,).
    Returns (J float, dX (N, D), dW (H, D), db (H,), du (H,)).
    """
    return _loss_and_grads(X, y, W, b, u, lambda Hact: Hact * (1.0 - Hact))


# ---------------------------------------------------------------------------
# Mistake variants
#
# The functions below are NOT part of the solution. Each one computes the
# same outputs as the main function it is named after, but with a single,
# commonly made mistake. When a student's answer is wrong, the grader
# compares it with these variants so that it can name the likely mistake
# in its feedback. Each variant returns the same tuple structure as the
# function it varies.
# ---------------------------------------------------------------------------

def score_grads__missing_activation_derivative(x, W, b, u):
    """score_grads with sigmoid'(z) replaced by 1, i.e. delta = u."""
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    h = _sigmoid(W @ x + b)
    delta = u.copy()
    return W.T @ delta, np.outer(delta, x), delta, h


def ner_loss_and_grads__missing_activation_derivative(X, y, W, b, u):
    """ner_loss_and_grads with sigmoid'(z) replaced by 1."""
    return _loss_and_grads(X, y, W, b, u, lambda Hact: np.ones_like(Hact))


def score_grads__activation_for_derivative(x, W, b, u):
    """score_grads with sigmoid(z) used in place of sigmoid'(z)."""
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    h = _sigmoid(W @ x + b)
    delta = u * h
    return W.T @ delta, np.outer(delta, x), delta, h


def ner_loss_and_grads__activation_for_derivative(X, y, W, b, u):
    """ner_loss_and_grads with sigmoid(z) used in place of sigmoid'(z)."""
    return _loss_and_grads(X, y, W, b, u, lambda Hact: Hact)


def window_vectors_backward__overwrite_repeats(windows, dX, V):
    """window_vectors_backward where repeated words are overwritten.

    Buffered fancy-index assignment keeps only one contribution per
    repeated index instead of summing them all.
    """
    windows = np.asarray(windows)
    dX = np.asarray(dX, dtype=np.float64)
    n, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((int(V), d), dtype=np.float64)
    dL[windows.reshape(-1)] += dX.reshape(n * k, d)
    return dL
