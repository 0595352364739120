#!/usr/bin/env python3
"""XIRR of the SYNTHETIC portfolio with pyxirr (PyPI), for the side-by-side with Rust.

Reads DIR/flows.csv (written by `cargo bench -p territoires-domain --bench portfolio_xirr`),
builds each investment's dates and amounts before the clock starts, then times pyxirr's
`xirr` (actual/365, its default) over every investment, 3 runs (best and median); only the
computation is timed, not the loading. Writes DIR/pyxirr_results.csv (investment, rate,
error) and DIR/pyxirr_report.json, with one more run per SYNTHETIC shape.

Usage: pyxirr_bench.py DIR
"""
import csv
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

try:
    import pyxirr
except ImportError:
    sys.exit("pyxirr manquant : pip install pyxirr")

RUNS = 3


def load(path):
    """[(dates, amounts)] by investment, and each one's SYNTHETIC shape; amounts in cents
    as floats (exact)."""
    series, shapes = {}, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            i = int(row["investment"])
            dates, amounts = series.setdefault(i, ([], []))
            dates.append(date.fromisoformat(row["date"]))
            amounts.append(float(row["amount_cents"]))
            shapes[i] = row["shape"]
    keys = sorted(series)
    return [series[k] for k in keys], [shapes[k] for k in keys]


def one(dates, amounts):
    """pyxirr's answer: (rate or None, error name or '')."""
    try:
        r = pyxirr.xirr(dates, amounts)
    except Exception as e:  # InvalidPaymentsError and the like: reported, not hidden
        return None, type(e).__name__
    if r is None:
        return None, "None"
    return r, ""


def main():
    d = Path(sys.argv[1])
    t = time.perf_counter()
    series, shapes = load(d / "flows.csv")
    load_ms = (time.perf_counter() - t) * 1e3
    times, results = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        results = [one(dates, amounts) for dates, amounts in series]
        times.append((time.perf_counter() - t) * 1e3)
    best, median = min(times), statistics.median(times)
    ok = sum(1 for r, _ in results if r is not None)
    print(f"  {len(series)} XIRRs with pyxirr {pyxirr.__version__}: best {best:.1f} ms, "
          f"median {median:.1f} ms of {RUNS} ({ok} rates, {len(series) - ok} without)")
    by_shape = {}
    for shape in ["plain", "nav", "near_loss", "sign_changes"]:
        subset = [s for s, k in zip(series, shapes) if k == shape]
        t = time.perf_counter()
        for dates, amounts in subset:
            one(dates, amounts)
        spent = (time.perf_counter() - t) * 1e3
        by_shape[shape] = {"investments": len(subset), "ms": spent}
        print(f"    {shape:>12}: {len(subset):5} investments, {spent:6.1f} ms, "
              f"{spent * 1e3 / max(1, len(subset)):6.2f} µs each")
    with open(d / "pyxirr_results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["investment", "rate", "error"])
        for i, (r, e) in enumerate(results):
            w.writerow([i, "" if r is None else repr(r), e])
    (d / "pyxirr_report.json").write_text(json.dumps({
        "synthetic": True,
        "pyxirr": pyxirr.__version__,
        "investments": len(series),
        "load_ms": load_ms,
        "best_ms": best,
        "median_ms": median,
        "rates": ok,
        "by_shape": by_shape,
    }, indent=2))


if __name__ == "__main__":
    main()
