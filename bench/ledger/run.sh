#!/usr/bin/env bash
# Ledger throughput benchmark (issue 5, §7), not a timed test: commitments per second
# through Store::append_ledger_entry with every ceiling check on, on SQLite and on
# PostgreSQL side by side in one run — N commitments on a fresh database one after the
# other, then N from W concurrent writers; after each run one more commitment must be
# refused and the envelope must hold exactly N × 100,00 €.
#
#   bench/ledger/run.sh                      # N=5000, W=8, PostgreSQL at PG_URL
#   LEDGER_N=1000 LEDGER_WRITERS=4 bench/ledger/run.sh
#   PG_URL=postgres://postgres@127.0.0.1:5432/test (default); PG_URL= skips PostgreSQL.
#
# Each run creates its own database: a SQLite file in the temporary directory, or a
# database territoires_test_<pid>_<n> on the PostgreSQL server (left there, like the tests').
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
N="${LEDGER_N:-5000}"
W="${LEDGER_WRITERS:-8}"
PG_URL="${PG_URL-postgres://postgres@127.0.0.1:5432/test}"

echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "== build (release)"
cargo build -q --release -p territoires-store --example ledger_bench
bin="$root/target/release/examples/ledger_bench"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "== SQLite"
"$bin" "" "$N" "$W" | tee -a "$out"
if [ -n "$PG_URL" ]; then
  echo "== PostgreSQL"
  "$bin" "$PG_URL" "$N" "$W" | tee -a "$out"
fi
echo "== load average now $(cut -d" " -f1-3 /proc/loadavg) (other processes share the cores)"
python3 - "$out" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
by = {(r["backend"], r["writers"]): r for r in runs}
backends = [b for b in ("sqlite", "postgresql") if any(k[0] == b for k in by)]
writers = sorted({k[1] for k in by})
print(f"\n{'commitments/s (checks on)':<30}" + "".join(f"{b:>14}" for b in backends))
for w in writers:
    label = "sequential" if w == 1 else f"{w} concurrent writers"
    cells = []
    for b in backends:
        r = by.get((b, w))
        cells.append(f"{r['per_second']:>14.0f}" if r else f"{'—':>14}")
    print(f"{label:<30}" + "".join(cells))
n = runs[0]["commitments"] if runs else 0
print(f"{'(commitments per run)':<30}" + "".join(f"{n:>14}" for _ in backends))
ok = all(r["invariant_held"] for r in runs)
print(f"invariant held in every run (envelope full, one more refused): {'yes' if ok else 'NO'}")
sys.exit(0 if ok else 1)
PY
