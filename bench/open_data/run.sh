#!/usr/bin/env bash
# Open-data benchmark (issue 6, §5), not a timed test, on a SYNTHETIC programme, in one run:
# 1. export: IATI activity XML and SCDL CSV through the real writers and their checks,
#    against a plain serialisation of the same records (serde_json lines, csv rows), to a
#    byte-counting sink, at each size of OPEN_DATA_PROJECTS: records per second, MB
#    written, peak memory (flat whatever the size: nothing is kept between projects);
# 2. import: a measurement CSV of OPEN_DATA_ROWS rows as a French spreadsheet saves it, read
#    by the real importer (measurements_csv::parse) and by pandas read_csv, side by side.
# Each case is its own process; its peak memory is its VmHWM.
#
#   bench/open_data/run.sh
#   OPEN_DATA_PROJECTS="1000 10000" OPEN_DATA_ROWS=100000 bench/open_data/run.sh   # quicker
#
# Writes only under target/synthetic-open-data/ (override with OPEN_DATA_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
SIZES="${OPEN_DATA_PROJECTS:-10000 100000}"
ROWS="${OPEN_DATA_ROWS:-1000000}"
dir="${OPEN_DATA_DIR:-$root/target/synthetic-open-data}"
mkdir -p "$dir"
here="$root/bench/open_data"

python3 -c 'import pandas' 2>/dev/null || { echo "pandas manquant : pip install pandas" >&2; exit 1; }

echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "== build (release)"
cargo build -q --release -p territoires-formats --example open_data_bench
bin="$root/target/release/examples/open_data_bench"
out="$dir/results.jsonl"
: >"$out"

echo "== export (SYNTHETIC programme)"
for n in $SIZES; do
  for case in plain-json iati iati-mapping iati-checks plain-csv scdl; do
    "$bin" export "$case" "$n" | tee -a "$out"
  done
done

echo "== import (SYNTHETIC measurements, $ROWS rows)"
for enc in utf8 cp1252; do
  file="$dir/measurements-$ROWS-$enc.csv"
  [ -f "$file" ] || "$bin" measurements-file "$file" "$ROWS" "$enc"
  "$bin" import "$file" | sed "s/^{/{\"file\":\"$enc\",/" | tee -a "$out"
  python3 "$here/pandas_import.py" "$file" "$enc" | sed "s/^{/{\"file\":\"$enc\",/" | tee -a "$out"
done
echo "== load average now $(cut -d" " -f1-3 /proc/loadavg) (other processes share the cores)"

python3 - "$out" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
mb = lambda b: b / 1e6
exports = [r for r in runs if "projects" in r]
print(f"\n{'export (SYNTHETIC)':<22}{'projects':>9}{'records/s':>12}{'MB written':>12}{'peak MB':>9}{'time ×plain':>13}")
base = {(r["case"], r["projects"]): r for r in exports}
plain = {"iati": "plain-json", "iati-mapping": "plain-json", "iati-checks": "plain-json", "scdl": "plain-csv"}
for r in exports:
    ratio = ""
    if r["case"] in plain:
        p = base[(plain[r["case"]], r["projects"])]
        ratio = f"{r['seconds'] / p['seconds']:.1f} ×"
    print(f"{r['case']:<22}{r['projects']:>9,}{r['records'] / r['seconds']:>12,.0f}"
          f"{mb(r['bytes']):>12.1f}{r['peak_kb'] / 1024:>9.1f}{ratio:>13}")
imports = [r for r in runs if r["case"] in ("import", "pandas")]
print(f"\n{'import (SYNTHETIC)':<22}{'rows':>10}{'rows/s':>12}{'seconds':>9}{'peak MB':>9}{'time ×importer':>17}")
ok = True
for enc in ("utf8", "cp1252"):
    ours = next((r for r in imports if r["file"] == enc and r["case"] == "import"), None)
    theirs = next((r for r in imports if r["file"] == enc and r["case"] == "pandas"), None)
    for r in (ours, theirs):
        if r is None:
            continue
        name = f"{'importer' if r['case'] == 'import' else 'pandas ' + r['pandas']} ({enc})"
        ratio = f"{r['seconds'] / ours['seconds']:.2f} ×" if r is theirs and ours else ""
        print(f"{name:<22}{r['rows']:>10,}{r['rows'] / r['seconds']:>12,.0f}{r['seconds']:>9.2f}"
              f"{r['peak_kb'] / 1024:>9.1f}{ratio:>17}")
    if ours and theirs:
        same = ours["rows"] == theirs["rows"] and ours["numbers"] == theirs["numbers"] \
            and abs(ours["sum"] - theirs["sum"]) <= 1e-9 * abs(ours["sum"])
        ok = ok and same
        print(f"  same rows, number cells and sum as pandas: {'yes' if same else 'NO'}"
              f" ({ours['rows']:,} rows, {ours['numbers']:,} numbers, sum {ours['sum']:.2f})")
if ours:
    print(f"file: {mb(ours['bytes']):.1f} MB; the importer holds the whole file and every row in memory")
sys.exit(0 if ok else 1)
PY
