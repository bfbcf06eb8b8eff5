"""The ``estimators`` list of :class:`~statlearn.quantile.QuantileAggregator`: bare or
``(name, estimator)`` entries, ``get_params``/``set_params`` through the names (scikit-learn's
``_BaseComposition`` convention), a default name per entry, and the tags and DataFrame
pass-through that follow from the base models."""

from __future__ import annotations

from .models import _takes_frames, _wrapper_tags


class _NamedEstimators:
    """Mixin of an estimator whose ``estimators`` parameter lists base models, named or not."""

    def _named(self):
        """``(name, estimator)`` for the entries given with a name."""
        if not isinstance(self.estimators, list | tuple):
            return []
        return [e for e in self.estimators if isinstance(e, tuple) and len(e) == 2]

    def get_params(self, deep=True):
        """Parameters, with ``name`` and ``name__param`` for every named base model.

        Parameters
        ----------
        deep : bool, default=True
            Include the named base models and their parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = super().get_params(deep=False)
        if deep:
            for name, est in self._named():
                out[name] = est
                if hasattr(est, "get_params"):
                    out.update({f"{name}__{k}": v for k, v in est.get_params(deep=True).items()})
        return out

    def set_params(self, **params):
        """Set parameters; ``name=estimator`` replaces a named base model.

        Parameters
        ----------
        **params : dict
            Parameters, ``name`` or ``name__param`` for named base models.

        Returns
        -------
        self : QuantileAggregator
            This estimator.
        """
        if "estimators" in params:
            self.estimators = params.pop("estimators")
        names = {name for name, _ in self._named()}
        swap = {k: params.pop(k) for k in list(params) if k in names}
        if swap:
            self.estimators = [(e[0], swap[e[0]]) if isinstance(e, tuple) and e[0] in swap else e
                               for e in self.estimators]
        return super().set_params(**params) if params else self

    def _names(self):
        """A name per base model: the given one, else the lowercase class name (numbered if repeated)."""
        raw = self.estimators if self.estimators is not None else [None, None]
        given = [e[0] if isinstance(e, tuple) else None for e in raw]
        bad = [g for g in given if g is not None and (not isinstance(g, str) or "__" in g
                                                       or g in self._get_param_names())]
        if bad or len({g for g in given if g is not None}) != sum(g is not None for g in given):
            raise ValueError(f"`estimators` names must be unique strings without '__' that are not parameter "
                             f"names of QuantileAggregator; got {given}.")
        bases = [e[1] if isinstance(e, tuple) else e for e in raw] if self.estimators is not None else \
            ["QuantileRegressor", "HistGradientBoostingRegressor"]
        auto = [type(b).__name__.lower() if not isinstance(b, str) else b.lower() for b in bases]
        names = []
        for i, g in enumerate(given):
            if g is None:
                g = auto[i] if auto.count(auto[i]) == 1 else f"{auto[i]}-{auto[:i + 1].count(auto[i])}"
            names.append(g)
        return names

    def __sklearn_tags__(self):
        ests = self.estimators if isinstance(self.estimators, list | tuple) else []
        raw = [e[1] if isinstance(e, tuple) else e for e in ests]
        from sklearn.linear_model import QuantileRegressor

        return _wrapper_tags(super().__sklearn_tags__(), raw or [QuantileRegressor()])

    def _passes_frames(self):
        ests = self.estimators if isinstance(self.estimators, list | tuple) else []
        raw = [e[1] if isinstance(e, tuple) else e for e in ests]
        return bool(raw) and all(_takes_frames(e) for e in raw)
