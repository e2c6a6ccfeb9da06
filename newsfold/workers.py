"""Worker processes shared by the stages: ``run_tasks`` maps a function over tasks, in
order, in a pool of forked processes that inherit what the tasks read.

Used by copy detection (``dedup.families``: shingling, signing, pair checks) and by story
analysis (``stages.analyze_stories``). Forked workers inherit ``state`` copy-on-write (numpy
arrays, a loaded spaCy model: never pickled); tasks and results are pickled. The parent's
objects are moved out of the garbage collector's reach before forking (``gc.freeze``), or a
worker's collection would write to every inherited object's header and so copy the parent's
whole heap page by page. BLAS stays on one thread in the workers (small products; two
workers' thread pools on two cores made them spin).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import threading
from typing import Callable, Iterable

#: what the tasks of the ``run_tasks`` call being forked read (inherited by the forked workers)
_STATE: dict = {}
#: the ``state`` of the ``run_tasks`` call running in this thread (in-process tasks read it)
_LOCAL = threading.local()
#: one fork at a time: ``_STATE`` and ``gc.freeze`` are the process's, not a thread's
_FORK_LOCK = threading.Lock()


def state() -> dict:
    """The ``state`` of the ``run_tasks`` call this task belongs to: the calling thread's own
    call in process (a server runs stages in several threads at once: the API's background
    window pass beside a POST's analysis), the forking call in a worker."""
    own = getattr(_LOCAL, "state", None)
    return own if own is not None else _STATE


def default_count() -> int:
    """Worker processes a stage uses when its configuration does not say: min(2, CPU count)."""
    import os

    return min(2, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether worker processes can be started here: fork is available and this process is
    not itself a daemonic pool worker (which may not have children)."""
    return "fork" in mp.get_all_start_methods() and not mp.current_process().daemon


def run_tasks(fn: Callable, tasks: Iterable, state: dict, workers: int) -> list:
    """``[fn(t) for t in tasks]``, in order; with ``workers`` > 1 in a pool of forked processes
    that inherit ``state``; tasks (pulled from the iterable as workers ask) and results are
    pickled. The in-process path runs the same code. Safe to call from several threads."""
    global _STATE
    outer = getattr(_LOCAL, "state", None)
    _LOCAL.state = state
    try:
        if workers <= 1 or not can_fork():
            with blas_limit():
                return [fn(t) for t in tasks]
        with _FORK_LOCK:  # the workers are forked here, each with this call's state
            _STATE = state
            gc.freeze()
            try:
                pool = mp.get_context("fork").Pool(workers, initializer=one_blas_thread)
            finally:
                gc.unfreeze()
                _STATE = {}
        try:
            return list(pool.imap(fn, tasks, chunksize=1))
        finally:
            pool.close()
            pool.join()
    finally:
        _LOCAL.state = outer


_CONTROLLER: list = []


def blas_limit():
    """A context with BLAS on one thread (alignment's products are small: a second BLAS thread
    only spins, and on a shared machine it waits for a core: FamilyIndex.add took 18 instead of
    8.5 ms). The library discovery is done once (a cached controller: ~7 µs per use)."""
    try:
        if not _CONTROLLER:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        return _CONTROLLER[0].limit(limits=1, user_api="blas")
    except Exception:  # pragma: no cover - threadpoolctl ships with scikit-learn
        import contextlib

        return contextlib.nullcontext()


def one_blas_thread() -> None:
    """In a forked worker: BLAS on one thread. Alignment multiplies small dense matrices; an
    OpenBLAS thread pool inherited through fork (and two workers' pools on two cores) made
    each product spin, ~4x slower overall."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception:  # pragma: no cover - threadpoolctl ships with scikit-learn
        pass
