"""Reference solution of softmax, and the variants the spec names: the other
accepted form of the L2 term (`__half_reg`) and the mistakes students make,
each as the answers a student making it returns."""
import numpy as np


def _l2(W, reg, half):
    """The L2 term and its gradient: reg * sum(W**2) and 2 * reg * W, or
    with half, 0.5 * reg * sum(W**2) and reg * W."""
    scale = 0.5 if half else 1.0
    return scale * reg * np.sum(W * W), 2.0 * scale * reg * W


def _probabilities(W, X, shift=True):
    scores = X @ W
    if shift:
        scores = scores - scores.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)


def _cross_entropy(W, X, y, shift=True):
    """The data loss and the gradient of the scores, P - Y, over N."""
    N = X.shape[0]
    scores = X @ W
    if shift:
        scores = scores - scores.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        probs = _probabilities(W, X, shift)
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1.0
    return -np.sum(log_probs[np.arange(N), y]) / N, dscores / N


def softmax_loss_naive(W, X, y, reg, half=False):
    N, C = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):
        scores = X[i] @ W
        scores = scores - scores.max()
        total = np.sum(np.exp(scores))
        loss += np.log(total) - scores[y[i]]
        for j in range(C):
            p = np.exp(scores[j]) / total
            dW[:, j] += (p - (j == y[i])) * X[i]
    term, grad = _l2(W, reg, half)
    return loss / N + term, dW / N + grad


def softmax_loss_vectorized(W, X, y, reg, half=False):
    loss, dscores = _cross_entropy(W, X, y)
    term, grad = _l2(W, reg, half)
    return loss + term, X.T @ dscores + grad


def softmax_loss_naive__half_reg(W, X, y, reg):
    return softmax_loss_naive(W, X, y, reg, half=True)


def softmax_loss_vectorized__half_reg(W, X, y, reg):
    return softmax_loss_vectorized(W, X, y, reg, half=True)


# --- mistakes, each also under the other form of the L2 term --------------------

def softmax_loss__no_reg_gradient(W, X, y, reg, half=False):
    loss, dscores = _cross_entropy(W, X, y)
    return loss + _l2(W, reg, half)[0], X.T @ dscores


def softmax_loss__dW_summed(W, X, y, reg, half=False):
    loss, dscores = _cross_entropy(W, X, y)
    term, grad = _l2(W, reg, half)
    return loss + term, X.T @ dscores * X.shape[0] + grad


def softmax_loss__one_hot_not_subtracted(W, X, y, reg, half=False):
    loss, _ = _cross_entropy(W, X, y)
    term, grad = _l2(W, reg, half)
    return loss + term, X.T @ _probabilities(W, X) / X.shape[0] + grad


def softmax_loss__no_max_shift(W, X, y, reg):
    """Without the shift: exp overflows on large scores (inf / inf is NaN)."""
    loss, dscores = _cross_entropy(W, X, y, shift=False)
    term, grad = _l2(W, reg, False)
    return loss + term, X.T @ dscores + grad


def softmax_loss__no_reg_gradient__half_reg(W, X, y, reg):
    return softmax_loss__no_reg_gradient(W, X, y, reg, half=True)


def softmax_loss__dW_summed__half_reg(W, X, y, reg):
    return softmax_loss__dW_summed(W, X, y, reg, half=True)


def softmax_loss__one_hot_not_subtracted__half_reg(W, X, y, reg):
    return softmax_loss__one_hot_not_subtracted(W, X, y, reg, half=True)
