#!/usr/bin/env python3
"""Checks that the Rust cube and DuckDB give the same cells on the SYNTHETIC programme.

Every cell (programme indicator × theme × region × year): reported, expected and zero
denominators exactly; value, numerator and denominator within 1e-9 (relative), since the
two engines add floats in different orders. Exits 1 on any difference.
"""

import csv
import sys
from pathlib import Path

KEY = ("indicator", "theme", "region", "year")
COUNTS = ("reported", "expected", "zero_denominators")
FLOATS = ("value", "numerator", "denominator")


def load(path):
    with open(path, newline="") as f:
        return {tuple(r[k] for k in KEY): r for r in csv.DictReader(f)}


def close(a, b):
    if a == "" or b == "":
        return a == b
    a, b = float(a), float(b)
    return abs(a - b) <= 1e-9 * max(abs(b), 1.0)


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "target/synthetic-impact")
    rust, duck = load(folder / "rust_cells.csv"), load(folder / "duckdb_cells.csv")
    problems = []
    for key in sorted(set(rust) ^ set(duck)):
        problems.append(f"cell {key} only in {'Rust' if key in rust else 'DuckDB'}")
    for key in sorted(set(rust) & set(duck)):
        r, d = rust[key], duck[key]
        for k in COUNTS:
            if int(r[k]) != int(d[k]):
                problems.append(f"cell {key}: {k} Rust {r[k]} DuckDB {d[k]}")
        for k in FLOATS:
            if not close(r[k], d[k]):
                problems.append(f"cell {key}: {k} Rust {r[k]!r} DuckDB {d[k]!r}")
    if problems:
        print(f"DIFFERENT: {len(problems)} differences, first ones:")
        print("\n".join(problems[:20]))
        sys.exit(1)
    print(f"same results: {len(rust)} cells agree (counts exactly, sums within 1e-9)")


if __name__ == "__main__":
    main()
