"""A bound on the time one step may take: the step is interrupted when the
bound passes (regular expressions and Markdown check for signals), so a test
of a quadratic step fails in a second instead of running for minutes. The
bound is on the process's CPU time, not the clock's: a machine busy with
other work does not make a linear step fail."""

import contextlib
import signal
import time

import pytest


@contextlib.contextmanager
def within(seconds: float, what: str):
    """Fail the test if the block takes more than `seconds` of CPU."""

    def interrupt(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGPROF, interrupt)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    start = time.process_time()
    try:
        yield
    except TimeoutError:
        pytest.fail(f"{what}: more than {seconds} s", pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    assert time.process_time() - start < seconds, what
