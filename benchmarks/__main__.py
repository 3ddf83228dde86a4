"""Run benchmarks and print their figures: `python -m benchmarks [name ...]`.

Every module in this folder with a `main()` is a benchmark; its docstring says what it measures.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path


def discover() -> dict[str, Callable[[], None]]:
    found = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"benchmarks.{module.name}")
        if callable(getattr(loaded, "main", None)):
            found[module.name] = loaded.main
    return found


def main(argv: list[str]) -> int:
    benchmarks = discover()
    names = argv or sorted(benchmarks)
    unknown = [name for name in names if name not in benchmarks]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(benchmarks))}")
        return 2
    for name in names:
        print(f"== {name}", flush=True)
        benchmarks[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
