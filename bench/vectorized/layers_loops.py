"""Vectorized versions of layers' four naive loops, for bench/self_check_speed.py
--vectorized: appended to the bundled correct layers submission, they take
the place of its loops (a later definition wins), so that the run measures the
grader's own cost on layers with next to none of the student's."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, height, width, stride):
    """Every (height, width) window of x's last two axes, `stride` apart:
    shape (N, C, out_height, out_width, height, width), a view of x."""
    return sliding_window_view(x, (height, width), axis=(2, 3))[:, :, ::stride, ::stride]


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.einsum("nchwij,fcij->nfhw", _windows(padded, *w.shape[2:], stride), w)
    return out + b[None, :, None, None], (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dw = np.einsum("nchwij,nfhw->fcij", _windows(padded, *w.shape[2:], stride), dout)
    dpadded = np.zeros_like(padded)
    rows, cols = dout.shape[2:]
    for i in range(w.shape[2]):          # one pass per filter tap, not per output position
        for j in range(w.shape[3]):
            dpadded[:, :, i:i + stride * rows:stride, j:j + stride * cols:stride] += \
                np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dpadded[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return dx, dw, dout.sum(axis=(0, 2, 3))


def max_pool_forward_naive(x, pool_param):
    windows = _windows(x, pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"])
    return windows.max(axis=(4, 5)), (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    height, width, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    windows = _windows(x, height, width, stride)
    flat = windows.reshape(*windows.shape[:4], height * width).argmax(axis=4)
    row, col = np.divmod(flat, width)
    n, c, h, w = np.indices(dout.shape)
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, h * stride + row, w * stride + col), dout)
    return dx
