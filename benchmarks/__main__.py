"""Run every benchmark and print its figures: `python -m benchmarks [name ...]`."""

from __future__ import annotations

import sys

from benchmarks import demo_generation

BENCHMARKS = {"demo_generation": demo_generation.main}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    for name in names:
        print(f"== {name}")
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
