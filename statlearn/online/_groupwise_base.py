"""Shared machinery of the groupwise estimators: groups, stream state, the two learning paths.

``GroupwiseRegressor`` and ``GroupwiseClassifier`` differ only in how they
encode ``y`` (one output, or one per class), clip forecasts and score experts;
everything else lives here. Two paths run the same algorithm:

- ``base=None`` or an :class:`OnlineRidge`: the whole stream in one numba
  kernel (:func:`_kernels.groupwise_pass`);
- any other scikit-learn model with ``partial_fit``: a Python loop over the
  rows, one clone of ``base`` per expert, mixed by the same row kernel
  (:func:`_kernels.mix_row`).
"""

from __future__ import annotations

import math

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, clone
from sklearn.utils import metadata_routing
from sklearn.utils.validation import check_is_fitted

from statlearn._base import check_generator, seed_from
from statlearn._docstrings import fill_doc
from statlearn._validation import GroupsEncoder, Interval, Options, validate_params
from statlearn.online import _kernels
from statlearn.online._inputs import check_features, check_forecasts, check_state_finite, writable
from statlearn.online.learners import OnlineRidge, _augment, _differs

_METHODS = {"adanormalhedge": 0, "hedge": 1}
_AGGREGATIONS = {"mean": 0, "sample": 1}
LOG_EPS = 1e-4


