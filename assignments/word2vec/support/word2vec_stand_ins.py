"""Stand-ins: functions passed to a graded function in place of a student's
own helper, so that the graded function's logic is judged alone. Each keeps
the helper's contract (arguments and returns) but computes another loss, so
it gives no answer of the exercise away.

skipgram is graded with `squared_error_loss_and_gradient` as its
word2vecLossAndGradient: a skipgram that sums the losses and gradients of
the window right is right whichever loss it sums.
"""
import numpy as np


def squared_error_loss_and_gradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    """J = 1/2 ||U v_c - e_o||^2, with the returns of naiveSoftmaxLossAndGradient:
    (loss, dJ/dv_c of shape (d,), dJ/dU of shape (V, d))."""
    residual = outsideVectors @ centerWordVec
    residual[outsideWordIdx] -= 1.0
    loss = 0.5 * float(residual @ residual)
    return loss, outsideVectors.T @ residual, np.outer(residual, centerWordVec)
