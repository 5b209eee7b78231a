"""Reference for fc_net: the layers the networks are built from, and the
networks as classes. The grader constructs a network, assigns sampled
arrays to its params, then calls loss; the mistake variants below take the
arguments of such a call in the spec's order (the constructor's, params,
then the method's) and return what a student with that mistake returns."""
import numpy as np


# --- layers ---------------------------------------------------------------------

def affine_forward(x, w, b):
    """Rows of x (flattened past the first axis) times w, plus b."""
    flat = x.reshape(len(x), -1)
    return flat @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(len(x), -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.maximum(0.0, x), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)


def softmax_loss(x, y):
    """Mean cross-entropy of the softmax of each row of x against its label."""
    n = len(x)
    logits = x - x.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    probs = np.exp(log_probs)
    loss = -log_probs[np.arange(n), y].sum() / n
    probs[np.arange(n), y] -= 1.0
    return float(loss), probs / n


def batchnorm_forward(x, gamma, beta, bn_param):
    """Normalise each column by the batch's mean and variance in training (updating the running
    averages), by the running averages at test time; then scale by gamma and shift by beta."""
    mode, eps, momentum = bn_param["mode"], bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    running_mean = bn_param.get("running_mean", np.zeros(x.shape[1], dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(x.shape[1], dtype=x.dtype))
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        std = np.sqrt(var + eps)
        xhat = (x - mean) / std
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
        return gamma * xhat + beta, (xhat, gamma, std)
    if mode != "test":
        raise ValueError(f"invalid batchnorm mode {mode!r}")
    bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
    return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, None


def batchnorm_backward(dout, cache):
    xhat, gamma, std = cache
    dxhat = dout * gamma
    # the batch's mean and variance depend on every row: dx has terms through both
    dx = (len(dout) * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (len(dout) * std)
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def batchnorm_backward__statistics_constant(dout, cache):
    """The batch mean and variance treated as constants: only the direct path."""
    xhat, gamma, std = cache
    return dout * gamma / std, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def dropout_forward(x, dropout_param):
    """Inverted dropout: keep each unit with probability p and scale by 1/p in training; nothing at test time."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    if mode != "train":
        return x, (dropout_param, None)
    mask = (np.random.rand(*x.shape) < p) / p
    return x * mask, (dropout_param, mask)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    return dout * mask if dropout_param["mode"] == "train" else dout


# --- the two-layer network ---------------------------------------------------------

class TwoLayerNet:
    """affine - relu - affine - softmax; params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)."""

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0):
        self.reg = reg
        self.params = {
            "W1": weight_scale * np.random.randn(input_dim, hidden_dim),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * np.random.randn(hidden_dim, num_classes),
            "b2": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        p = self.params
        hidden, first = affine_forward(X, p["W1"], p["b1"])
        active, mask = relu_forward(hidden)
        scores, second = affine_forward(active, p["W2"], p["b2"])
        if y is None:
            return scores
        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + 0.5 * self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        grads = {}
        dactive, grads["W2"], grads["b2"] = affine_backward(dscores, second)
        _, grads["W1"], grads["b1"] = affine_backward(relu_backward(dactive, mask), first)
        grads["W1"] = grads["W1"] + self.reg * p["W1"]
        grads["W2"] = grads["W2"] + self.reg * p["W2"]
        return loss, grads


# --- mistakes of TwoLayerNet.loss, called as (input_dim, hidden_dim, num_classes, weight_scale, reg, params, X, y) ---

def _two_layer(args, params):
    net = TwoLayerNet(*args)
    net.params = params
    return net


def two_layer_loss__reg_missing_from_grads(input_dim, hidden_dim, num_classes, weight_scale, reg, params, X, y):
    """The penalty is in the loss, but its gradient reg * W is left out of dW."""
    loss, grads = _two_layer((input_dim, hidden_dim, num_classes, weight_scale, reg), params).loss(X, y)
    return loss, {**grads, "W1": grads["W1"] - reg * params["W1"], "W2": grads["W2"] - reg * params["W2"]}


def two_layer_loss__reg_counted_twice(input_dim, hidden_dim, num_classes, weight_scale, reg, params, X, y):
    """The penalty's gradient is 2 reg W: the 0.5 of 0.5 * reg * sum(W**2) forgotten."""
    loss, grads = _two_layer((input_dim, hidden_dim, num_classes, weight_scale, reg), params).loss(X, y)
    return loss, {**grads, "W1": grads["W1"] + reg * params["W1"], "W2": grads["W2"] + reg * params["W2"]}


def two_layer_loss__mask_from_upstream(input_dim, hidden_dim, num_classes, weight_scale, reg, params, X, y):
    """The ReLU's mask taken from the upstream gradient rather than from the hidden layer's input."""
    net = _two_layer((input_dim, hidden_dim, num_classes, weight_scale, reg), params)
    loss, grads = net.loss(X, y)
    hidden = X @ params["W1"] + params["b1"]
    _, dscores = softmax_loss(np.maximum(hidden, 0) @ params["W2"] + params["b2"], y)
    dactive = dscores @ params["W2"].T
    dhidden = dactive * (dactive > 0)
    return loss, {**grads, "W1": X.T @ dhidden + reg * params["W1"], "b1": dhidden.sum(axis=0)}


# --- the network of any depth -------------------------------------------------------

class FullyConnectedNet:
    """{affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine - softmax; params W1..WL, b1..bL,
    and with normalization="batchnorm" gamma1..gamma(L-1), beta1..beta(L-1), the running averages
    kept in self.bn_params (one dict per hidden layer)."""

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout=1, normalization=None,
                 reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        self.use_dropout = dropout != 1
        self.normalization = normalization
        self.reg, self.dtype = reg, dtype
        self.num_layers = 1 + len(hidden_dims)
        sizes = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for layer in range(1, self.num_layers + 1):
            self.params[f"W{layer}"] = weight_scale * np.random.randn(sizes[layer - 1], sizes[layer])
            self.params[f"b{layer}"] = np.zeros(sizes[layer])
            if normalization == "batchnorm" and layer < self.num_layers:
                self.params[f"gamma{layer}"] = np.ones(sizes[layer])
                self.params[f"beta{layer}"] = np.zeros(sizes[layer])
        self.bn_params = [{"mode": "train"} for _ in hidden_dims] if normalization == "batchnorm" else []
        self.dropout_param = {"mode": "train", "p": dropout} if self.use_dropout else {}
        if self.use_dropout and seed is not None:
            self.dropout_param["seed"] = seed
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        for bn_param in self.bn_params:
            bn_param["mode"] = mode
        p, last = self.params, self.num_layers
        out, caches = X, []
        for layer in range(1, last):
            out, affine = affine_forward(out, p[f"W{layer}"], p[f"b{layer}"])
            norm = dropped = None
            if self.bn_params:
                out, norm = batchnorm_forward(out, p[f"gamma{layer}"], p[f"beta{layer}"], self.bn_params[layer - 1])
            out, relu = relu_forward(out)
            if self.use_dropout:
                out, dropped = dropout_forward(out, self.dropout_param)
            caches.append((affine, norm, relu, dropped))
        scores, top = affine_forward(out, p[f"W{last}"], p[f"b{last}"])
        if mode == "test":
            return scores
        loss, dout = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(p[f"W{layer}"] ** 2) for layer in range(1, last + 1))
        grads = {}
        dout, grads[f"W{last}"], grads[f"b{last}"] = affine_backward(dout, top)
        for layer in range(last - 1, 0, -1):
            affine, norm, relu, dropped = caches[layer - 1]
            if self.use_dropout:
                dout = dropout_backward(dout, dropped)
            dout = relu_backward(dout, relu)
            if self.bn_params:
                dout, grads[f"gamma{layer}"], grads[f"beta{layer}"] = batchnorm_backward(dout, norm)
            dout, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dout, affine)
        for layer in range(1, last + 1):
            grads[f"W{layer}"] = grads[f"W{layer}"] + self.reg * p[f"W{layer}"]
        return loss, grads


