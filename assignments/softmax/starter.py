"""Softmax loss: naive and vectorized (CS231n softmax.py)

Copy this file to softmax.py and replace every `raise NotImplementedError`
with your code. Keep the names, the order of the arguments and the return
values. Shapes use the assignment's dimension names: N examples, D features,
C classes. Do not hard-code any size.

Check your work with: self-check softmax.py
"""
import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """Softmax (cross-entropy) loss and its gradient, computed with loops.

    Args:
        W: (D, C) weights of a linear classifier; the scores of X are X @ W
        X: (N, D) a minibatch of N examples
        y: (N,) integer labels, 0 <= y[i] < C
        reg: (float) strength of the L2 regularization

    Returns a tuple (loss, dW):
        loss: a float, the mean cross-entropy over the N examples plus the
              L2 regularization of W
        dW: (D, C) the gradient of loss with respect to W
    """
    raise NotImplementedError


def softmax_loss_vectorized(W, X, y, reg):
    """The same loss and gradient as softmax_loss_naive, without any loop.

    Takes and returns the same values as softmax_loss_naive.
    """
    raise NotImplementedError
