"""NER window classifier: forward passes and hand-derived gradients.

Copy this file to ner_window.py and replace every
``raise NotImplementedError`` with your implementation.

Notation (see the instructions):

    x = [L[w0]; L[w1]; L[w2]; L[w3]; L[w4]]    shape (D,), D = 5d
    z = W x + b                                 shape (H,)
    h = sigmoid(z)                              shape (H,)
    s = u . h                                   scalar score
    p = sigmoid(s)
    J = -[y log p + (1 - y) log(1 - p)]

Use numpy only and float64 arrays. Do not hard-code any size: your
functions will be called with other values of N, d, H and V.
"""

import numpy as np


def window_vectors(windows, L):
    """Build the input vector of every window.

    Args:
        windows: int array of shape (N, 5); windows[i, j] is the index in
            L of the j-th word of window i.
        L: float64 array of shape (V, d), the word embedding matrix.

    Returns:
        X: float64 array of shape (N, 5 * d). Row i is the concatenation
        L[windows[i, 0]], L[windows[i, 1]], ..., L[windows[i, 4]].
    """
    raise NotImplementedError


def window_vectors_backward(windows, dX, V):
    """Backpropagate from the window vectors X to the embedding matrix L.

    Args:
        windows: int array of shape (N, 5), as in window_vectors.
        dX: float64 array of shape (N, 5 * d), the gradient of some loss
            with respect to X = window_vectors(windows, L).
        V: int, the number of rows of L (vocabulary size).

    Returns:
        dL: float64 array of shape (V, d), the gradient of the same loss
        with respect to L. A word that occurs several times (in one
        window or in several) must receive the sum of all its
        contributions; rows of words that never occur are zero.
    """
    raise NotImplementedError


def score(x, W, b, u):
    """Score of one window: s = u . sigmoid(W x + b).

    Args:
        x: float64 array of shape (D,), one window vector.
        W: float64 array of shape (H, D).
        b: float64 array of shape (H,).
        u: float64 array of shape (H,).

    Returns:
        s: the score, a Python float (a 0-d array is also accepted).
    """
    raise NotImplementedError


def score_grads(x, W, b, u):
    """Gradients of the score s = u . sigmoid(W x + b).

    Args:
        x: float64 array of shape (D,).
        W: float64 array of shape (H, D).
        b: float64 array of shape (H,).
        u: float64 array of shape (H,).

    Returns:
        A tuple (ds_dx, ds_dW, ds_db, ds_du) with shapes
        (D,), (H, D), (H,), (H,): the gradients of s with respect to
        x, W, b and u (each with the shape of the variable).
    """
    raise NotImplementedError


def ner_loss_and_grads(X, y, W, b, u):
    """Mean binary logistic loss over N windows, and its gradients.

    For each window i, s_i = u . sigmoid(W x_i + b) and
    J_i = -[y_i log sigmoid(s_i) + (1 - y_i) log(1 - sigmoid(s_i))].
    J is the mean of J_i over the N windows.

    Args:
        X: float64 array of shape (N, D); row i is the window vector x_i.
        y: int array of shape (N,), labels in {0, 1}.
        W: float64 array of shape (H, D).
        b: float64 array of shape (H,).
        u: float64 array of shape (H,).

    Returns:
        A tuple (J, dX, dW, db, du):
            J:  the mean loss, a Python float (or a 0-d array);
            dX: (N, D), the gradient of J with respect to X;
            dW: (H, D), the gradient of J with respect to W;
            db: (H,),   the gradient of J with respect to b;
            du: (H,),   the gradient of J with respect to u.
    """
    raise NotImplementedError
