#!/usr/bin/env bash
# Impact aggregation benchmark (issue 4, §8) on a SYNTHETIC programme: the Rust cube
# against DuckDB, in one run, with peak memory of each process and a cell-by-cell check.
#
#   bench/impact/run.sh            # 10 000 projects (about 8,6 million measurements)
#   IMPACT_BENCH_PROJECTS=500 bench/impact/run.sh   # a quick smaller run
#
# Writes only under target/synthetic-impact/ (override with IMPACT_BENCH_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export IMPACT_BENCH_DIR="${IMPACT_BENCH_DIR:-$root/target/synthetic-impact}"
mkdir -p "$IMPACT_BENCH_DIR"
here="$root/bench/impact"

python3 -c 'import duckdb' 2>/dev/null || { echo "DuckDB manquant : pip install duckdb" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time manquant : apt-get install -y time" >&2; exit 1; }

echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "== build (bench profile, optimised)"
# The benchmark binary itself is run, so that its peak memory is not cargo's.
bin="$(cargo bench -q -p territoires-domain --bench impact_aggregation --no-run --message-format=json \
  | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "impact_aggregation" and m.get("executable"):
        print(m["executable"])')"
echo "$bin"

echo "== Rust cube (SYNTHETIC data)"
/usr/bin/time -v -o "$IMPACT_BENCH_DIR/rust_time.txt" "$bin"
echo "== DuckDB (SYNTHETIC data)"
/usr/bin/time -v -o "$IMPACT_BENCH_DIR/duckdb_time.txt" \
  python3 "$here/duckdb_aggregation.py" "$IMPACT_BENCH_DIR"
echo "== load average now $(cut -d" " -f1-3 /proc/loadavg) (other processes share the cores)"
echo "== comparison"
python3 "$here/compare.py" "$IMPACT_BENCH_DIR"

python3 - "$IMPACT_BENCH_DIR" <<'EOF'
import json, re, sys
from pathlib import Path
d = Path(sys.argv[1])
rust = json.loads((d / "rust_report.json").read_text())
duck = json.loads((d / "duckdb_report.json").read_text())
def max_rss(name):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", (d / name).read_text())
    return int(m.group(1)) // 1024 if m else 0
rows = [
    ("SYNTHETIC measurements", f"{rust['measurements']:,}", f"{duck['measurements']:,}"),
    ("cells (indicator×theme×region×year)", f"{rust['cells']:,}", f"{duck['cells']:,}"),
    ("threads", "1", str(duck["threads"])),
    ("load (CSV → table)", "— (in memory)", f"{duck['load_ms']:.0f} ms"),
    ("full aggregation, best", f"{rust['full_best_ms']:.0f} ms", f"{duck['full_best_ms']:.0f} ms"),
    ("full aggregation, median", f"{rust['full_median_ms']:.0f} ms", f"{duck['full_median_ms']:.0f} ms"),
    ("ratio DuckDB / Rust (best)", "", f"{duck['full_best_ms'] / rust['full_best_ms']:.1f} ×"),
    ("one update, median", f"{rust['update_median_us']:.1f} µs", "—"),
    ("one update, p99 / max", f"{rust['update_p99_us']:.1f} / {rust['update_max_us']:.1f} µs", "—"),
    ("updates over 1 ms (of 1 000)", str(rust["updates_over_1ms"]), "—"),
    ("RSS before aggregation (input)", f"{rust['rss_before_build_mb']} MB", f"{duck['rss_after_load_mb']} MB"),
    ("peak RSS during aggregation", f"{rust['rss_peak_build_mb']} MB", f"{duck['rss_peak_query_mb']} MB"),
    ("peak RSS of the process (time -v)", f"{max_rss('rust_time.txt')} MB", f"{max_rss('duckdb_time.txt')} MB"),
]
w = max(len(r[0]) for r in rows)
print(f"\n{'SYNTHETIC programme':<{w}}  {'Rust cube':>18}  {'DuckDB':>18}")
for a, b, c in rows:
    print(f"{a:<{w}}  {b:>18}  {c:>18}")
EOF
