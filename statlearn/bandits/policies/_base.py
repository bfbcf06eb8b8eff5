"""Machinery shared by every policy: named arms, lazy state, the per-call fast path, fit on logs."""

from __future__ import annotations

import math
import numbers

import numpy as np

from statlearn._base import BaseObject, check_generator
from statlearn._docstrings import fill_doc

from .._checks import check_arms
from .._kernels import KERNELS
from .._kernels.common import HORIZON_REACHED, LOSS_OUT_OF_RANGE

ARMS = [numbers.Integral, "array-like"]


def _entry_point(dispatcher, args):
    """The compiled entry of ``dispatcher`` for ``args``' types, skipping numba's per-call type dispatch.

    The fast path of ``update`` only ever passes the same types (the policy's own arrays, a Python
    int and a Python float), so the compiled function for those types can be called directly: this
    saves about a third of the call. Falls back to the dispatcher if numba does not expose it.
    """
    try:
        from numba import typeof

        return dispatcher.overloads[tuple(typeof(a) for a in args)].entry_point
    except Exception:  # pragma: no cover - numba internals moved
        return dispatcher


@fill_doc
class BasePolicy(BaseObject):
    """Base class of statlearn's bandit policies (losses are minimised).

    Subclasses declare ``_kernel`` (a key of ``KERNELS``), ``_initial_state(k, generator)``
    (a tuple of named arrays, see ``_state_names``) and ``_hyper()`` (a tuple of scalars).
    The state is built on first use (``select``, ``update``, ``fit``, an attribute) or by
    ``reset()``, never in ``__init__``.
    """

    _kernel = ""
    _state_names: tuple = ()
    _schedules = False  # plays are scheduled: update(arm) must be the selected arm
    _contextual = False
    _unit_losses = False  # losses must lie in [0, 1]
    _parameter_constraints = {"arms": ARMS, "random_state": ["random_state"]}

    # class-level defaults so that the fast paths fall through to the slow ones before the first build
    _next = -1
    _k = 0
    _args = None

    def __init__(self, arms, random_state):
        # the parameters of every policy; each public policy's __init__ lists its full signature
        # (get_params reads it) and passes these on
        self.arms = arms
        self.random_state = random_state

    # -- to be provided by subclasses -------------------------------------------------------
    def _initial_state(self, k, generator):  # pragma: no cover - abstract
        raise NotImplementedError

    def _hyper(self):
        return ()

    def _check_params(self, k):
        """Cross-parameter checks beyond the declared constraints (subclasses extend)."""

    # -- life cycle ---------------------------------------------------------------------------
    def reset(self):
        """Forget everything learned and restart the random stream from ``random_state``.

        {self_reset_policy}
        """
        self._validate_params()
        k, labels = check_arms(self.arms, owner=type(self).__name__)
        self._check_params(k)
        generator = check_generator(self.random_state)
        self._n_arms = k
        self._labels = labels
        self._index = None if labels is None else {label: i for i, label in enumerate(labels)}
        self._state = self._initial_state(k, generator)
        self._hyper_values = self._hyper()
        self._args = self._state + self._hyper_values
        self._k = 0  # opened by the first update (which binds the compiled entry); stays 0 for named arms
        self._next = -1
        self._bind_kernels()
        return self

    def _after_set_params(self):
        self._args = None
        self._next = -1
        self._k = 0

    def _bind_kernels(self):
        kernels = KERNELS[self._kernel]
        self._select_kernel = kernels["select"]
        self._update_kernel = kernels.get("update_select") or kernels.get("update")
        self.__dict__.pop("_update_entry", None)  # bound by the first update
        self._k = 0

    def _ensure(self):
        if self._args is None:
            self.reset()

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in ("_select_kernel", "_update_kernel", "_update_entry"):
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self._args is not None:
            self._bind_kernels()

    # -- the per-call API ---------------------------------------------------------------------
    def select(self, context=None):
        """Choose the arm to play next.

        Calling ``select`` again before ``update`` returns the same arm (contextual
        policies choose for the ``context`` given).

        {context_unused_parameters}

        Returns
        -------
        arm : int or label
            An index in ``[0, n_arms)``, or one of the names given in ``arms``.
        """
        arm = self._next
        if arm < 0 or context is not None:
            arm = self._select_slow(context)
        return arm if self._labels is None else self._labels[arm]

    def update(self, arm, loss, context=None):
        """Feed back the loss observed after playing ``arm``.

        Parameters
        ----------
        arm : int or label
            The arm that was played. Policies that schedule their plays
            (elimination, blocked) require the arm returned by the last ``select``.
        loss : float
            Its observed loss (smaller is better).
        {context_unused}

        {self_updated_policy}
        """
        # fast path: plain int arm in range (``_k`` is 0 before the first build and for named arms),
        # finite float loss, no context; everything else goes through the checks of ``_update_slow``
        if (arm.__class__ is not int or loss.__class__ is not float or not 0 <= arm < self._k
                or loss - loss != 0.0 or context is not None or (self._schedules and arm != self._next)):
            return self._update_slow(arm, loss, context)
        nxt = self._update_entry(*self._args, arm, loss)
        if nxt < 0:
            self._raise_code(nxt, loss)
        self._next = nxt
        return self

    # -- slow paths -----------------------------------------------------------------------------
    def _labels_out(self, arm):
        return arm if self._labels is None else self._labels[arm]

    def _select_slow(self, context):
        self._ensure()
        if context is not None:
            raise ValueError(f"`context` must be None: {type(self).__name__} is not contextual; "
                             f"got {type(context).__name__}.")
        arm = self._next
        if arm < 0:
            arm = self._next = int(self._select_kernel(*self._args))
        return arm

    def _update_slow(self, arm, loss, context):
        self._ensure()
        if context is not None:
            raise ValueError(f"`context` must be None: {type(self).__name__} is not contextual; "
                             f"got {type(context).__name__}.")
        a = self._arm_index(arm)
        loss = self._check_loss(loss)
        if self._schedules:
            expected = self._next if self._next >= 0 else self._select_slow(None)
            if a != expected:
                raise ValueError(
                    f"`arm` must be the arm returned by the last select() ({self._labels_out(expected)!r}) "
                    f"because {type(self).__name__} schedules its plays; got {arm!r}.")
        nxt = self._update_kernel(*self._args, a, loss)
        if nxt < 0:
            self._raise_code(nxt, loss)
        self._next = int(nxt)
        if self._k == 0 and self._labels is None:
            self._update_entry = _entry_point(self._update_kernel, (*self._args, a, loss))
            self._k = self._n_arms
        return self

    def _arm_index(self, arm):
        if self._index is not None:
            try:
                return self._index[arm]
            except (KeyError, TypeError):
                raise ValueError(f"`arm` must be one of {self._labels!r}; got {arm!r}.") from None
        k = self._n_arms
        if isinstance(arm, bool | np.bool_) or not isinstance(arm, numbers.Integral) or not 0 <= arm < k:
            raise ValueError(f"`arm` must be an int in [0, {k}) for this {type(self).__name__}; got {arm!r}.")
        return int(arm)

    def _check_loss(self, loss):
        if isinstance(loss, bool | np.bool_) or not isinstance(loss, numbers.Real) or not math.isfinite(loss):
            raise ValueError(f"`loss` must be a finite real number; got {loss!r}.")
        loss = float(loss)
        if self._unit_losses and not 0.0 <= loss <= 1.0:
            self._raise_code(LOSS_OUT_OF_RANGE, loss)
        return loss

    def _raise_code(self, code, loss):
        name = type(self).__name__
        if code == LOSS_OUT_OF_RANGE:
            raise ValueError(f"`loss` must lie in [0, 1] for {name} (its model assumes bounded losses); got {loss!r}.")
        if code == HORIZON_REACHED:
            raise ValueError(
                f"{name} was built for `horizon`={self.horizon} rounds and has played them all: its "
                "confidence radius / learning rate depend on the horizon. Build it with a larger `horizon` "
                "or call reset().")
        raise RuntimeError(f"{name}: unexpected kernel code {code}.")  # pragma: no cover

    # -- logged data ---------------------------------------------------------------------------
    def fit(self, arms, losses, contexts=None):
        """Reset, then learn from logged decisions (off-policy warm start).

        {batch_parameters}
        {contexts_unused}

        Returns
        -------
        self : object
            The policy, as if ``update`` had been called on every row in order.
        """
        return self.reset().partial_fit(arms, losses, contexts)

    def partial_fit(self, arms, losses, contexts=None):
        """Learn from more logged decisions (equal to a loop of ``update`` calls, in one compiled call).

        {batch_parameters}
        {contexts_unused}

        {self_updated_policy}
        """
        self._ensure()
        batch = KERNELS[self._kernel]["update_batch"]
        if batch is None:
            raise TypeError(f"{type(self).__name__} schedules its own plays (or weighs losses by its own "
                            "sampling probabilities), so it cannot learn from logged decisions.")
        idx, values = self._check_log(arms, losses)
        extra = self._check_log_contexts(contexts, idx.shape[0])
        batch(*self._state, idx, values, *extra)
        self._next = -1
        return self

    def _check_log(self, arms, losses):
        from .._checks import check_logged

        return check_logged(arms, losses, self._labels, self._n_arms, unit=self._unit_losses,
                            owner=type(self).__name__)

    def _check_log_contexts(self, contexts, n):
        if contexts is not None:
            raise ValueError(f"`contexts` must be None: {type(self).__name__} is not contextual.")
        return ()

    # -- read-only views ---------------------------------------------------------------------------
    @property
    def n_arms_(self):
        """int: number of arms."""
        self._ensure()
        return self._n_arms

    @property
    def arms_(self):
        """list: the arm names (``list(range(n_arms))`` when ``arms`` is an int)."""
        self._ensure()
        return list(range(self._n_arms)) if self._labels is None else list(self._labels)

    def _named(self, name):
        self._ensure()
        return self._state[self._state_names.index(name)]


class CountsOnlyMixin:
    """``counts_`` for policies with a ``counts`` state array."""

    @property
    def counts_(self):
        """ndarray of shape (n_arms,): number of losses each arm's estimate is built from."""
        return self._named("counts").astype(np.int64)


class CountsMixin(CountsOnlyMixin):
    """``counts_`` and ``mean_losses_`` for policies whose state has counts and sums."""

    @property
    def mean_losses_(self):
        """ndarray of shape (n_arms,): mean of the losses kept per arm (nan if none)."""
        n = self._named("counts")
        sums = self._named("sums")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, sums / np.maximum(n, 1), np.nan)
