#!/usr/bin/env bash
# The ceilings under load over real HTTP (issue 5 §5): runs the two stress tests of
# crates/web/tests/http/stress.rs on SQLite, then on PostgreSQL when TEST_DATABASE_URL (or
# the default local server) answers, and prints their reports: how many concurrent
# agreements were accepted, how many refused, and which ceiling refused them.
# Usage: bench/stress/run.sh   (PostgreSQL: TEST_DATABASE_URL=postgres://… bench/stress/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
pg="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
run() {
    cargo test -q -p territoires-web --test http stress -- --nocapture --test-threads=1 2>&1 | grep -E "^(==|   )" || true
}
echo "# SQLite"
env -u TEST_DATABASE_URL bash -c "$(declare -f run); run"
if command -v pg_isready >/dev/null && pg_isready -q -d "$pg"; then
    echo "# PostgreSQL"
    TEST_DATABASE_URL="$pg" bash -c "$(declare -f run); run"
else
    echo "# PostgreSQL: no server at $pg, skipped"
fi
