"""Pick-freeze Sobol' estimators as ratios of row means, and their bootstrap.

Every estimator here is a function of the means of a few per-row
statistics (``rows``, shape ``(n, m, K)`` for ``K`` model outputs). The
point estimate uses the plain row means; a bootstrap resample of the rows is
the same function of count-weighted means ``W @ rows / n``, so all resamples,
indices and outputs are computed with one matrix product per chunk.
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------- per-row statistics
# Each ``*_rows`` function takes the model outputs of the design blocks (each (n, K)) and returns
# the m per-row statistics, each (n, K) (stacked to (n, m, K) for the bootstrap); each
# ``*_indices`` maps means of shape (..., m, K) to a dict of indices of shape (..., K, d)
# (second order: (..., K, d, d)); a zero output variance gives NaN.


def saltelli_rows(yA, yB, yAB, yBA=None):
    """Saltelli (2010) first order, Jansen (1999) total order, Saltelli (2002) second order (SALib's)."""
    d = len(yAB)
    cols = [yA, yB, yA * yA, yB * yB]
    cols += [yB * (yAB[i] - yA) for i in range(d)]
    cols += [(yA - yAB[i]) ** 2 for i in range(d)]
    if yBA is not None:
        AB = yA * yB
        cols += [yBA[j] * yAB[k] - AB for j in range(d) for k in range(j + 1, d)]
    return cols


def saltelli_indices(means, d, second_order):
    mA, mB, mA2, mB2 = (means[..., i, :] for i in range(4))
    var = 0.5 * (mA2 + mB2) - (0.5 * (mA + mB)) ** 2  # np.var of the 2n outputs of A and B
    safe = np.where(var > 0, var, np.nan)[..., None]
    first = np.moveaxis(means[..., 4:4 + d, :], -2, -1) / safe
    total = 0.5 * np.moveaxis(means[..., 4 + d:4 + 2 * d, :], -2, -1) / safe
    out = {"first_order": first, "total_order": total}
    if second_order:
        S2 = np.full(first.shape + (d,), np.nan)
        col = 4 + 2 * d
        for j in range(d):
            for k in range(j + 1, d):
                v = means[..., col, :] / safe[..., 0] - first[..., j] - first[..., k]
                S2[..., j, k] = S2[..., k, j] = v
                col += 1
        out["second_order"] = S2
    return out


def janon_rows(yB, yAB):
    """Janon et al. (2014): first order from the pairs ``(B, AB_i)`` (location invariant)."""
    d = len(yAB)
    cols = [yB * yAB[i] for i in range(d)] + [yB + yAB[i] for i in range(d)]
    cols += [yB * yB + yAB[i] ** 2 for i in range(d)]
    return cols


def janon_indices(means, d, second_order=False):
    prod, s, sq = means[..., :d, :], means[..., d:2 * d, :], means[..., 2 * d:, :]
    m2 = (0.5 * s) ** 2
    den = 0.5 * sq - m2
    first = np.moveaxis((prod - m2) / np.where(den > 0, den, np.nan), -2, -1)
    return {"first_order": first}


def pick_freeze_rows(y, y_i):
    """The paper's plain pick-freeze: ``E[phi(X) phi(X^i)]``, ``E[phi]``, ``E[phi^2]``."""
    return [y * y_i[i] for i in range(len(y_i))] + [y, y * y]


def pick_freeze_indices(means, d, second_order=False, n=None):
    m, m2 = means[..., d, :], means[..., d + 1, :]
    var = (m2 - m * m) * (n / (n - 1))  # unbiased variance, as the paper's code
    first = np.moveaxis((means[..., :d, :] - (m * m)[..., None, :]), -2, -1) / np.where(var > 0, var,
                                                                                        np.nan)[..., None]
    return {"first_order": first}


# --------------------------------------------------------------------------- bootstrap
def bootstrap(rows, indices, n_resamples, rng, chunk_cells=4_000_000):
    """Bootstrap replicates of ``indices(means)``: resampling rows with replacement (SALib's scheme).

    Row counts of a resample are multinomial(n, 1/n), exactly as ``n``
    indices drawn uniformly with replacement; they are drawn in chunks so
    that the ``(chunk, n)`` count matrix stays small.
    """
    n = rows.shape[0]
    flat = rows.reshape(n, -1)
    per = max(1, chunk_cells // max(n, 1))
    reps = {}
    done = 0
    while done < n_resamples:
        b = min(per, n_resamples - done)
        idx = rng.integers(0, n, size=(b, n)) + n * np.arange(b)[:, None]
        W = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(float)
        means = (W @ flat / n).reshape((b,) + rows.shape[1:])
        for key, value in indices(means).items():
            reps.setdefault(key, []).append(value)
        done += b
    return {k: np.concatenate(v, axis=0) for k, v in reps.items()}
