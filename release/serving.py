"""The serving copy: a read-only database holding the last build that passed its gates.

DuckDB allows one writer per file and a reader of the build file would see half-built tables, so readers never
open it. After a build passes its gates the published layers (tables, and the views and as-of macros over the kg
history) are copied into a new file that replaces the serving file with one atomic rename: a query that is
running keeps reading the old file, the next one sees the new build, and no query ever waits for a run (or makes
a run wait).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# Layers people query; raw JSON, staging and intermediate tables stay in the build database.
SERVED_SCHEMAS = ("kg", "lineage", "atlas", "benchmarks")


def serving_path(data_dir: Path) -> Path:
    return data_dir / "serving" / "hubkg.duckdb"


def refresh_serving_copy(con: duckdb.DuckDBPyConnection, data_dir: Path, run_id: str) -> dict[str, int]:
    """Copy the served schemas of the build into a fresh file and swap it in; returns rows per table."""
    target = serving_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{run_id}")
    staging.unlink(missing_ok=True)
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        f"WHERE table_type = 'BASE TABLE' AND table_schema IN {SERVED_SCHEMAS} AND table_catalog = current_database() "
        "ORDER BY ALL"
    ).fetchall()
    counts: dict[str, int] = {}
    con.execute(f"ATTACH '{staging}' AS serving_copy")
    try:
        for schema in sorted({s for s, _ in tables}):
            con.execute(f"CREATE SCHEMA serving_copy.{schema}")
        for schema, table in tables:
            con.execute(f"CREATE TABLE serving_copy.{schema}.{table} AS SELECT * FROM {schema}.{table}")
            counts[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM serving_copy.{schema}.{table}").fetchone()[
                0
            ]
    finally:
        con.execute("DETACH serving_copy")
    _copy_views_and_macros(con, staging)
    os.replace(staging, target)
    return counts


def _copy_views_and_macros(con: duckdb.DuckDBPyConnection, copy: Path) -> None:
    """The served views (`kg.<model>`: the latest snapshot of an interval history) and table macros
    (`kg.<model>__as_of(d)`) re-created in the copy from the build's catalog; they name no database, so they
    resolve inside the copy."""
    in_build = f"schema_name IN {SERVED_SCHEMAS} AND database_name = current_database() AND NOT internal"
    views = con.execute(f"SELECT sql FROM duckdb_views() WHERE {in_build} ORDER BY view_name").fetchall()
    macros = con.execute(
        "SELECT DISTINCT schema_name, function_name, parameters, macro_definition FROM duckdb_functions() "
        f"WHERE function_type = 'table_macro' AND {in_build} ORDER BY ALL"
    ).fetchall()
    with duckdb.connect(str(copy)) as served:
        for (sql,) in views:
            served.execute(sql)
        for schema, name, parameters, definition in macros:
            served.execute(f"CREATE MACRO {schema}.{name}({', '.join(parameters)}) AS TABLE {definition}")


def query(sql: str, data_dir: Path) -> duckdb.DuckDBPyRelation:
    """Run `sql` on the serving copy (read-only)."""
    path = serving_path(data_dir)
    if not path.exists():
        raise FileNotFoundError(f"no serving copy at {path}: run the pipeline (make demo) first")
    return duckdb.connect(str(path), read_only=True).sql(sql)
