"""What every part of scripts/bench shares: the repository's path, the seed
of every generated corpus, and how the benchmark reports and fails."""

from __future__ import annotations

import sys
from pathlib import Path

SEED = "pimap-bench"
REPO = Path(__file__).resolve().parent.parent


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 1) -> None:
    log(f"error: {msg}")
    sys.exit(code)