# --- mistakes of FullyConnectedNet.loss(X), called as (hidden_dims, input_dim, num_classes,
# dropout, reg, weight_scale, dtype, seed, params, X) ---

def fc_scores__dropout_at_test_time(hidden_dims, input_dim, num_classes, dropout, reg, weight_scale,
                                    dtype, seed, params, X):
    """Scores with the dropout masks of training: the mode never set to "test"."""
    out, last = X.astype(dtype), len(hidden_dims) + 1
    dropout_param = {"mode": "train", "p": dropout, "seed": seed}
    for layer in range(1, last):
        out = np.maximum(0.0, out @ params[f"W{layer}"] + params[f"b{layer}"])
        if dropout != 1:
            out, _ = dropout_forward(out, dropout_param)
    return out @ params[f"W{last}"] + params[f"b{last}"]


# --- mistakes of FullyConnectedNet.loss(X) with normalization="batchnorm", called as (hidden_dims,
# input_dim, num_classes, normalization, reg, dtype, state, params, X) ---

def fc_bn_scores__batchnorm_at_test_time(hidden_dims, input_dim, num_classes, normalization, reg, dtype,
                                         state, params, X):
    """Scores with each layer normalised by the batch's own mean and variance: the mode never set to "test"."""
    out, last = X.astype(dtype), len(hidden_dims) + 1
    for layer in range(1, last):
        out = out @ params[f"W{layer}"] + params[f"b{layer}"]
        out, _ = batchnorm_forward(out, params[f"gamma{layer}"], params[f"beta{layer}"], {"mode": "train"})
        out = np.maximum(0.0, out)
    return out @ params[f"W{last}"] + params[f"b{last}"]
