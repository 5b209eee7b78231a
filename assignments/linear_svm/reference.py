"""Reference solution of linear_svm, and the variants the spec names: the
other accepted form of the L2 term (`__half_reg`) and the mistakes students
make, each as the answers a student making it returns."""
import numpy as np


def _l2(W, reg, half):
    """The L2 term and its gradient: reg * sum(W**2) and 2 * reg * W, or
    with half, 0.5 * reg * sum(W**2) and reg * W."""
    scale = 0.5 if half else 1.0
    return scale * reg * np.sum(W * W), 2.0 * scale * reg * W


def _hinge(W, X, y):
    """The hinge margins (the true class's zeroed), the data loss and its gradient."""
    N = X.shape[0]
    scores = X @ W
    correct = scores[np.arange(N), y][:, None]
    margins = np.maximum(0.0, scores - correct + 1.0)
    margins[np.arange(N), y] = 0.0
    positive = (margins > 0).astype(float)
    positive[np.arange(N), y] = -positive.sum(axis=1)
    return margins, np.sum(margins) / N, X.T @ positive / N


def svm_loss_naive(W, X, y, reg, half=False):
    N, C = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):
        scores = X[i] @ W
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1.0
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    term, grad = _l2(W, reg, half)
    return loss / N + term, dW / N + grad


def svm_loss_vectorized(W, X, y, reg, half=False):
    _, loss, dW = _hinge(W, X, y)
    term, grad = _l2(W, reg, half)
    return loss + term, dW + grad


def svm_loss_naive__half_reg(W, X, y, reg):
    return svm_loss_naive(W, X, y, reg, half=True)


def svm_loss_vectorized__half_reg(W, X, y, reg):
    return svm_loss_vectorized(W, X, y, reg, half=True)


# --- mistakes, each also under the other form of the L2 term --------------------

def svm_loss__no_reg_gradient(W, X, y, reg, half=False):
    _, loss, dW = _hinge(W, X, y)
    return loss + _l2(W, reg, half)[0], dW


def svm_loss__dW_summed(W, X, y, reg, half=False):
    _, loss, dW = _hinge(W, X, y)
    term, grad = _l2(W, reg, half)
    return loss + term, dW * X.shape[0] + grad


def svm_loss__true_class_in_loss(W, X, y, reg, half=False):
    loss, dW = svm_loss_vectorized(W, X, y, reg, half)
    return loss + 1.0, dW


def svm_loss__true_class_in_gradient(W, X, y, reg, half=False):
    N = X.shape[0]
    loss, dW = svm_loss_vectorized(W, X, y, reg, half)
    counted = np.zeros((N, W.shape[1]))
    counted[np.arange(N), y] = -1.0
    return loss, dW + X.T @ counted / N


def svm_loss__no_reg_gradient__half_reg(W, X, y, reg):
    return svm_loss__no_reg_gradient(W, X, y, reg, half=True)


def svm_loss__dW_summed__half_reg(W, X, y, reg):
    return svm_loss__dW_summed(W, X, y, reg, half=True)


def svm_loss__true_class_in_loss__half_reg(W, X, y, reg):
    return svm_loss__true_class_in_loss(W, X, y, reg, half=True)


def svm_loss__true_class_in_gradient__half_reg(W, X, y, reg):
    return svm_loss__true_class_in_gradient(W, X, y, reg, half=True)
