#!/usr/bin/env python3
"""DuckDB side of the impact aggregation benchmark (issue 4, §8), on SYNTHETIC data.

Loads the SYNTHETIC programme written by `cargo bench -p territoires-domain --bench
impact_aggregation` (CSV files in the folder given as argument), then runs the same
aggregation as the Rust cube in SQL: latest value per (project indicator, period, reporter)
by seq; a period's point combines its reporters (values added; percentages as Σn/Σd over
reporters with both counts and a non-zero denominator); flows add the year's points, levels
take the year's latest point with a value, cumulative indicators take each reporter's
latest value at or before a period (carry-over) and the latest point up to the year's end;
then every programme indicator by theme × region × year, with reported and expected
projects (missing is not zero) and zero denominators.

Prints load and query times (best and median of a few runs) and peak memory, writes
`duckdb_cells.csv` and `duckdb_report.json` into the same folder.
"""

import json
import statistics
import sys
import time
from pathlib import Path

import duckdb

FIRST_YEAR, LAST_YEAR = 2020, 2029
RUNS = 3

LOAD = """
CREATE TABLE indicators AS SELECT * FROM read_csv('{d}/indicators.csv', header = true,
    columns = {{'indicator': 'SMALLINT', 'code': 'VARCHAR', 'kind': 'VARCHAR', 'temporality': 'VARCHAR'}});
CREATE TABLE groups AS SELECT * FROM read_csv('{d}/groups.csv', header = true,
    columns = {{'project': 'INTEGER', 'slug': 'VARCHAR', 'theme': 'VARCHAR', 'region': 'VARCHAR'}});
CREATE TABLE slots AS SELECT * FROM read_csv('{d}/slots.csv', header = true,
    columns = {{'slot': 'INTEGER', 'project': 'INTEGER', 'indicator': 'SMALLINT', 'factor': 'DOUBLE'}});
CREATE TABLE m AS SELECT * FROM read_csv('{d}/measurements.csv', header = true,
    columns = {{'slot': 'INTEGER', 'year': 'SMALLINT', 'quarter': 'TINYINT', 'reporter': 'INTEGER',
               'seq': 'BIGINT', 'value': 'DOUBLE', 'numerator': 'DOUBLE', 'denominator': 'DOUBLE'}});
"""

QUERY = f"""
WITH latest AS (
    -- A reporter's later value for a period replaces its earlier one (a correction).
    SELECT slot, year, quarter, reporter,
        max_by({{'v': value, 'n': numerator, 'd': denominator}}, seq) AS o
    FROM m GROUP BY slot, year, quarter, reporter
),
obs AS (
    SELECT l.slot, l.year, l.year * 4 + l.quarter AS p, l.reporter, i.kind, i.temporality,
        CASE WHEN l.o.v IS NOT NULL AND isfinite(l.o.v) THEN l.o.v END AS v,
        (l.o.v IS NULL AND isfinite(l.o.n) AND isfinite(l.o.d) AND l.o.d <> 0) AS ok,
        (l.o.v IS NULL AND isfinite(l.o.n) AND l.o.d = 0) AS zero,
        l.o.n AS n, l.o.d AS d
    FROM latest l JOIN slots s USING (slot) JOIN indicators i USING (indicator)
),
-- Cumulative: at each reported period, each reporter's latest value at or before it.
cum_points AS (SELECT DISTINCT slot, p, year, kind, temporality FROM obs WHERE temporality = 'cumulative'),
cum_reporters AS (SELECT DISTINCT slot, reporter FROM obs WHERE temporality = 'cumulative'),
cum_obs AS (
    SELECT pt.slot, pt.p, pt.year, pt.kind, pt.temporality, o.v, o.ok, o.zero, o.n, o.d
    FROM cum_points pt JOIN cum_reporters r USING (slot)
    ASOF JOIN obs o ON o.slot = pt.slot AND o.reporter = r.reporter AND o.p <= pt.p
),
all_obs AS (
    SELECT slot, p, year, kind, temporality, v, ok, zero, n, d FROM obs WHERE temporality <> 'cumulative'
    UNION ALL
    SELECT * FROM cum_obs
),
points AS (
    SELECT slot, p, year, kind, temporality,
        CASE WHEN kind = 'percentage' THEN count(*) FILTER (ok) > 0 ELSE count(v) > 0 END AS has,
        sum(v) AS sv,
        sum(n) FILTER (ok) AS sn,
        sum(d) FILTER (ok) AS sd,
        bool_or(zero) AS z
    FROM all_obs GROUP BY slot, p, year, kind, temporality
),
-- Flows: the year's points add up.
flow_years AS (
    SELECT slot, year, bool_or(has) AS has_c,
        sum(sv) FILTER (has) AS val, sum(sn) FILTER (has) AS n, sum(sd) FILTER (has) AS d, bool_or(z) AS zc
    FROM points WHERE temporality = 'flow' GROUP BY slot, year
),
-- Levels (within the year) and cumulative (since the start): the latest point with a
-- value; a zero denominator is flagged if seen from that point on.
runs AS (
    SELECT *, sum(has::INTEGER) OVER (
        PARTITION BY slot, CASE WHEN temporality = 'level' THEN year END ORDER BY p ROWS UNBOUNDED PRECEDING) AS grp
    FROM points WHERE temporality <> 'flow'
),
latest_years AS (
    SELECT slot, year,
        first_value(has) OVER w AS has_c, first_value(sv) OVER w AS val,
        first_value(sn) OVER w AS n, first_value(sd) OVER w AS d,
        bool_or(z) OVER (w ROWS UNBOUNDED PRECEDING) AS zc
    FROM runs
    WINDOW w AS (PARTITION BY slot, CASE WHEN temporality = 'level' THEN year END, grp ORDER BY p)
    QUALIFY row_number() OVER (PARTITION BY slot, year ORDER BY p DESC) = 1
),
years AS (SELECT * FROM flow_years UNION ALL SELECT * FROM latest_years),
-- Every expected (project indicator, year), with its contribution if any: a cumulative
-- value carries into later years, a flow or a level does not.
grid AS (
    SELECT s.slot, s.project, s.indicator, s.factor, i.kind, i.temporality, y.year
    FROM slots s JOIN indicators i USING (indicator)
    CROSS JOIN (SELECT range::SMALLINT AS year FROM range({FIRST_YEAR}, {LAST_YEAR + 1})) y
),
contrib AS (
    SELECT g.*, (g.temporality = 'cumulative' OR c.year = g.year) AS here, c.has_c, c.val, c.n, c.d, c.zc
    FROM grid g ASOF LEFT JOIN years c ON c.slot = g.slot AND c.year <= g.year
),
counted AS (
    SELECT project, indicator, kind, year,
        coalesce(here AND has_c AND CASE WHEN kind = 'percentage' THEN d <> 0 AND isfinite(n) AND isfinite(d)
                                          ELSE isfinite(val * factor) END, false) AS counted,
        val * factor AS val, n, d, coalesce(here AND zc, false) AS zero
    FROM contrib
)
SELECT c.indicator, g.theme, g.region, c.year,
    count(*) FILTER (c.counted) AS reported,
    count(*) AS expected,
    count(*) FILTER (c.zero) AS zero_denominators,
    sum(c.val) FILTER (c.counted AND c.kind = 'quantity') AS vsum,
    sum(c.n) FILTER (c.counted AND c.kind = 'percentage') AS numerator,
    sum(c.d) FILTER (c.counted AND c.kind = 'percentage') AS denominator,
    any_value(c.kind) AS kind
FROM counted c JOIN groups g USING (project)
GROUP BY c.indicator, g.theme, g.region, c.year
"""

