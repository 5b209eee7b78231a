"""Reference solution of the layers assignment (instructors only: never give
it to students).

Every forward returns (out, cache); the matching backward receives the
upstream gradient dout and that cache. The caches below are this file's own
choice: a student's caches may hold anything, since only the student's own
backward ever reads them.

The convolution and pooling layers are named "naive" after the functions
students write; here they loop over the few kernel offsets only and let
numpy do the rest, because the grader differentiates them numerically
hundreds of times per case.
"""
import numpy as np


# --- affine -------------------------------------------------------------------

def affine_forward(x, w, b):
    """out = x_flat w + b, with x of shape (N, d_1, ..., d_k) flattened to (N, D)."""
    rows = x.reshape(x.shape[0], -1)
    out = rows @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    rows = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)   # back to the input's own shape
    dw = rows.T @ dout                   # (D, M): sum over examples of x_i dout_i^T
    db = dout.sum(axis=0)                # b is added to every row
    return dx, dw, db


# --- relu ---------------------------------------------------------------------

def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)


# --- losses (the mean over the N examples) ------------------------------------

def svm_loss(x, y):
    """Multiclass hinge loss with margin 1: sum over j != y_i of max(0, x_ij - x_iy + 1)."""
    n = x.shape[0]
    rows = np.arange(n)
    margins = x - x[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = margins > 0
    loss = float(np.where(active, margins, 0.0).sum() / n)
    dx = active.astype(np.float64)
    dx[rows, y] = -active.sum(axis=1)     # the correct score appears in every active margin
    return loss, dx / n


def softmax_loss(x, y):
    """Cross-entropy of softmax(x_i) against the label y_i."""
    n = x.shape[0]
    rows = np.arange(n)
    shifted = x - x.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_z
    loss = float(-log_p[rows, y].mean())
    dx = np.exp(log_p)
    dx[rows, y] -= 1.0                    # p - onehot(y)
    return loss, dx / n


# --- batch normalization (training mode) ---------------------------------------

def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    features = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(features, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(features, dtype=x.dtype))

    if mode == "train":
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        std = np.sqrt(var + eps)
        xhat = (x - mean) / std
        out = gamma * xhat + beta
        cache = (xhat, gamma, std)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        cache = None
    else:
        raise ValueError(f"invalid batchnorm mode {mode!r}")

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    xhat, gamma, std = cache
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    # xhat_i = (x_i - mean) / std, and mean and std depend on every x_j:
    # dx = (N dxhat - sum(dxhat) - xhat sum(dxhat xhat)) / (N std)
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * std)
    return dx, dgamma, dbeta


def batchnorm_backward__statistics_constant(dout, cache):
    """The batch mean and variance treated as constants: only the direct path."""
    xhat, gamma, std = cache
    return dout * gamma / std, (dout * xhat).sum(axis=0), dout.sum(axis=0)


# --- dropout (inverted; p is the probability of keeping a unit) ----------------

def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    else:
        raise ValueError(f"invalid dropout mode {mode!r}")
    return out.astype(x.dtype, copy=False), (dropout_param, mask)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout


def dropout_forward__not_inverted(x, dropout_param):
    """The mask without the 1/p scaling (plain dropout, which scales at test time)."""
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = np.random.rand(*x.shape) < dropout_param["p"]
    return x * mask, (dropout_param, mask)


