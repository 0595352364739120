#!/usr/bin/env bash
# Portfolio XIRR benchmark (issue 5, §7) on a SYNTHETIC portfolio: the Rust XIRR
# (territoires_domain::funding::portfolio::xirr) against pyxirr (PyPI), in one run, with an
# investment-by-investment check.
#
#   bench/xirr/run.sh                               # 10 000 investments × 20 flows
#   XIRR_BENCH_INVESTMENTS=500 bench/xirr/run.sh    # a quick smaller run
#
# Writes only under target/synthetic-xirr/ (override with XIRR_BENCH_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export XIRR_BENCH_DIR="${XIRR_BENCH_DIR:-$root/target/synthetic-xirr}"
mkdir -p "$XIRR_BENCH_DIR"
here="$root/bench/xirr"

python3 -c 'import pyxirr' 2>/dev/null || { echo "pyxirr manquant : pip install pyxirr" >&2; exit 1; }

echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "== build (bench profile, optimised) and Rust XIRR (SYNTHETIC data)"
cargo bench -q -p territoires-domain --bench portfolio_xirr
echo "== pyxirr (SYNTHETIC data)"
python3 "$here/pyxirr_bench.py" "$XIRR_BENCH_DIR"
echo "== load average now $(cut -d" " -f1-3 /proc/loadavg) (other processes share the cores)"
echo "== comparison"
status=0
python3 "$here/compare.py" "$XIRR_BENCH_DIR" || status=$?

python3 - "$XIRR_BENCH_DIR" <<'PY'
import json, sys
from pathlib import Path
d = Path(sys.argv[1])
rust = json.loads((d / "rust_report.json").read_text())
py = json.loads((d / "pyxirr_report.json").read_text())
cmp_path = d / "comparison.json"
counts = json.loads(cmp_path.read_text())["counts"] if cmp_path.exists() else {}
n = rust["investments"]
rows = [
    ("SYNTHETIC investments × flows", f"{n:,} × {rust['flows_per_investment']}", f"{py['investments']:,} × {rust['flows_per_investment']}"),
    ("load (CSV → lists)", "— (in memory)", f"{py['load_ms']:.0f} ms"),
    ("all XIRRs, best of 3", f"{rust['best_ms']:.1f} ms", f"{py['best_ms']:.1f} ms"),
    ("all XIRRs, median of 3", f"{rust['median_ms']:.1f} ms", f"{py['median_ms']:.1f} ms"),
    ("per investment (best)", f"{rust['best_ms'] * 1e3 / n:.2f} µs", f"{py['best_ms'] * 1e3 / n:.2f} µs"),
    ("ratio pyxirr / Rust (best)", "", f"{py['best_ms'] / rust['best_ms']:.2f} ×"),
    ("ratio pyxirr / Rust (median)", "", f"{py['median_ms'] / rust['median_ms']:.2f} ×"),
    ("rates given", f"{rust['rates']:,}", f"{py['rates']:,}"),
    ("with several roots (Rust)", f"{rust['several_roots']:,}", "—"),
]
for k, v in rust["by_shape"].items():
    p = py["by_shape"][k]
    rows.append((f"  shape {k} ({v['investments']}), per inv.",
                 f"{v['ms'] * 1e3 / max(1, v['investments']):.2f} µs",
                 f"{p['ms'] * 1e3 / max(1, p['investments']):.2f} µs"))
w = max(len(r[0]) for r in rows)
print(f"\n{'SYNTHETIC portfolio (pyxirr ' + py['pyxirr'] + ')':<{w}}  {'Rust':>16}  {'pyxirr':>16}")
for a, b, c in rows:
    print(f"{a:<{w}}  {b:>16}  {c:>16}")
print("\nagreement (investments):")
for k, v in sorted(counts.items()):
    print(f"  {v:6d}  {k}")
PY
exit "$status"
