"""A wall-clock limit on the work done for one file.

One pathological file (a content stream that makes pdfminer spin, a giant
table) must never stall a batch. The limit is a POSIX interval timer
(``SIGALRM``), which interrupts pure-Python loops wherever they are, in the
main thread of the process that does the work: the CLI process when
``workers=1``, and each worker of a ``ProcessPoolExecutor`` (workers run
their tasks in their own main thread). Elsewhere (Windows, a non-main thread)
no limit is set rather than a wrong one.

Known limit: a single call into C code that never returns to the interpreter
(e.g. one enormous regular-expression match) is interrupted only when it
returns.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from analyzer import errors


class _Expired(BaseException):
    """Raised by the alarm handler.

    A ``BaseException`` on purpose: readers that turn any ``Exception`` from a
    third-party parser into a finding or a note must not swallow the deadline.
    """


def can_limit() -> bool:
    """Whether a time limit can be enforced here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _seconds_text(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


@contextmanager
def time_limit(seconds: float, name: str) -> Iterator[None]:
    """Raise :class:`~analyzer.errors.ProcessingTimeout` when the block runs longer than ``seconds``.

    ``seconds <= 0`` disables the limit. An alarm already armed by the caller
    (an outer limit) is restored afterwards with the time it had left.
    """
    if not seconds or seconds <= 0 or not can_limit():
        yield
        return

    def on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
        raise _Expired()

    started = time.monotonic()
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        # An outer limit fires first anyway; arming ours would only hide it.
        yield
        return
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise errors.ProcessingTimeout(
            errors.TIMEOUT.format(name=name, limit=_seconds_text(seconds))
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