def dropout_forward__p_drop(x, dropout_param):
    """The other accepted convention: p is the probability of dropping a unit."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    if mode != "train":
        return dropout_forward(x, dropout_param)
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    return (x * mask).astype(x.dtype, copy=False), (dropout_param, mask)


def dropout_forward__p_drop_keep_below(x, dropout_param):
    """p the probability of dropping a unit, drawn the other way round: kept where rand < 1 - p."""
    if dropout_param["mode"] != "train":
        return dropout_forward(x, dropout_param)
    return dropout_forward(x, {**dropout_param, "p": 1 - dropout_param["p"]})


def dropout_forward__not_inverted__p_drop_keep_below(x, dropout_param):
    """Not inverted, where p is the probability of dropping a unit, kept where rand < 1 - p."""
    return dropout_forward__not_inverted(x, {**dropout_param, "p": 1 - dropout_param["p"]})


def dropout_forward__not_inverted__p_drop(x, dropout_param):
    """Not inverted, where p is the probability of dropping a unit."""
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = np.random.rand(*x.shape) >= dropout_param["p"]
    return x * mask, (dropout_param, mask)


def dropout_forward__p_mixed(x, dropout_param):
    """The mask of one meaning of p, the scale of the other: (rand >= p) / p."""
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    p = dropout_param["p"]
    mask = (np.random.rand(*x.shape) >= p) / p
    return x * mask, (dropout_param, mask)


def dropout_forward__p_mixed__p_drop(x, dropout_param):
    """The same mixture seen from the other meaning of p: (rand < p) / (1 - p)."""
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    p = dropout_param["p"]
    mask = (np.random.rand(*x.shape) < p) / (1 - p)
    return x * mask, (dropout_param, mask)


def dropout_backward__not_inverted(dout, cache):
    dropout_param, mask = cache
    return dout * (mask != 0)


# --- convolution ----------------------------------------------------------------

def _conv_geometry(x, w, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, height, width = x.shape
    _, _, kh, kw = w.shape
    out_h = 1 + (height + 2 * pad - kh) // stride
    out_w = 1 + (width + 2 * pad - kw) // stride
    return stride, pad, kh, kw, out_h, out_w


def _window(i, j, stride, out_h, out_w):
    """The entries that kernel offset (i, j) meets, over every output position."""
    return (slice(None), slice(None),
            slice(i, i + stride * (out_h - 1) + 1, stride),
            slice(j, j + stride * (out_w - 1) + 1, stride))


def conv_forward_naive(x, w, b, conv_param):
    stride, pad, kh, kw, out_h, out_w = _conv_geometry(x, w, conv_param)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((x.shape[0], w.shape[0], out_h, out_w))
    for i in range(kh):
        for j in range(kw):
            patch = padded[_window(i, j, stride, out_h, out_w)]        # (N, C, out_h, out_w)
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b[None, :, None, None]
    return out, (x, w, conv_param)


def conv_forward_naive__width_from_height(x, w, b, conv_param):
    """The output's width computed from the filter's height (HH for WW), as if filters were square."""
    square = w[:, :, :, :1].repeat(w.shape[2], axis=3)
    narrow = conv_forward_naive(x, square, b, conv_param)[0]
    full = conv_forward_naive(x, w, b, conv_param)[0]
    return full[..., :narrow.shape[3]], (x, w, conv_param)


def conv_backward_naive(dout, cache):
    dx_padded, dw, db = _conv_backward(dout, cache)
    pad = cache[2]["pad"]
    height, width = cache[0].shape[2:]
    return dx_padded[:, :, pad:pad + height, pad:pad + width], dw, db


def _conv_backward(dout, cache):
    x, w, conv_param = cache
    stride, pad, kh, kw, out_h, out_w = _conv_geometry(x, w, conv_param)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_padded = np.zeros_like(padded)
    dw = np.zeros_like(w)
    for i in range(kh):
        for j in range(kw):
            where = _window(i, j, stride, out_h, out_w)
            dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", dout, padded[where])
            dx_padded[where] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    db = dout.sum(axis=(0, 2, 3))
    return dx_padded, dw, db


def conv_backward_naive__padding_kept(dout, cache):
    """dx returned with the zero padding still around it."""
    return _conv_backward(dout, cache)


def conv_backward_naive__padding_sliced(dout, cache):
    """The padding cut with [pad:-pad], which keeps nothing at pad = 0 (-0 is 0)."""
    dx_padded, dw, db = _conv_backward(dout, cache)
    pad = cache[2]["pad"]
    return dx_padded[:, :, pad:-pad, pad:-pad], dw, db


# --- max pooling -------------------------------------------------------------------

def _pool_geometry(x, pool_param):
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    out_h = 1 + (x.shape[2] - ph) // stride
    out_w = 1 + (x.shape[3] - pw) // stride
    return ph, pw, stride, out_h, out_w


def max_pool_forward_naive(x, pool_param):
    ph, pw, stride, out_h, out_w = _pool_geometry(x, pool_param)
    views = np.stack([x[_window(i, j, stride, out_h, out_w)] for i in range(ph) for j in range(pw)])
    return views.max(axis=0), (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, stride, out_h, out_w = _pool_geometry(x, pool_param)
    offsets = [(i, j) for i in range(ph) for j in range(pw)]
    views = np.stack([x[_window(i, j, stride, out_h, out_w)] for i, j in offsets])
    winner = views.argmax(axis=0)          # which entry of each window is its maximum
    dx = np.zeros_like(x)
    for k, (i, j) in enumerate(offsets):
        dx[_window(i, j, stride, out_h, out_w)] += dout * (winner == k)
    return dx


def _windows_in_order(x, pool_param):
    """Each window's (row, column, row slice, column slice), in the order loops visit them."""
    ph, pw, stride, out_h, out_w = _pool_geometry(x, pool_param)
    for i in range(out_h):
        for j in range(out_w):
            yield i, j, slice(i * stride, i * stride + ph), slice(j * stride, j * stride + pw)


def max_pool_backward_naive__window_assigned(dout, cache):
    """Each window's gradient assigned (=) to its whole window, so a later window
    overwrites what an earlier, overlapping one gave."""
    x, pool_param = cache
    dx = np.zeros_like(x)
    for i, j, rows, cols in _windows_in_order(x, pool_param):
        window = x[:, :, rows, cols]
        is_max = window == window.max(axis=(2, 3), keepdims=True)
        dx[:, :, rows, cols] = is_max * dout[:, :, i, j][:, :, None, None]
    return dx


def max_pool_backward_naive__max_assigned(dout, cache):
    """Each window's gradient assigned (=) to its maximum, so of two overlapping
    windows sharing a maximum only the later one's gradient is kept."""
    x, pool_param = cache
    dx = np.zeros_like(x)
    for i, j, rows, cols in _windows_in_order(x, pool_param):
        window = x[:, :, rows, cols]
        is_max = window == window.max(axis=(2, 3), keepdims=True)
        dx[:, :, rows, cols] = np.where(is_max, dout[:, :, i, j][:, :, None, None], dx[:, :, rows, cols])
    return dx


def max_pool_backward_naive__whole_window(dout, cache):
    """Every entry of a window gets the window's upstream gradient, not only its maximum."""
    x, pool_param = cache
    ph, pw, stride, out_h, out_w = _pool_geometry(x, pool_param)
    dx = np.zeros_like(x)
    for i in range(ph):
        for j in range(pw):
            dx[_window(i, j, stride, out_h, out_w)] += dout
    return dx


# --- other mistake variants ------------------------------------------------------------

def relu_backward__mask_from_upstream(dout, cache):
    """The mask taken from the upstream gradient instead of the forward's input."""
    return dout * (dout > 0)
