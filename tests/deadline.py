"""A bound on the time one step may take: the step is interrupted when the
bound passes (regular expressions and Markdown check for signals), so a test
of a quadratic step fails in a second instead of running for minutes."""

import contextlib
import signal
import time

import pytest


@contextlib.contextmanager
def within(seconds: float, what: str):
    """Fail the test if the block takes more than `seconds` (main thread)."""

    def interrupt(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        yield
    except TimeoutError:
        pytest.fail(f"{what}: more than {seconds} s", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - start < seconds, what
