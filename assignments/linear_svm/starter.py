"""Multiclass SVM loss: naive and vectorized (CS231n linear_svm.py)

Copy this file to linear_svm.py and replace every `raise NotImplementedError`
with your code. Keep the names, the order of the arguments and the return
values. Shapes use the assignment's dimension names: N examples, D features,
C classes. Do not hard-code any size.

Check your work with: self-check linear_svm.py
"""
import numpy as np


def svm_loss_naive(W, X, y, reg):
    """Multiclass SVM (hinge) loss and its gradient, computed with loops.

    Args:
        W: (D, C) weights of a linear classifier; the scores of X are X @ W
        X: (N, D) a minibatch of N examples
        y: (N,) integer labels, 0 <= y[i] < C
        reg: (float) strength of the L2 regularization

    Returns a tuple (loss, dW):
        loss: a float, the mean hinge loss over the N examples (margin 1)
              plus the L2 regularization of W
        dW: (D, C) the gradient of loss with respect to W
    """
    raise NotImplementedError


def svm_loss_vectorized(W, X, y, reg):
    """The same loss and gradient as svm_loss_naive, without any loop.

    Takes and returns the same values as svm_loss_naive.
    """
    raise NotImplementedError
