"""Before/after of two issue-28 dbt changes, as plain DuckDB SQL on a warehouse's raw rows (in memory, read-only).

    .venv/bin/python perf/dbt_ab_28.py <warehouse.duckdb>

rec_interactions' k-core (25 rounds of two windows) over the like rows vs over two integer keys, and int_repo_tags'
dedup on six columns vs on the tag. Likes come from raw.likers (no like times), tags from the raw repo bodies, so
the inputs approximate the staging tables. Prints rows, rows differing between old and new (must be 0) and the
best of three timings.
"""

import sys
import time

import duckdb

REPO_TYPE = "rtrim(split_part(key, '/', 1), 's')"
LIKES = f"""create table likes as select body ->> '$.user' as user_id,
    {REPO_TYPE} || ':' || substr(key, strpos(key, '/') + 1) as item_id, {REPO_TYPE} as item_type,
    null::timestamptz as liked_at from w.raw.likers"""
TAGS = "create table tags as " + " union all ".join(
    f"select snapshot_date, '{t}' as repo_type, id as repo_id, "
    f"unnest(from_json(body -> '$.tags', '[\"VARCHAR\"]')) as tag from w.raw.{t}s"
    for t in ("model", "dataset", "space")
)


def rounds(source: str, user: str, item: str, n: int = 25) -> str:
    parts = [f"core_0 as (select * from {source})"]
    for k in range(1, n + 1):
        parts.append(
            f"core_{k} as (select * from core_{k - 1} qualify count(*) over (partition by {user}) >= 5 "
            f"and count(*) over (partition by {item}) >= 5)"
        )
    return ",\n".join(parts)


OLD_CORE = f"with {rounds('likes', 'user_id', 'item_id')} select * from core_25"
NEW_CORE = (
    "with keyed as (select *, dense_rank() over (order by user_id) as user_key, "
    "dense_rank() over (order by item_id) as item_key from likes), "
    + rounds("(select user_key, item_key from keyed)", "user_key", "item_key")
    + ", core as (select k.user_id, k.item_id, k.item_type, k.liked_at from keyed as k "
    "semi join core_25 as c using (user_key, item_key)) select * from core"
)
TAG_COLUMNS = "snapshot_date, repo_type, repo_id, split_part(tag, ':', 1) as prefix, "
TAG_COLUMNS += "substr(tag, strpos(tag, ':') + 1) as value, tag"
OLD_TAGS = f"select distinct {TAG_COLUMNS} from tags where strpos(tag, ':') > 1"
NEW_TAGS = f"select {TAG_COLUMNS} from (select distinct snapshot_date, repo_type, repo_id, tag from tags "
NEW_TAGS += "where strpos(tag, ':') > 1)"


def compare(con: duckdb.DuckDBPyConnection, name: str, old: str, new: str) -> None:
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(3):
        for label, sql in (("old", old), ("new", new)):
            started = time.monotonic()
            con.execute(f"create or replace table r_{label} as {sql}")
            times[label].append(time.monotonic() - started)
    only_old = con.execute("select count(*) from (from r_old except all from r_new)").fetchone()
    only_new = con.execute("select count(*) from (from r_new except all from r_old)").fetchone()
    rows = con.execute("select count(*) from r_old").fetchone()
    best = {label: min(t) for label, t in times.items()}
    print(f"{name}: {rows}, differing {only_old}/{only_new}; old {best['old']:.2f} s, new {best['new']:.2f} s")
    print(f"  all runs: {times}")


def main() -> int:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"ATTACH '{sys.argv[1]}' AS w (READ_ONLY)")
    con.execute(LIKES)
    con.execute(TAGS)
    compare(con, "k-core (rec_interactions)", OLD_CORE, NEW_CORE)
    compare(con, "tag dedup (int_repo_tags)", OLD_TAGS, NEW_TAGS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
