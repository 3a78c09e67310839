"""What every part of the bench shares: the project root, the error that
ends a run with a one-line message, and progress messages on stderr."""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """A failure to report in one line, without a traceback."""


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
