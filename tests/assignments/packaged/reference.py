"""Reference for the packaged test assignment."""
import numpy as np


def relu_loss(z, w):
    """J = sum(w * relu(z)) and its gradient."""
    return float(np.sum(w * np.maximum(z, 0))), w * (z > 0)
