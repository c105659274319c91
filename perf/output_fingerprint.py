"""Fingerprint a demo's outputs, to show a refactoring changed no behaviour.

Hashes every data file the demo writes under `<data>/releases/`, `exports/` and `benchmarks/` (parquet by its
sorted rows, so the file's row order and writer metadata do not count; txt/tsv/csv/npy by their bytes) and counts
the rows of every `kg`, `benchmarks` and `atlas` table in the build warehouse. Columns that hold wall-clock
readings (run times, fetch times) are left out.

    .venv/bin/python perf/output_fingerprint.py data > /tmp/before.json        # before the change
    .venv/bin/python perf/output_fingerprint.py data --compare /tmp/before.json  # after: prints the differences
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import duckdb

SCHEMAS = ("kg", "benchmarks", "atlas")
DATA_FOLDERS = ("releases", "exports", "benchmarks")
DATA_SUFFIXES = {".parquet", ".txt", ".tsv", ".csv", ".npy", ".inter", ".kg", ".link", ".item", ".user", ".net"}
# Wall-clock readings: they differ between any two runs of the same code.
VOLATILE_COLUMNS = {"seconds", "peak_rss_mib", "observed_at", "fetched_at", "built_at", "started_at", "finished_at"}


def _parquet_digest(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    columns = [row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
    kept = [c for c in columns if c not in VOLATILE_COLUMNS]
    select = ", ".join(f'"{c}"' for c in kept) or "1"
    rows = con.execute(f"SELECT {select} FROM read_parquet(?) ORDER BY ALL", [str(path)]).fetchall()
    digest = hashlib.sha256(json.dumps(kept).encode())
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def fingerprint(data_dir: Path) -> dict[str, dict[str, object]]:
    files: dict[str, object] = {}
    con = duckdb.connect()
    paths = (path for folder in DATA_FOLDERS for path in sorted((data_dir / folder).rglob("*")))
    for path in paths:
        if path.is_file() and path.suffix in DATA_SUFFIXES:
            key = str(path.relative_to(data_dir))
            files[key] = (
                _parquet_digest(con, path)
                if path.suffix == ".parquet"
                else hashlib.sha256(path.read_bytes()).hexdigest()
            )
    counts: dict[str, object] = {}
    with duckdb.connect(str(data_dir / "hubkg.duckdb"), read_only=True) as wh:
        tables = wh.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ? ORDER BY ALL",
            [list(SCHEMAS)],
        ).fetchall()
        # `<model>__history` and `history__snapshots` store the served views' rows as intervals: what readers
        # see is the view of the same name, counted here like the table it was.
        for schema, table in (t for t in tables if "__" not in t[1]):
            counts[f"{schema}.{table}"] = wh.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
    return {"files": files, "row_counts": counts}


def compare(before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]) -> list[str]:
    differences = []
    for part in ("files", "row_counts"):
        for key in sorted(set(before[part]) | set(after[part])):
            old, new = before[part].get(key), after[part].get(key)
            if old != new:
                differences.append(f"{part}: {key}: {old} -> {new}")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path, help="the demo's data directory")
    parser.add_argument("--compare", type=Path, help="a fingerprint written before; print the differences")
    args = parser.parse_args()
    now = fingerprint(args.data_dir)
    if args.compare is None:
        json.dump(now, sys.stdout, indent=1, sort_keys=True)
        return 0
    differences = compare(json.loads(args.compare.read_text()), now)
    print(f"{len(now['files'])} data files, {len(now['row_counts'])} tables compared; {len(differences)} differ")
    for line in differences:
        print("  " + line)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
