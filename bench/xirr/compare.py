#!/usr/bin/env python3
"""Compares the Rust XIRRs with pyxirr's on the SYNTHETIC portfolio, investment by investment.

- Rust found a single root and pyxirr a rate: they must agree within TOL, absolute on the
  rate up to |r| = 1 and relative beyond (|Δ| ≤ 1e-9 · max(1, |r|)). Why relative beyond:
  both solvers stop on a step or residual of the order of their precision times the size of
  the rate, so a 250 % rate carries about 2,5 times the absolute rounding of a 100 % one;
  in this data set no single-root rate exceeds a few hundred %, so the relaxation is small.
  Any disagreement here makes the script fail (exit status 1).
- Rust found several roots: counted apart, by whether pyxirr's rate is Rust's chosen rate,
  another of Rust's roots (documented difference: a different root chosen) or none of them.
- One gives a rate, the other none; both none: counted and listed.
For every listed case the relative NPV (see `npv`) is shown
at each rate, to tell a genuine root from a solver's failure.

Usage: compare.py DIR   (reads flows.csv, rust_results.csv, pyxirr_results.csv)
"""
import csv
import json
import math
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

TOL = 1e-9


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def npv(flows, r):
    """NPV at rate r relative to the size of its terms: Σ aᵢ e^(−v tᵢ) / Σ |aᵢ| e^(−v tᵢ),
    v = ln(1 + r), tᵢ in years of 365 days (None if undefined). Near r = −1 the discount
    factors reach 1e100 and more, so only this ratio tells a root (≈ 1e-15) from a miss."""
    if r is None or r <= -1.0:
        return None
    d0 = min(d for d, _ in flows)
    v = math.log1p(r)
    x = [-v * (d - d0).days / 365.0 for d, _ in flows]
    m = max(x)  # shift every exponent to ≤ 0: no overflow
    num = sum(a * math.exp(e - m) for (_, a), e in zip(flows, x))
    den = sum(abs(a) * math.exp(e - m) for (_, a), e in zip(flows, x))
    return num / den


def main():
    d = Path(sys.argv[1])
    flows, shape = defaultdict(list), {}
    with open(d / "flows.csv", newline="") as f:
        for row in csv.DictReader(f):
            i = int(row["investment"])
            flows[i].append((date.fromisoformat(row["date"]), float(row["amount_cents"])))
            shape[i] = row["shape"]
    with open(d / "rust_results.csv", newline="") as f:
        rust = {int(r["investment"]): r for r in csv.DictReader(f)}
    with open(d / "pyxirr_results.csv", newline="") as f:
        py = {int(r["investment"]): r for r in csv.DictReader(f)}
    if rust.keys() != py.keys():
        sys.exit(f"ÉCHEC : {len(rust)} résultats Rust, {len(py)} pyxirr, pas les mêmes investissements")

    counts, listed, worst = Counter(), [], 0.0
    for i in sorted(rust):
        r, p = rust[i], py[i]
        rr = float(r["rate"]) if r["rate"] else None
        pr = float(p["rate"]) if p["rate"] else None
        roots = [float(x) for x in r["all_roots"].split(";") if x]
        if rr is not None and pr is not None and len(roots) == 1:
            if close(rr, pr):
                counts["single root: agree within 1e-9"] += 1
                worst = max(worst, abs(rr - pr) / max(1.0, abs(rr)))
            else:
                counts["single root: DISAGREE"] += 1
                listed.append((i, "single root: DISAGREE", rr, pr, roots, p["error"]))
        elif len(roots) > 1 and pr is not None:
            if close(rr, pr):
                counts["several roots: pyxirr = Rust's chosen root"] += 1
            elif any(close(x, pr) for x in roots):
                counts["several roots: pyxirr = another of Rust's roots"] += 1
            else:
                counts["several roots: pyxirr not among Rust's roots"] += 1
                listed.append((i, "several roots: pyxirr not among Rust's roots", rr, pr, roots, p["error"]))
        elif len(roots) > 1:
            counts["several roots: pyxirr none"] += 1
            listed.append((i, "several roots: pyxirr none", rr, pr, roots, p["error"]))
        elif rr is None and pr is None:
            counts[f"both none (Rust {r['error']}, pyxirr {p['error']})"] += 1
        elif rr is None:
            counts[f"Rust none ({r['error']}), pyxirr a rate"] += 1
            listed.append((i, f"Rust none ({r['error']}), pyxirr a rate", rr, pr, roots, p["error"]))
        else:
            counts[f"Rust a rate, pyxirr none ({p['error']})"] += 1
            listed.append((i, f"Rust a rate, pyxirr none ({p['error']})", rr, pr, roots, p["error"]))

    print(f"  {len(rust)} SYNTHETIC investments compared")
    for k, v in sorted(counts.items()):
        print(f"  {v:6d}  {k}")
    print(f"  largest single-root gap: {worst:.2e} (relative to max(1, |r|))")
    if listed:
        print(f"  listed cases ({len(listed)}; at most 20 shown; NPV relative to Σ|terms|):")
        for i, what, rr, pr, roots, perr in listed[:20]:
            fl = flows[i]
            print(f"    #{i} [{shape[i]}] {what}: Rust {rr!r} (roots {roots}, NPV {npv(fl, rr):.1e}), "
                  f"pyxirr {pr!r} (NPV {'—' if pr is None else format(npv(fl, pr), '.1e')}) {perr}")
    (d / "comparison.json").write_text(json.dumps({
        "investments": len(rust), "counts": counts, "largest_single_root_gap": worst,
        "listed": [x[0] for x in listed]}, indent=2))
    if counts["single root: DISAGREE"]:
        sys.exit(f"ÉCHEC : {counts['single root: DISAGREE']} investissements à racine unique "
                 f"où Rust et pyxirr diffèrent de plus de {TOL}")


if __name__ == "__main__":
    main()
