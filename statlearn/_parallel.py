"""joblib parallelism whose workers do not oversubscribe the cores.

``Parallel`` and ``delayed`` are drop-in replacements for ``joblib.Parallel`` / ``joblib.delayed``
(through scikit-learn's public wrappers, which carry the scikit-learn config into the workers).
When more than one worker runs, each task runs with its BLAS and OpenMP thread pools limited to
``cpu_count // n_workers`` threads (threadpoolctl), so that ``n_jobs=2`` on two cores runs two
single-threaded tasks instead of two tasks that each start two OpenMP threads (the oversubscription
that makes scikit-learn's gradient boosting 10-100x slower on a busy machine). With one worker
nothing is limited: the task uses the threads the user's environment allows.

The same calls run on a Dask cluster with ``joblib.parallel_config(backend="dask")``; there pass
``inner_max_num_threads`` to match the threads of one Dask worker if the default (computed from
this machine's cores) does not fit.

Usage (in library code)::

    from statlearn._parallel import Parallel, delayed

    out = Parallel(n_jobs=self.n_jobs)(delayed(fit_one)(est, X, y) for est in estimators)
"""

import functools
import warnings

import joblib
from sklearn import config_context, get_config
from threadpoolctl import threadpool_limits

__all__ = ["Parallel", "delayed", "inner_threads"]


def inner_threads(n_jobs, inner_max_num_threads=None):
    """Threads each worker's BLAS/OpenMP pools get when ``n_jobs`` workers run.

    Returns ``None`` (no limit) when a single worker runs, else
    ``max(1, cpu_count() // n_workers)`` or ``inner_max_num_threads`` if given.
    """
    n_workers = joblib.effective_n_jobs(n_jobs)
    if n_workers == 1:
        return None
    if inner_max_num_threads is not None:
        return int(inner_max_num_threads)
    return max(1, joblib.cpu_count() // n_workers)


class _Task:
    """A picklable task: ``func`` under the caller's scikit-learn config, warning filters and a
    thread-pool limit."""

    def __init__(self, func, limit, config, filters):
        self.func, self.limit, self.config, self.filters = func, limit, config, filters
        functools.update_wrapper(self, func)

    def __call__(self, *args, **kwargs):
        with config_context(**self.config), warnings.catch_warnings(), threadpool_limits(limits=self.limit):
            warnings.filters[:] = self.filters
            return self.func(*args, **kwargs)


delayed = joblib.delayed


class Parallel(joblib.Parallel):
    """``joblib.Parallel`` whose workers run with ``cpu_count // n_workers`` BLAS/OpenMP threads.

    The caller's scikit-learn configuration (``sklearn.config_context``) and warning filters
    travel with each task, as with ``sklearn.utils.parallel.Parallel``.

    Parameters
    ----------
    n_jobs : int or None, default=None
        As in joblib: ``None`` means 1 unless inside a ``joblib.parallel_config`` context,
        ``-1`` all cores.
    inner_max_num_threads : int or None, default=None
        Threads per worker for the BLAS/OpenMP pools; default ``max(1, cpu_count // n_workers)``.
    **kwargs
        Any other ``joblib.Parallel`` argument (``backend``, ``prefer``, ``return_as``, ...).
    """

    def __init__(self, n_jobs=None, *, inner_max_num_threads=None, **kwargs):
        super().__init__(n_jobs=n_jobs, **kwargs)
        self.inner_max_num_threads = inner_max_num_threads

    def __call__(self, iterable):
        limit = inner_threads(self.n_jobs, self.inner_max_num_threads)
        if limit is None:  # one worker, in this process: nothing to limit or carry
            return super().__call__(iterable)
        config, filters = get_config(), list(warnings.filters)
        tasks = ((_Task(f, limit, config, filters), a, k) for f, a, k in iterable)
        # Each task limits its own pools (process workers: loky, multiprocessing, dask); the limit
        # here covers thread workers, whose pools are this process's.
        with threadpool_limits(limits=limit):
            return super().__call__(tasks)
