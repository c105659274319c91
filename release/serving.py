"""The serving copy: a read-only database holding the last build that passed its gates.

DuckDB allows one writer per file and a reader of the build file would see half-built tables, so readers never
open it. After a build passes its gates the published layers (tables, and the views and as-of macros over the kg
history) are copied into a new file that replaces the serving file with one atomic rename: a query that is
running keeps reading the old file, the next one sees the new build, and no query ever waits for a run (or makes
a run wait).
"""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from release.blocks import BLOCK_SIZE, LARGE_BLOCK_SIZE, LARGE_FILE_ROWS
from release.sanitize import terminal_text

# Layers people query; raw JSON, staging and intermediate tables stay in the build database.
SERVED_SCHEMAS = ("kg", "lineage", "atlas", "benchmarks")
# Marts holding a full copy per snapshot (the kg keeps its history as intervals, served whole): the serving copy
# holds their latest snapshot only, so it grows with the kg's changes, not with the days kept.
PER_SNAPSHOT_SCHEMAS = ("atlas", "benchmarks")


def serving_path(data_dir: Path) -> Path:
    return data_dir / "serving" / "hubkg.duckdb"


def refresh_serving_copy(con: duckdb.DuckDBPyConnection, data_dir: Path, run_id: str) -> dict[str, int]:
    """Copy the served schemas of the build into a fresh file and swap it in; returns rows per table. The kg is
    copied whole (its interval history, counters and change log: what as-of queries read), the per-snapshot marts
    at their latest snapshot."""
    target = serving_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{run_id}")
    staging.unlink(missing_ok=True)
    tables = con.execute(
        "SELECT table_schema, table_name, EXISTS (SELECT 1 FROM information_schema.columns AS c "
        "WHERE c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema "
        "AND c.table_name = t.table_name AND c.column_name = 'snapshot_date') FROM information_schema.tables AS t "
        f"WHERE table_type = 'BASE TABLE' AND table_schema IN {SERVED_SCHEMAS} AND table_catalog = current_database() "
        "ORDER BY ALL"
    ).fetchall()
    # A mart with a full copy per snapshot serves its latest one; older ones are the releases' tags.
    copied = {
        f"{schema}.{table}": (
            f"WHERE snapshot_date = (SELECT max(snapshot_date) FROM {schema}.{table})"
            if dated and schema in PER_SNAPSHOT_SCHEMAS
            else ""
        )
        for schema, table, dated in tables
    }
    counts = {
        name: int((con.execute(f"SELECT count(*) FROM {name} {where}").fetchone() or (0,))[0])
        for name, where in copied.items()
    }
    block_size = LARGE_BLOCK_SIZE if sum(counts.values()) >= LARGE_FILE_ROWS else BLOCK_SIZE
    con.execute(f"ATTACH '{staging}' AS serving_copy (BLOCK_SIZE {block_size})")
    try:
        for schema in sorted({s for s, _, _ in tables}):
            con.execute(f"CREATE SCHEMA serving_copy.{schema}")
        for name, where in copied.items():
            con.execute(f"CREATE TABLE serving_copy.{name} AS SELECT * FROM {name} {where}")
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
        # A view is bound when created, so one over another view (kg_changes over kg_nodes__history) waits for it:
        # each pass creates what it can, and a pass that creates nothing raises the first error.
        pending = [sql for (sql,) in views]
        while pending:
            waiting = []
            for sql in pending:
                try:
                    served.execute(sql)
                except duckdb.CatalogException:
                    waiting.append(sql)
            if len(waiting) == len(pending):
                served.execute(waiting[0])
            pending = waiting
        for schema, name, parameters, definition in macros:
            served.execute(f"CREATE MACRO {schema}.{name}({', '.join(parameters)}) AS TABLE {definition}")


class QueryRefused(Exception):
    """A query the sandbox will not run, or stopped: the message is one line meant for the user."""


@dataclass(frozen=True)
class QueryLimits:
    """What one `hubkg query` may cost."""

    timeout_seconds: float = 60.0
    max_rows: int = 10_000
    max_bytes: int = 16 * 1024 * 1024  # of the rendered output


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: str = ""  # why the output was cut ("" = complete)


# Only reads: everything else (COPY, EXPORT, ATTACH, SET, PRAGMA, INSTALL, LOAD, CREATE …) is refused up front.
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# The connection itself cannot touch anything but its own file, nor be reconfigured by the query.
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


def _statement(sql: str) -> str:
    """The one read-only statement of `sql`, or `QueryRefused` saying why not."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(_one_line(exc)) from exc
    if len(statements) != 1:
        raise QueryRefused(f"one statement per query, got {len(statements)}")
    kind = statements[0].type
    if kind not in _ALLOWED:
        name = kind.name.replace("_STATEMENT", "")
        raise QueryRefused(f"{name} is not allowed: queries are read-only (SELECT, WITH … SELECT, EXPLAIN)")
    return statements[0].query


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise QueryRefused(f"no serving copy at {path}: run the pipeline (make demo) first")
    return duckdb.connect(str(path), read_only=True, config=dict(SANDBOX_CONFIG))


def query(sql: str, data_dir: Path, limits: QueryLimits = QueryLimits()) -> QueryResult:
    """Run one read-only statement on the serving copy inside the sandbox: no file, network or extension access,
    no configuration change, a watchdog that interrupts it after `timeout_seconds`, at most `max_rows` rows.
    Every refusal or failure is a `QueryRefused` with a one-line reason."""
    statement = _statement(sql)
    con = _connect(serving_path(data_dir))
    watchdog = threading.Timer(limits.timeout_seconds, con.interrupt)  # DuckDB has no statement timeout setting
    watchdog.start()
    try:
        cursor = con.execute(statement)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchmany(limits.max_rows + 1)
    except duckdb.InterruptException as exc:
        raise QueryRefused(f"query stopped after the {limits.timeout_seconds:g} s time limit") from exc
    except duckdb.PermissionException as exc:
        raise QueryRefused(f"file, network and extension access is disabled for queries ({_one_line(exc)})") from exc
    except duckdb.Error as exc:
        raise QueryRefused(_one_line(exc)) from exc
    finally:
        watchdog.cancel()
        con.close()
    truncated = f"output cut at {limits.max_rows:,} rows" if len(rows) > limits.max_rows else ""
    return QueryResult(columns, rows[: limits.max_rows], truncated)


def _cell(value: Any) -> Any:
    """JSON-ready cell; text escaped for the terminal (control and bidi characters shown, never acted on)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return terminal_text(value if isinstance(value, str) else str(value))


def render(result: QueryResult, output: str, max_bytes: int = QueryLimits.max_bytes) -> str:
    """`result` as an aligned table, CSV or JSON; every text cell escaped, the whole cut at `max_bytes`."""
    rows = [[_cell(v) for v in row] for row in result.rows]
    if output == "json":
        text = json.dumps([dict(zip(result.columns, row, strict=True)) for row in rows], ensure_ascii=False)
    elif output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([terminal_text(c) for c in result.columns])
        writer.writerows(rows)
        text = buffer.getvalue().rstrip("\n")
    else:
        text = _table(
            [terminal_text(c) for c in result.columns], [["NULL" if v is None else str(v) for v in r] for r in rows]
        )
    note = result.truncated
    if len(text.encode("utf-8")) > max_bytes:
        text = text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
        note = f"output cut at {max_bytes:,} bytes"
    return f"{text}\n({note})" if note and output == "table" else text


def _table(columns: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"({len(rows):,} rows)")
    return "\n".join(lines)
