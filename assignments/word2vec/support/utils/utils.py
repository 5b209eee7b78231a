"""Small numpy helpers used by word2vec.py."""
import numpy as np


def normalizeRows(x):
    """Each row of the 2-d array x scaled to unit Euclidean length.

    A row of zeros stays zero. Returns a new float64 array.
    """
    x = np.asarray(x, dtype=np.float64)
    lengths = np.sqrt(np.sum(x * x, axis=1, keepdims=True))
    return x / np.where(lengths > 0, lengths, 1.0)


def softmax(x):
    """Softmax of a vector, or of every row of a matrix.

    The largest entry is subtracted first, which leaves the result unchanged
    and keeps np.exp from overflowing. Returns a new float64 array of the
    same shape as x.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        e = np.exp(x - np.max(x))
        return e / np.sum(e)
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