def _splitmix(h):
    h = (h + np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _row_uniforms(X, awake, seed):
    """One uniform draw per row, a hash of ``(seed, row of X, row of awake)``.

    ``predict`` with ``aggregation="sample"`` thus gives a row the same draw
    whatever the other rows and their order (and the same draw on every call).
    """
    with np.errstate(over="ignore"):
        h = _splitmix(np.full(X.shape[0], np.uint64(seed % 2**64)))
        bits = np.ascontiguousarray(X, dtype=np.float64).view(np.uint64)
        for j in range(bits.shape[1]):
            h = _splitmix(h ^ bits[:, j])
        packed = np.packbits(awake, axis=1).astype(np.uint64)
        for j in range(packed.shape[1]):
            h = _splitmix(h ^ packed[:, j])
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _awake_matrix(G, always_on, has_global):
    """Awake experts per row: the groups, then the global learner (awake only when ``always_on``)."""
    if not always_on:
        none = ~G.any(axis=1)
        if none.any():
            rows = np.flatnonzero(none)
            raise ValueError(
                f"Every row must belong to at least one group when `always_on=False`; "
                f"{rows.size} row(s) of `groups` belong to none, first at index {rows[0]}."
            )
    if not has_global:
        return np.ascontiguousarray(G, dtype=bool)
    awake = np.full((G.shape[0], G.shape[1] + 1), bool(always_on))
    awake[:, :-1] = G
    return awake


def _base_changed(new, old):
    if (new is None) != (old is None):
        return True
    if new is None:
        return False
    return new[0] is not old[0] or any(_differs(v, old[1].get(k)) for k, v in new[1].items())


@fill_doc
class _GroupwiseBase(BaseEstimator):
    """Groupwise-regret learner over intersecting groups (see the subclasses)."""

    # `groups` is an ordinary argument, not routed metadata: no `set_*_request` methods.
    __metadata_request__fit = {"groups": metadata_routing.UNUSED}
    __metadata_request__partial_fit = {"groups": metadata_routing.UNUSED, "classes": metadata_routing.UNUSED}
    __metadata_request__predict = {"groups": metadata_routing.UNUSED}
    __metadata_request__predict_proba = {"groups": metadata_routing.UNUSED}
    __metadata_request__score = {"groups": metadata_routing.UNUSED, "sample_weight": metadata_routing.UNUSED}

    _parameter_constraints = {
        "base": [None, "estimator"],
        "experts": [Options("independent", "residual")],
        "always_on": ["boolean"],
        "aggregation": [Options("mean", "sample")],
        "method": [Options("adanormalhedge", "hedge")],
        "learning_rate": [Interval("real", 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, base, experts, always_on, aggregation, method, learning_rate, random_state):
        # the parameters both learners share; each subclass's __init__ lists its full signature
        # (scikit-learn reads the parameters from it) and passes these on
        self.base = base
        self.experts = experts
        self.always_on = always_on
        self.aggregation = aggregation
        self.method = method
        self.learning_rate = learning_rate
        self.random_state = random_state

    # subclass hooks ----------------------------------------------------- #
    _loss_code = 0

    def _clip_spec(self):  # (mode, lo, hi): see _kernels
        return 0, 0.0, 0.0

    def _loss_scale(self):
        return 1.0

    # parameters and state ------------------------------------------------ #
    def _check_base(self):
        base = self.base if self.base is not None else OnlineRidge()
        if isinstance(base, OnlineRidge):
            base._check_params(owner="OnlineRidge (`base`)")
            return base, True
        if not hasattr(base, "partial_fit"):
            raise TypeError(f"`base` must be None, an OnlineRidge or a scikit-learn model with `partial_fit`; "
                            f"got {type(base).__name__}, which has no `partial_fit`.")
        self._check_generic_base(base)
        return base, False

    def _check_generic_base(self, base):
        if not hasattr(base, "predict"):
            raise TypeError(f"`base` must have a `predict` method; got {type(base).__name__}.")

    def _snapshot_params(self):
        params = self.get_params(deep=False)
        base = params["base"]
        return params, (type(base), base.get_params(deep=False)) if base is not None else None

    def _check_stream(self):
        """Stream parameters are fixed between ``fit`` calls: a change raises instead of being ignored."""
        params, base = self._snapshot_params()
        old_params, old_base = self._stream_params
        for name, value in params.items():
            changed = _base_changed(base, old_base) if name == "base" else _differs(value, old_params[name])
            if changed:
                raise ValueError(
                    f"`{name}` changed since this stream started; call `fit` to start a new stream with it "
                    "(partial_fit continues the stream with the parameters it began with)."
                )

    def _reset(self, n_features, names, n_outputs):
        validate_params(self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__)
        if not math.isfinite(self.learning_rate):
            raise ValueError(f"`learning_rate` must be a finite float > 0; got {self.learning_rate!r}.")
        base, fast = self._check_base()
        params, base_snapshot = self._snapshot_params()
        self._stream_params = (params, base_snapshot)
        self._fast = fast
        self._residual = self.experts == "residual"
        self._kernel = (_METHODS[self.method], float(self.learning_rate), self._loss_code, self._loss_scale(),
                        LOG_EPS, _AGGREGATIONS[self.aggregation], *self._clip_spec())
        self._has_global = bool(self.always_on) or self.experts == "residual"
        G = len(names) + int(self._has_global)
        self.n_groups_ = len(names)
        self.group_names_ = list(names)
        glob = ["always_on"] if self.always_on else ["global"] if self._has_global else []
        self.expert_names_ = list(names) + glob
        self._R = np.zeros(G)
        self._C = np.zeros(G)
        self.group_counts_ = np.zeros(G, dtype=np.int64)
        self._n_outputs = n_outputs
        if fast:
            self._fit_intercept = bool(base.fit_intercept)
            self._beta = float(base.forgetting_factor)
            d = n_features + int(self._fit_intercept)
            self._P = np.repeat((np.eye(d) / float(base.alpha))[None], G, axis=0)
            self._theta = np.zeros((G, d, n_outputs))
        else:
            self.estimators_ = [clone(base) for _ in range(G)]
            self._started = np.zeros(G, dtype=bool)
        rng = check_generator(self.random_state)
        self._predict_seed = seed_from(rng)
        self._rng = rng
        self._chunks = []
        self.n_samples_seen_ = 0

    def _forget(self):
        for attr in ("n_samples_seen_", "n_features_in_", "feature_names_in_", "estimators_", "coef_",
                     "intercept_", "groups_encoder_"):
            self.__dict__.pop(attr, None)

    def _encode_groups(self, groups, n_samples, first):
        if first:
            encoder = GroupsEncoder(allow_empty=True)
            if groups is None:
                G, names = np.ones((n_samples, 1), dtype=bool), ["all"]
                encoder = None
            else:
                G = encoder.fit_transform(groups, n_samples)
                names = list(encoder.names_)
            has_global = bool(self.always_on) or self.experts == "residual"
            return _awake_matrix(G, self.always_on, has_global), names, encoder
        encoder = self.groups_encoder_
        if encoder is None:
            if groups is not None:
                raise ValueError("`groups` must be None: the model was fitted without groups (one group 'all').")
            G = np.ones((n_samples, 1), dtype=bool)
        elif groups is None:
            raise ValueError(f"`groups` is required: the model was fitted with {self.n_groups_} groups "
                             f"{self.group_names_}; got None.")
        else:
            G = encoder.transform(groups, n_samples)
        return _awake_matrix(G, self._stream_params[0]["always_on"], self._has_global), None, encoder

    # learning --------------------------------------------------------- #
    def _learn(self, X, Y, groups, first):
        """Validated ``X`` (n, d) and encoded ``Y`` (n, K): learn them prequentially."""
        awake, names, encoder = self._encode_groups(groups, X.shape[0], first)
        if first:
            self._reset(X.shape[1], names, Y.shape[1])
            self.groups_encoder_ = encoder
        else:
            self._check_stream()
        n = X.shape[0]
        uniforms = self._rng.random(n) if self.aggregation == "sample" else np.zeros(n)
        preds = np.empty((n, self._n_outputs))
        state = (self._R.copy(), self._C.copy(), self.group_counts_.copy())
        if self._fast:
            P, theta = self._P.copy(), self._theta.copy()
            self._ridge_pass(P, theta, state, X, Y, awake, self._kernel, uniforms, True, preds)
            check_state_finite((P, theta, preds, state[0], state[1]), X, Y)
            self._P, self._theta = P, theta
        else:
            self._generic_pass(state, X, Y, awake, uniforms, True, preds)
            check_state_finite((preds, state[0], state[1]), X, Y)
        self._R, self._C, self.group_counts_ = state
        self._chunks.append(preds[:, 0] if preds.shape[1] == 1 else preds)
        self.n_samples_seen_ += n
        self._sync()
        return preds

    def _ridge_pass(self, P, theta, state, X, Y, awake, kernel, uniforms, learn, preds):
        Xa = _augment(X, self._fit_intercept)
        G, K = theta.shape[0], theta.shape[2]
        idx, yhat = np.empty(G, dtype=np.int64), np.empty((G, K))
        work = np.zeros((5, max(G, Xa.shape[1], K)))
        _kernels.groupwise_pass(P, theta, *state, Xa, Y, awake, *kernel, self._beta, self._residual, uniforms, learn,
                                idx, yhat, work, preds)

    def _expert_forecasts(self, x, idx, m, yhat):
        """Forecasts of the awake experts ``idx[:m]`` for one row (generic path)."""
        mode, lo, hi = self._kernel[6:]
        glob = len(self.estimators_) - 1
        base_row = self._one_forecast(glob, x) if self._residual else None
        for j in range(m):
            g = idx[j]
            v = self._one_forecast(g, x) if not (self._residual and g == glob) else base_row
            if self._residual and g != glob:
                v = v + base_row
            if mode > 0:
                v = np.clip(v, lo, hi)
            if mode == 2:
                total = v.sum()
                v = v / total if total > 0 else np.full(v.shape, 1.0 / v.size)
            yhat[j] = v
        return base_row

    def _one_forecast(self, g, x):
        if not self._started[g]:
            return self._initial_forecast()
        return self._model_forecast(self.estimators_[g], x)

    def _initial_forecast(self):
        return np.zeros(self._n_outputs)

    def _model_forecast(self, model, x):
        return np.asarray(model.predict(x), dtype=np.float64).reshape(self._n_outputs)

    def _model_learn(self, model, x, target):
        model.partial_fit(x, target.reshape(1) if target.size == 1 else target)

    def _generic_pass(self, state, X, Y, awake, uniforms, learn, preds):
        R, C, counts = state
        G = awake.shape[1]
        K = self._n_outputs
        idx = np.empty(G, dtype=np.int64)
        yhat = np.empty((G, K))
        p, losses = np.empty(G), np.empty(G)
        method, eta0, loss, scale, eps, aggregation = self._kernel[:6]
        logG = math.log(max(G, 2))
        glob = G - 1
        with config_context(assume_finite=True, skip_parameter_validation=True):
            for t in range(X.shape[0]):
                m = int(awake[t].sum())
                idx[:m] = np.flatnonzero(awake[t])
                x = X[t : t + 1]
                base_row = self._expert_forecasts(x, idx, m, yhat)
                _kernels.mix_row(R, C, counts, idx, m, yhat, Y[t], method, eta0, logG, loss, scale, eps,
                                 aggregation, uniforms[t], learn, p, losses, preds[t])
                if learn:
                    learners = idx[:m] if not self._residual or awake[t, glob] else [*idx[:m], glob]
                    for g in learners:
                        target = Y[t] - base_row if self._residual and g != glob else Y[t]
                        try:
                            self._model_learn(self.estimators_[g], x, target)
                        except (ValueError, FloatingPointError) as exc:
                            raise ValueError(f"`X` or `y`: the `base` model of expert {self.expert_names_[g]!r} "
                                             f"could not learn row {t}: {exc}") from exc
                        self._started[g] = True

    def _sync(self):
        """Copy the public view of the state (copies: later updates do not change them)."""
        G = self._R.shape[0]
        idx = np.arange(G, dtype=np.int64)
        logw, p = np.empty(G), np.empty(G)
        method, eta0 = self._kernel[:2]
        _kernels.hedge_weights(method, eta0, math.log(max(G, 2)), self._R, self._C, self.group_counts_, idx, G,
                               logw, p)
        self.expert_weights_ = p
        self.expert_regret_ = self._R.copy()
        if not self._fast:
            return
        theta = np.moveaxis(self._theta, 2, 1)  # (G, K, k)
        if theta.shape[1] == 1:
            theta = theta[:, 0]
        self.coef_ = (theta[..., :-1] if self._fit_intercept else theta).copy()
        self.intercept_ = theta[..., -1].copy() if self._fit_intercept else np.zeros(theta.shape[:-1])

    # forecasting ------------------------------------------------------ #
    def _forecast(self, X, groups):
        """Combined forecasts ``(n, K)`` of the current model (nothing is learned)."""
        check_is_fitted(self, "n_samples_seen_")
        X = check_features(self, X, reset=False)
        awake, _, _ = self._encode_groups(groups, X.shape[0], first=False)
        n = X.shape[0]
        if self._kernel[5] == 1:
            uniforms = _row_uniforms(X, awake, self._predict_seed)
        else:
            uniforms = np.zeros(n)
        preds = np.empty((n, self._n_outputs))
        state = (self._R.copy(), self._C.copy(), self.group_counts_.copy())
        Y = np.zeros((n, self._n_outputs))
        with np.errstate(over="ignore", invalid="ignore"):
            if self._fast:
                self._ridge_pass(writable(self._P), writable(self._theta), state, X, Y, awake, self._kernel,
                                 uniforms, False, preds)
            else:
                self._generic_pass(state, X, Y, awake, uniforms, False, preds)
        return check_forecasts(preds, X)

    @property
    def prequential_predictions_(self):
        """Forecasts made before learning each row, over every row seen since the last reset."""
        check_is_fitted(self, "n_samples_seen_")
        if len(self._chunks) != 1:
            self._chunks = [np.concatenate(self._chunks)] if self._chunks else [np.empty(0)]
        return self._chunks[0]

    def expert_predictions(self, X):
        """Forecast of every expert's own model (awake or not).

        {X_parameters}

        Returns
        -------
        predictions : ndarray of shape (n_samples, n_experts) or (n_samples, n_experts, n_classes)
            Column ``g`` is expert ``g``'s forecast, clipped like the combined
            forecast (with ``experts="residual"``, the always-on forecast plus
            the group's correction); columns follow ``expert_names_``.
        """
        check_is_fitted(self, "n_samples_seen_")
        X = check_features(self, X, reset=False)
        G = self._R.shape[0]
        n, K = X.shape[0], self._n_outputs
        out = np.empty((n, G, K))
        col = np.empty((n, K))
        for g in range(G):
            awake = np.zeros((X.shape[0], G), dtype=bool)
            awake[:, g] = True
            state = (np.zeros(G), np.zeros(G), np.zeros(G, dtype=np.int64))
            if self._fast:
                kernel = (*self._kernel[:5], 0, *self._kernel[6:])  # aggregation "mean": one expert awake
                self._ridge_pass(writable(self._P), writable(self._theta), state, X, np.zeros((n, K)), awake,
                                 kernel, np.zeros(n), False, col)
            else:
                self._generic_pass(state, X, np.zeros((n, K)), awake, np.zeros(n), False, col)
            out[:, g] = col
        out = check_forecasts(out, X)
        return out[..., 0] if K == 1 else out

