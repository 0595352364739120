"""Reads the benchmark's measurement CSV with pandas, as a user would without Territoires:
read_csv(sep=';', decimal=',', thousands=' '). Prints one JSON line: rows, seconds, peak
memory (VmHWM) and the count and sum of the number cells, to compare with the importer's.

    python3 pandas_import.py FILE utf8|cp1252
"""
import json
import sys
import time

import pandas as pd


def peak_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


path, encoding = sys.argv[1], sys.argv[2]
start = time.perf_counter()
df = pd.read_csv(
    path,
    sep=";",
    decimal=",",
    thousands=" ",
    encoding="utf-8-sig" if encoding == "utf8" else "cp1252",
    dtype={"période": str},
)
seconds = time.perf_counter() - start
numbers = df[["valeur", "numérateur", "dénominateur"]]
for column in numbers.columns:
    if numbers[column].dtype == object:
        sys.exit(f"pandas n'a pas lu la colonne {column} comme des nombres")
print(json.dumps({
    "case": "pandas", "rows": len(df), "seconds": seconds, "peak_kb": peak_kb(),
    "numbers": int(numbers.count().sum()), "sum": float(numbers.sum().sum()),
    "pandas": pd.__version__,
}))
