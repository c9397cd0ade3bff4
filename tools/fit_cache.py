"""Model fits kept per dataset version, so asking about one customer or one cluster does not refit
the whole model each time. A dataset file that changes (re-import) gets a new key."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from tools.context import Context

T = TypeVar("T")
MAX_FITS = 8
_FITS: OrderedDict[tuple, object] = OrderedDict()
_LOCK = threading.Lock()


def dataset_key(ctx: Context) -> tuple:
    # The engine is part of the key: a fit made on DuckDB is not reused as the Spark engine's answer.
    path, kind = ctx.warehouse.path, ctx.warehouse.kind
    try:
        stat = path.stat()
        return (kind, str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return (kind, str(path), id(ctx.warehouse))


def clear() -> None:
    with _LOCK:
        _FITS.clear()


def cached_fit(ctx: Context, name: str, params: Hashable, compute: Callable[[], T]) -> T:
    """The fit for (dataset, name, params), computed once; least recently used fits are dropped."""
    key = (*dataset_key(ctx), name, params)
    with _LOCK:
        if key in _FITS:
            _FITS.move_to_end(key)
            return _FITS[key]  # type: ignore[return-value]
    value = compute()  # outside the lock: a slow fit must not block other datasets
    with _LOCK:
        _FITS[key] = value
        while len(_FITS) > MAX_FITS:
            _FITS.popitem(last=False)
    return value
