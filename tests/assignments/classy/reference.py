"""Reference for the classy test assignment."""
import numpy as np


class Linear:
    def __init__(self, input_dim, num_classes, reg=0.0, weight_scale=1e-3):
        self.reg = reg
        self.params = {"W": weight_scale * np.random.randn(input_dim, num_classes), "b": np.zeros(num_classes)}

    def loss(self, X, y=None):
        scores = X @ self.params["W"] + self.params["b"]
        if y is None:
            return scores
        n = len(X)
        shifted = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(n), y]).mean() + 0.5 * self.reg * np.sum(self.params["W"] ** 2)
        probs[np.arange(n), y] -= 1
        dscores = probs / n
        return loss, {"W": X.T @ dscores + self.reg * self.params["W"], "b": dscores.sum(axis=0)}
