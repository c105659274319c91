"""Row-for-row comparison of every built table of two warehouses, to show a change to the models changed no rows.

    .venv/bin/python perf/compare_builds.py <before.duckdb> <after.duckdb>

Every base table outside `raw` (staging, intermediate, marts and their history tables) is compared with EXCEPT ALL
both ways; columns that hold wall-clock readings are left out. Exits 1 when a table differs or exists in one only.
"""

import sys

import duckdb
from output_fingerprint import VOLATILE_COLUMNS

# Also the history tables' bookkeeping times.
VOLATILE = VOLATILE_COLUMNS | {"applied_at", "updated_at"}
TABLES = "select schema_name, table_name from duckdb_tables() where database_name = ? and schema_name <> 'raw'"
COLUMNS = "select column_name from duckdb_columns() where database_name = 'a' and schema_name = ? and table_name = ?"


def differing(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> tuple[int, int]:
    """(rows only in a, rows only in b) of one table."""
    columns = [row[0] for row in con.execute(COLUMNS, [schema, table]).fetchall()]
    select = ", ".join(f'"{c}"' for c in columns if c not in VOLATILE) or "1"
    a, b = (f'select {select} from {db}.{schema}."{table}"' for db in ("a", "b"))
    only_a = con.execute(f"select count(*) from ({a} except all {b})").fetchone()
    only_b = con.execute(f"select count(*) from ({b} except all {a})").fetchone()
    return (only_a[0] if only_a else 0, only_b[0] if only_b else 0)


def main() -> int:
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [sys.argv[1]])
    con.execute("ATTACH ? AS b (READ_ONLY)", [sys.argv[2]])
    in_a, in_b = (set(con.execute(TABLES, [db]).fetchall()) for db in ("a", "b"))
    print(f"tables only in a: {sorted(in_a - in_b)}; only in b: {sorted(in_b - in_a)}")
    differ = 0
    for schema, table in sorted(in_a & in_b):
        only_a, only_b = differing(con, schema, table)
        if only_a or only_b:
            differ += 1
            print(f"DIFF {schema}.{table}: {only_a} rows only in a, {only_b} only in b")
    print(f"{len(in_a & in_b)} tables compared, {differ} differ")
    return 1 if differ or in_a != in_b else 0


if __name__ == "__main__":
    sys.exit(main())
