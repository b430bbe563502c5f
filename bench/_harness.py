"""Shared by every benchmark: the one summary-line format of design.md.

    BENCH <name>: <value> <unit> (target <op> <target>) PASS|FAIL
"""

from __future__ import annotations

import operator
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
results: list[bool] = []


def report(name: str, value: float, unit: str, op: str, target: float) -> bool:
    passed = _OPS[op](value, target)
    results.append(passed)
    shown = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    print(f"BENCH {name}: {shown} {unit} (target {op} {target:g}) {'PASS' if passed else 'FAIL'}",
          flush=True)
    return passed


def setup_django(database_url: str | None = None) -> None:
    """Configure Django for an in-process benchmark against its own database."""
    sys.path.insert(0, str(ROOT / "src"))
    if database_url is not None:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giaithuong.settings")
    import django

    django.setup()
