"""Per-area instances and hooks for the common tests (``tests/test_common.py``).

Each area owns one module here (``quantile.py``, ``calibration.py``, ...) that
defines

- ``N_ESTIMATORS`` (required): the number of public scikit-learn estimators in
  the area's ``__all__``. The common tests assert the discovered count equals
  it, so an estimator can neither vanish from discovery nor be added unseen.
  Update it when you add or remove an estimator.
- ``INSTANCES``: ``{ClassName: [estimator, ...]}`` for estimators that cannot be
  built with no arguments, or that should be checked in several
  configurations. Estimators not listed are built with their defaults.
- ``EXPECTED_FAILED``: ``{ClassName: {check_name: reason}}``, scikit-learn
  checks that are known not to apply, each with its reason. Keep it empty
  unless a check truly does not apply.
- ``FITTED_STATE_VALUES``: ``{ClassName: {param: [value, ...]}}``, the values
  ``set_params(param=value)`` tries after ``fit`` in the fitted-state check.
  They replace the alternatives derived from ``_parameter_constraints``
  (ints, floats, bools, ``Options``, ``None``, ``random_state``, estimators);
  give them for parameters no constraint describes (array-likes, lists of
  estimators, callables).
- ``FITTED_STATE_SKIP``: ``{ClassName: {param: reason}}``, parameters the
  fitted-state check leaves alone, each with its reason.
- ``OBJECT_INSTANCES``: ``[(instance, run), ...]``, one entry per public
  non-estimator class with ``get_params`` in the area's ``__all__`` (policies,
  environments, experts, mechanisms, ...), ideally :class:`statlearn._base.BaseObject`
  subclasses. ``run(obj)`` exercises ``obj`` (e.g. ``reset``, a few
  ``select``/``update`` rounds, a ``query``) and returns a result (array,
  number, tuple, dict, or an object whose attributes are those) that depends
  on its ``random_state`` when it has one. The common tests then check clone,
  pickle round trip mid-use, get/set_params round trip, same seed same result
  (and, among five seeds, a different one) and the repr.
- ``SEED_INDEPENDENT``: ``{ClassName: reason}``, objects with a ``random_state``
  whose ``run`` result cannot depend on it (a deterministic algorithm); the
  "another seed, another result" check is skipped for them, never the
  same-seed check.
"""

import importlib
from dataclasses import dataclass, field

from statlearn._discovery import AREAS

_DICT_HOOKS = ("INSTANCES", "EXPECTED_FAILED", "FITTED_STATE_VALUES", "FITTED_STATE_SKIP", "SEED_INDEPENDENT")


@dataclass
class Hooks:
    """Merged hooks of every area module."""

    instances: dict = field(default_factory=dict)
    expected_failed: dict = field(default_factory=dict)
    fitted_state_values: dict = field(default_factory=dict)
    fitted_state_skip: dict = field(default_factory=dict)
    seed_independent: dict = field(default_factory=dict)
    n_estimators: dict = field(default_factory=dict)  # area -> declared count (missing: not declared)
    object_instances: dict = field(default_factory=dict)  # area -> [(instance, run), ...]


def load_hooks() -> Hooks:
    """Import every ``tests/common_instances/<area>.py`` and merge its hooks."""
    hooks = Hooks()
    for area in AREAS:
        try:
            mod = importlib.import_module(f"tests.common_instances.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.common_instances.{area}":
                raise
            continue
        for hook in _DICT_HOOKS:
            getattr(hooks, hook.lower()).update(getattr(mod, hook, {}))
        if hasattr(mod, "N_ESTIMATORS"):
            hooks.n_estimators[area] = mod.N_ESTIMATORS
        hooks.object_instances[area] = list(getattr(mod, "OBJECT_INSTANCES", []))
    return hooks


def load():
    """Merge the per-area ``INSTANCES`` and ``EXPECTED_FAILED`` dictionaries (kept for old callers)."""
    hooks = load_hooks()
    return hooks.instances, hooks.expected_failed
