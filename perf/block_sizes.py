"""What a DuckDB file's tables take at each block size: every table copied into a fresh file per block size, then
its bytes (blocks × block size) and bytes per row printed, largest tables first.

    .venv/bin/python perf/block_sizes.py DATA/serving/hubkg.duckdb [--block-sizes 16384 65536 262144] [--top 20]

DuckDB 2.0 compresses integers and timestamps (bit-packing) only in blocks of 64 KiB or more, while every table
takes at least a block per column: small blocks suit many small tables, large ones large tables. This shows where
a given file stands.
"""

import argparse
import tempfile
from pathlib import Path

import duckdb


def table_bytes(path: Path, block_size: int) -> dict[str, tuple[int, int]]:
    """Rows and bytes of each table of `path` once copied into a fresh file with `block_size` blocks."""
    with tempfile.TemporaryDirectory() as tmp, duckdb.connect() as con:
        copy = Path(tmp) / "copy.duckdb"
        con.execute(f"ATTACH '{path}' AS source (READ_ONLY)")
        con.execute(f"ATTACH '{copy}' AS copy (BLOCK_SIZE {block_size})")
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'source' ORDER BY ALL"
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            con.execute(f'CREATE SCHEMA IF NOT EXISTS copy."{schema}"')
        for schema, table in tables:
            con.execute(f'CREATE TABLE copy."{schema}"."{table}" AS SELECT * FROM source."{schema}"."{table}"')
        con.execute("CHECKPOINT copy")
        sizes = {}
        for schema, table in tables:
            name = f'copy."{schema}"."{table}"'
            (rows,) = con.execute(f"SELECT count(*) FROM {name}").fetchone() or (0,)
            (blocks,) = con.execute(
                f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{name}') WHERE persistent AND block_id >= 0"
            ).fetchone() or (0,)
            sizes[f"{schema}.{table}"] = (int(rows), int(blocks) * block_size)
        sizes["(whole file)"] = (sum(r for r, _ in sizes.values()), copy.stat().st_size)
        return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", type=Path)
    parser.add_argument("--block-sizes", type=int, nargs="+", default=[16384, 65536, 262144])
    parser.add_argument("--top", type=int, default=20, help="tables shown, largest first")
    args = parser.parse_args()
    by_size = {size: table_bytes(args.database, size) for size in args.block_sizes}
    first = by_size[args.block_sizes[0]]
    shown = sorted(first, key=lambda t: (t != "(whole file)", -first[t][1]))[: args.top + 1]
    heads = " | ".join(f"{s // 1024} KiB: MB | B/row" for s in args.block_sizes)
    print(f"| table | rows | {heads} |")
    print("|---|---|" + "---|---|" * len(args.block_sizes))
    for table in shown:
        rows = first[table][0]
        cells = " | ".join(
            f"{by_size[s][table][1] / 1e6:,.1f} | {by_size[s][table][1] / max(rows, 1):,.1f}" for s in args.block_sizes
        )
        print(f"| {table} | {rows:,} | {cells} |")


if __name__ == "__main__":
    main()