FINISH = """
SELECT indicator, theme, region, year,
    CASE WHEN reported = 0 THEN NULL
         WHEN kind = 'percentage' THEN CASE WHEN denominator <> 0 THEN 100 * numerator / denominator END
         WHEN kind = 'quantity' THEN vsum END AS value,
    CASE WHEN kind = 'percentage' AND reported > 0 AND denominator <> 0 THEN numerator END AS numerator,
    CASE WHEN kind = 'percentage' AND reported > 0 AND denominator <> 0 THEN denominator END AS denominator,
    reported, expected, zero_denominators
FROM cells ORDER BY ALL
"""


def status_kb(field):
    """A field of /proc/self/status in kB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak():
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "target/synthetic-impact").resolve()
    con = duckdb.connect()  # in memory
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"DuckDB {duckdb.__version__} ({threads} threads), SYNTHETIC data from {folder}")

    t = time.perf_counter()
    con.execute(LOAD.format(d=folder))
    load_ms = (time.perf_counter() - t) * 1000
    rows = con.execute("SELECT count(*) FROM m").fetchone()[0]
    rss_loaded = status_kb("VmRSS")
    print(f"  loaded {rows} SYNTHETIC measurements in {load_ms:.0f} ms ({rss_loaded // 1024} MB RSS)")

    times = []
    reset_peak()
    for run in range(RUNS):
        con.execute("DROP TABLE IF EXISTS cells")
        t = time.perf_counter()
        con.execute("CREATE TABLE cells AS " + QUERY)
        times.append((time.perf_counter() - t) * 1000)
        if run == 0:
            peak = status_kb("VmHWM")
    print(f"  full aggregation: best {min(times):.0f} ms, median {statistics.median(times):.0f} ms of {RUNS}")
    print(f"  RSS: {rss_loaded // 1024} MB after load, peak {peak // 1024} MB during the query")

    out = folder / "duckdb_cells.csv"
    con.execute(f"COPY ({FINISH}) TO '{out}' (HEADER)")
    cells = con.execute("SELECT count(*) FROM cells").fetchone()[0]
    print(f"  {cells} cells written to {out}")
    report = {
        "synthetic": True,
        "duckdb": duckdb.__version__,
        "threads": threads,
        "measurements": rows,
        "cells": cells,
        "load_ms": load_ms,
        "full_best_ms": min(times),
        "full_median_ms": statistics.median(times),
        "rss_after_load_mb": rss_loaded // 1024,
        "rss_peak_query_mb": peak // 1024,
    }
    (folder / "duckdb_report.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
