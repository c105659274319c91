"""The built graph equals the world's ground truth: nodes, the 30 relations, lineage by form, dangling edges,
history and changes between snapshots, and the exported files."""

import json
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from assets.exports import NODE_TABLES, RELATIONS
from crawler import store
from tests.kg.conftest import FIRST, SECOND, Build
from tests.support import insert_raw, run_dbt

LINEAGE = ("model_adapter_model", "model_finetune_model", "model_merge_model", "model_quantized_model")
NODE_TYPE_OF_TABLE = dict(
    zip(NODE_TABLES, ("task", "model", "dataset", "space", "paper", "collection", "user", "organization"), strict=True)
)


def lineage_truth(build: Build) -> list[dict]:
    path = build.world / "truth" / "lineage.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_counts_match(build: Build, snapshot: str) -> None:
    counts = build.truth["counts"]
    nodes = dict(build.sql("SELECT node_type, count(*) FROM kg.kg_nodes__as_of(?) GROUP BY 1", [snapshot]))
    assert nodes == counts["nodes"]
    edges = dict(build.sql("SELECT relation, count(*) FROM kg.kg_edges__as_of(?) GROUP BY 1", [snapshot]))
    assert {r: edges.get(r, 0) for r in RELATIONS} == {r: counts["relations"].get(r, 0) for r in RELATIONS}
    dangling = build.sql("SELECT relation, count(*) FROM kg.kg_dangling_edges__as_of(?) GROUP BY 1", [snapshot])
    assert dict(dangling) == counts["dangling"]
    for table in NODE_TABLES:  # each entity table agrees with kg_nodes
        (n,) = build.sql(f"SELECT count(*) FROM kg.{table}__as_of(?)", [snapshot])[0]
        assert n == counts["nodes"][NODE_TYPE_OF_TABLE[table]], table
    for relation in RELATIONS:  # and each relation table with kg_edges
        (n,) = build.sql(f'SELECT count(*) FROM kg."{relation}__as_of"(?)', [snapshot])[0]
        assert n == counts["relations"].get(relation, 0), relation


def assert_lineage_by_form(build: Build, snapshot: str) -> None:
    """Every stated lineage edge lands in its relation table (or as dangling) with the truth's strongest form."""
    built = {
        (base, derived): (relation, source)
        for relation in LINEAGE
        for base, derived, source in build.sql(
            f'SELECT base_model_id, model_id, lineage_source FROM kg."{relation}__as_of"(?)', [snapshot]
        )
    }
    dangling = {
        (head, tail): (relation, source)
        for head, relation, tail, source in build.sql(
            "SELECT head, relation, tail, lineage_source FROM kg.kg_dangling_edges__as_of(?) "
            "WHERE lineage_source IS NOT NULL",
            [snapshot],
        )
    }
    truth = lineage_truth(build)
    for edge in truth:
        found = (dangling if edge["dangling"] else built).get((edge["base"], edge["derived"]))
        assert found == (f"model_{edge['relation']}_model", edge["source"]), edge
    assert len(built) + len(dangling) == len(truth)


def test_generated_world_counts_equal_truth(generated_builds) -> None:
    first, _, _ = generated_builds
    assert first.run.result.success
    assert_counts_match(first, FIRST)


def test_generated_world_lineage_every_form(generated_builds) -> None:
    first, _, _ = generated_builds
    forms = Counter(edge["source"] for edge in lineage_truth(first))
    assert set(forms) == {"tag3", "tag2", "cardData", "baseModels"}  # the world exercises every form
    # intermediate tables hold the last build only (the mutation keeps every lineage statement)
    inferred = first.sql("SELECT count(*) FROM intermediate.int_model_lineage WHERE NOT relation_stated")
    assert inferred[0][0] > 0
    assert_lineage_by_form(first, FIRST)


def test_sample_world_counts_and_lineage(sample_build) -> None:
    assert sample_build.run.result.success
    assert_counts_match(sample_build, FIRST)
    assert_lineage_by_form(sample_build, FIRST)


def test_recorded_bodies_give_the_lineage_their_tags_and_cards_state(sample_build) -> None:
    recorded = set(sample_build.truth["recorded"]["models"])
    stated = {(e["base"], e["derived"], e["relation"]) for e in lineage_truth(sample_build) if e["derived"] in recorded}
    assert stated, "the sample world embeds recorded derived models"
    built = sample_build.sql(
        "SELECT base_model_id, model_id, relation FROM intermediate.int_model_lineage WHERE model_id IN "
        "(SELECT unnest(?::varchar[]))",
        [sorted(recorded)],
    )
    assert set(built) == stated
    # Llama-3.1-8B-Instruct: the tag names the current base, the card still the pre-rename one; both are kept.
    sources = dict(
        sample_build.sql(
            "SELECT base_model_id, source FROM intermediate.int_model_lineage "
            "WHERE model_id = 'meta-llama/Llama-3.1-8B-Instruct'"
        )
    )
    assert sources == {"meta-llama/Llama-3.1-8B": "tag3", "meta-llama/Meta-Llama-3.1-8B": "cardData"}


def test_dangling_edges_carry_reasons(sample_build) -> None:
    reasons = dict(
        ((relation, reason), n)
        for relation, reason, n in sample_build.sql(
            "SELECT relation, reason, count(*) FROM kg.kg_dangling_edges GROUP BY ALL"
        )
    )
    by_relation = Counter()
    for (relation, reason), n in reasons.items():
        by_relation[relation] += n
        expected = {
            "model_cite_paper": "paper not found (404)",
            "dataset_cite_paper": "paper not found (404)",
            "collection_contain_paper": "paper not found (404)",
            "model_trainedOrFineTunedOn_dataset": "dataset not in snapshot",
            "space_use_dataset": "dataset not in snapshot",
            "collection_contain_dataset": "dataset not in snapshot",
            "space_use_model": "model not in snapshot",
            "collection_contain_model": "model not in snapshot",
            "collection_contain_space": "space not in snapshot",
        }.get(relation, "base model not in snapshot")
        assert reason == expected, relation
    assert dict(by_relation) == sample_build.truth["counts"]["dangling"]
    overlap = sample_build.sql(
        "SELECT count(*) FROM kg.kg_dangling_edges d JOIN kg.kg_edges e USING (head, relation, tail, snapshot_date)"
    )
    assert overlap[0][0] == 0


def test_dbt_tests_passed(sample_build, generated_builds) -> None:
    for build in (sample_build, *generated_builds[:2]):
        failed = [name for name, check in build.run.checks().items() if not check.passed and name != "ge_kg_models"]
        assert not failed


def test_history_and_changes(generated_builds) -> None:
    first, second, mutation = generated_builds
    # Both snapshots are kept as intervals; kg.kg_nodes shows the second, the truth of the mutated world.
    snapshots = second.sql("SELECT snapshot_date::varchar FROM kg.kg_nodes__snapshots")
    assert sorted(s for (s,) in snapshots) == [FIRST, SECOND]
    assert second.sql("SELECT DISTINCT snapshot_date::varchar FROM kg.kg_nodes") == [(SECOND,)]
    assert_counts_match(first, FIRST)
    # The dropped model's row is closed, not erased; the added one opens; the changed one (a download count)
    # keeps its row, and its counters get a second row in the narrow counters table.
    intervals = dict(
        second.sql(
            "SELECT id, list((valid_from::varchar, valid_to::varchar) ORDER BY valid_from) FROM kg.models__history "
            "WHERE id IN (?, ?, ?) GROUP BY id",
            [mutation.added, mutation.dropped, mutation.changed],
        )
    )
    assert intervals[mutation.dropped] == [(FIRST, SECOND)]
    assert intervals[mutation.changed] == [(FIRST, None)]
    (counted,) = second.sql(
        "SELECT list((c.snapshot_date::varchar, c.valid_to::varchar) ORDER BY c.snapshot_date) "
        "FROM kg.models__counters AS c JOIN kg.models__history AS h USING (row_hash) WHERE h.id = ?",
        [mutation.changed],
    )[0]
    assert counted == [(FIRST, SECOND), (SECOND, None)]  # each counters row holds until the next
    downloads = second.sql(
        "SELECT (SELECT downloads FROM kg.models__as_of($1::DATE) WHERE id = $3), "
        "(SELECT downloads FROM kg.models__as_of($2::DATE) WHERE id = $3)",
        [FIRST, SECOND, mutation.changed],
    )[0]
    assert downloads[1] == downloads[0] + 1000
    assert intervals[mutation.added] == [(SECOND, None)]
    # A day writes only what changed: the rows the second snapshot opened or closed, not a copy of the graph.
    (written,) = second.sql(
        f"SELECT count(*) FROM kg.kg_nodes__history WHERE valid_from = '{SECOND}' OR valid_to = '{SECOND}'"
    )[0]
    assert written <= 2 * 3
    changes = second.sql(
        "SELECT change, node_id FROM kg.kg_changes WHERE element = 'node' AND snapshot_date = ? "
        "AND previous_snapshot_date = ?",
        [SECOND, FIRST],
    )
    assert sorted(changes) == sorted(
        [("added", mutation.added), ("removed", mutation.dropped), ("changed", mutation.changed)]
    )
    edge_changes = second.sql(
        "SELECT change, relation, head, tail FROM kg.kg_changes WHERE element = 'edge' AND snapshot_date = ?", [SECOND]
    )
    assert edge_changes and {c for c, *_ in edge_changes} == {"added", "removed"}
    assert all(mutation.added in (h, t) for c, _, h, t in edge_changes if c == "added")
    assert all(mutation.dropped in (h, t) for c, _, h, t in edge_changes if c == "removed")
    assert not first.sql("SELECT * FROM kg.kg_changes WHERE snapshot_date = ?", [FIRST])


def test_rebuilding_a_snapshot_replaces_it(generated_builds, tmp_path) -> None:
    _, second, _ = generated_builds
    history = "SELECT valid_from, valid_to, count(*) FROM kg.kg_edges__history GROUP BY ALL ORDER BY ALL"
    before = second.sql(history)
    run_dbt("run", second.run.settings.warehouse_path, tmp_path, "kg")  # the latest snapshot, again
    assert second.sql(history) == before


def warehouse_copy(build: Build, folder: Path) -> Path:
    copy = folder / "hubkg.duckdb"
    shutil.copyfile(build.run.settings.warehouse_path, copy)
    return copy


def snapshot_rows(warehouse: Path, table: str) -> list[tuple]:
    """(snapshot, rows) of `table` as of each snapshot the history holds."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        days = con.execute(f"SELECT snapshot_date FROM {table}__snapshots ORDER BY 1").fetchall()
        return [
            (str(day), con.execute(f"SELECT count(*) FROM {table}__as_of(?)", [day]).fetchone()[0]) for (day,) in days
        ]


def test_a_full_refresh_is_refused_and_every_snapshot_kept(generated_builds, tmp_path) -> None:
    warehouse = warehouse_copy(generated_builds[1], tmp_path)
    before = snapshot_rows(warehouse, "kg.models")
    assert [s for s, _ in before] == [FIRST, SECOND]
    run_dbt("run", warehouse, tmp_path, "kg.entities.models")  # the same model rebuilds without the flag
    with pytest.raises(subprocess.CalledProcessError):
        run_dbt("run", warehouse, tmp_path, "kg.entities.models", flags=("--full-refresh",))
    assert snapshot_rows(warehouse, "kg.models") == before


def test_a_mart_refuses_staging_of_another_snapshot(generated_builds, tmp_path) -> None:
    """Staging holds the last build's snapshot: a mart built alone for the other day stops, and writes nothing."""
    warehouse = warehouse_copy(generated_builds[1], tmp_path)
    before = snapshot_rows(warehouse, "kg.models")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_dbt("run", warehouse, tmp_path, "kg.entities.models", {"snapshot_date": FIRST})
    assert f"is built for snapshot {FIRST}, but " in refused.value.stdout
    assert f"stg_models holds {SECOND}" in refused.value.stdout
    assert snapshot_rows(warehouse, "kg.models") == before
    # With its staging it stops too: an older day would rewrite history, unless a rebuild is asked for.
    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_dbt("run", warehouse, tmp_path, "+kg.entities.models", {"snapshot_date": FIRST})
    assert "would rewrite history" in refused.value.stdout
    assert snapshot_rows(warehouse, "kg.models") == before
    run_dbt("run", warehouse, tmp_path, "+kg.entities.models", {"snapshot_date": FIRST, "rebuild_history": True})
    assert snapshot_rows(warehouse, "kg.models") == before[:1]  # rebuilt from FIRST on: the later days go
    run_dbt("run", warehouse, tmp_path, "+kg.entities.models", {"snapshot_date": SECOND})  # and are rebuilt in order
    assert snapshot_rows(warehouse, "kg.models") == before


def test_a_day_the_raw_retention_forgot_is_not_rebuilt_into_nothing(generated_builds, tmp_path) -> None:
    """Rebuilding history from a day whose raw rows the raw retention forgot would replace that history with an
    empty snapshot: the build stops with a message and the kg history stays."""
    warehouse = warehouse_copy(generated_builds[1], tmp_path)
    before = snapshot_rows(warehouse, "kg.models")
    with duckdb.connect(str(warehouse)) as con:
        store.fold_history(con, "models")  # what the next crawl does when it opens the source
        store.forget_before(con, date.fromisoformat(SECOND))
        assert con.execute("SELECT count(*) FROM raw.models WHERE snapshot_date = ?", [FIRST]).fetchone() == (0,)
    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_dbt("run", warehouse, tmp_path, "+kg.entities.models", {"snapshot_date": FIRST, "rebuild_history": True})
    assert f"raw holds no snapshot {FIRST}" in refused.value.stdout
    assert snapshot_rows(warehouse, "kg.models") == before


def test_staging_keeps_the_latest_observation_of_a_key(generated_builds, tmp_path) -> None:
    """A key observed twice (a resumed crawl, a repo listed twice) keeps only its latest row in staging, whichever
    row the table holds first: an account (per-entity rows) and a model (listing rows, keyed by `_id`)."""
    warehouse = warehouse_copy(generated_builds[1], tmp_path)

    def copy(con: duckdb.DuckDBPyConnection, table: str, key: str, shift: str, field: str, value: str) -> None:
        con.execute(
            "SELECT * EXCLUDE (rowid, stored_body, counters) "
            f"REPLACE (observed_at {shift} INTERVAL 1 HOUR AS observed_at, "
            f"json_merge_patch(body, json_object('{field}', '{value}'))::VARCHAR AS body) "
            f"FROM raw.{table} WHERE snapshot_date = ? AND key = ?",
            [SECOND, key],
        )
        names = [d[0] for d in con.description]
        for row in con.fetchall():
            values = dict(zip(names, row, strict=True))
            head = {name: values.pop(name) for name in ("snapshot_date", "observed_at", "page") if name in values}
            insert_raw(con, table, head, **values)

    with duckdb.connect(str(warehouse)) as con:
        account, model = (
            con.execute(f"SELECT min(key) FROM raw.{table} WHERE snapshot_date = ?", [SECOND]).fetchone()[0]
            for table in ("principals", "models")
        )
        copy(con, "principals", account, "+", "fullname", "the later copy")
        copy(con, "models", model, "-", "sha", "the earlier copy")
    run_dbt("run", warehouse, tmp_path, "stg_principals stg_models", {"snapshot_date": SECOND})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        fullnames = con.execute("SELECT fullname FROM staging.stg_principals WHERE name = ?", [account]).fetchall()
        shas = con.execute("SELECT sha FROM staging.stg_models WHERE object_id = ?", [model]).fetchall()
        original = con.execute(
            "SELECT body->>'$.sha' FROM raw.models WHERE snapshot_date = ? AND key = ? "
            "ORDER BY observed_at DESC LIMIT 1",
            [SECOND, model],
        ).fetchall()
    assert fullnames == [("the later copy",)]  # the newer row of the account won, and it is the only one
    assert shas == original and shas != [("the earlier copy",)]  # the older copy of the model lost


def test_counters_of_the_earlier_layout_get_their_intervals(generated_builds, tmp_path) -> None:
    """Counters stored before they carried `valid_to` (each row then held until the row_hash's next one, found by
    searching every day's rows) get it on the next build; every snapshot reads back the same."""
    warehouse = warehouse_copy(generated_builds[1], tmp_path)
    with duckdb.connect(str(warehouse)) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%counters'"
            ).fetchall()
        ]
        assert "models__counters" in tables
        before = {(t, d): sorted(rows(con, t.removesuffix("__counters"), d)) for t in tables for d in (FIRST, SECOND)}
        intervals = {t: con.execute(f"SELECT * FROM kg.{t} ORDER BY ALL").fetchall() for t in tables}
        for table in tables:
            con.execute(f"ALTER TABLE kg.{table} DROP COLUMN valid_to")
    run_dbt("run", warehouse, tmp_path, "kg", {"snapshot_date": SECOND})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert {t: con.execute(f"SELECT * FROM kg.{t} ORDER BY ALL").fetchall() for t in tables} == intervals
        assert {key: sorted(rows(con, key[0].removesuffix("__counters"), key[1])) for key in before} == before


def rows(con: duckdb.DuckDBPyConnection, table: str, day: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM kg.{table}__as_of(?)", [day]).fetchall()


def test_mart_tests_check_the_snapshot_being_built(generated_builds, tmp_path) -> None:
    """A duplicate model in an older snapshot does not fail a build of the latest; one in the latest does."""
    warehouse = warehouse_copy(generated_builds[1], tmp_path)
    duplicate = (
        "INSERT INTO kg.models__history SELECT * REPLACE (?::DATE AS valid_from, ?::DATE AS valid_to) "
        "FROM kg.models__history WHERE valid_to IS NULL LIMIT 1"
    )
    with duckdb.connect(str(warehouse)) as con:
        con.execute(duplicate, [FIRST, SECOND])  # held by FIRST only
    run_dbt("test", warehouse, tmp_path, "kg.entities.models", {"snapshot_date": SECOND})
    with duckdb.connect(str(warehouse)) as con:
        con.execute(duplicate, [SECOND, None])  # held by the latest
    with pytest.raises(subprocess.CalledProcessError):
        run_dbt("test", warehouse, tmp_path, "kg.entities.models", {"snapshot_date": SECOND})


def test_exports_of_the_latest_snapshot(sample_build) -> None:
    folder = sample_build.data_dir / "exports" / FIRST
    lines = (folder / "triples.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(sample_build.truth["counts"]["relations"].values())
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert {line.split("\t")[1] for line in lines} <= set(RELATIONS)
    for table in NODE_TABLES:
        rows = pq.read_metadata(folder / "nodes" / f"{table}.parquet").num_rows
        assert rows == sample_build.truth["counts"]["nodes"][NODE_TYPE_OF_TABLE[table]]
    columns = pq.read_schema(folder / "relations" / "model_finetune_model.parquet").names
    assert columns[:2] == ["base_model_id", "model_id"]
    for relation in RELATIONS:
        rows = pq.read_metadata(folder / "relations" / f"{relation}.parquet").num_rows
        assert rows == sample_build.truth["counts"]["relations"].get(relation, 0), relation


def test_python_relation_list_matches_the_dbt_macro() -> None:
    macro = (Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "kg_relations.sql").read_text()
    assert tuple(re.findall(r"'name': '(\w+)'", macro)) == RELATIONS


@pytest.mark.parametrize("relation", ["model_finetune_model", "user_follow_user", "collection_contain_paper"])
def test_relation_tables_use_huggingkg_keys(sample_build, relation) -> None:
    keys = {
        "model_finetune_model": ["base_model_id", "model_id"],
        "user_follow_user": ["follower_id", "followee_id"],
        "collection_contain_paper": ["collection_slug", "paper_id"],
    }[relation]
    columns = [c for (c, *_) in sample_build.sql(f'DESCRIBE kg."{relation}"')]
    assert columns[:2] == keys and columns[-1] == "snapshot_date"


def test_a_warehouse_of_the_earlier_layout_migrates_every_snapshot(generated_builds, tmp_path) -> None:
    """A warehouse whose kg tables hold a full copy per snapshot (the earlier layout, kg_nodes and kg_edges
    included) converts on its next build: the marts to intervals, kg_nodes / kg_edges to views of them. Each of
    three snapshots reads back as it was, including a row that leaves and comes back."""
    warehouse = warehouse_copy(generated_builds[1], tmp_path)
    earliest = "2026-10-25"  # a copy of the second snapshot, so what changed between them leaves and comes back
    with duckdb.connect(str(warehouse)) as con:
        # the marts' interval tables, and kg_nodes / kg_edges, views of them (then full copies too)
        models = [
            (t.removesuffix("__snapshots"), kind)
            for t, kind in con.execute(
                "SELECT table_name, table_type FROM information_schema.tables "
                "WHERE table_name LIKE '%\\_\\_snapshots' ESCAPE '\\'"
            ).fetchall()
        ]
        assert {m for m, kind in models if kind == "VIEW"} == {"kg_nodes", "kg_edges"}
        for model, _ in models:
            con.execute(
                f'CREATE TABLE kg."{model}__copies" AS '
                f"SELECT * REPLACE (DATE '{earliest}' AS snapshot_date) FROM kg.\"{model}__as_of\"(DATE '{SECOND}') "
                f"UNION ALL SELECT * FROM kg.\"{model}__as_of\"(DATE '{FIRST}') "
                f"UNION ALL SELECT * FROM kg.\"{model}__as_of\"(DATE '{SECOND}')"
            )
        # the change log, stored per snapshot then
        log = "SELECT * FROM kg.kg_changes ORDER BY ALL"
        stored_log = con.execute(log).fetchall()
        con.execute("CREATE TABLE kg.kg_changes__copies AS SELECT * FROM kg.kg_changes; DROP VIEW kg.kg_changes")
        con.execute("ALTER TABLE kg.kg_changes__copies RENAME TO kg_changes")
        for model, kind in models:
            stored = "VIEW" if kind == "VIEW" else "TABLE"
            con.execute(f'DROP VIEW kg."{model}"; DROP MACRO TABLE kg."{model}__as_of"')
            con.execute(f'DROP {stored} kg."{model}__history"; ALTER TABLE kg."{model}__copies" RENAME TO "{model}"')
            con.execute(f'DROP {stored} kg."{model}__snapshots"; DROP TABLE IF EXISTS kg."{model}__counters"')
        models = [m for m, _ in models]

        def copies(model: str, day: str) -> list[str]:
            rows = con.execute(f'SELECT * FROM kg."{model}" WHERE snapshot_date = ?', [day]).fetchall()
            return sorted(map(repr, rows))

        before = {(m, d): copies(m, d) for m in models for d in (earliest, FIRST, SECOND)}
    assert before[("models", earliest)] != before[("models", FIRST)]
    run_dbt("run", warehouse, tmp_path, "kg", {"snapshot_date": SECOND})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for (model, day), rows in before.items():
            after = con.execute(f'SELECT * FROM kg."{model}__as_of"(?)', [day]).fetchall()
            assert sorted(map(repr, after)) == rows, (model, day)
        # The added model was held on the earliest day, gone on the first, back on the second: two intervals.
        added = generated_builds[2].added
        spans = con.execute(
            "SELECT valid_from::varchar, valid_to::varchar FROM kg.models__history WHERE id = ?", [added]
        )
        assert sorted(spans.fetchall()) == [(earliest, FIRST), (SECOND, None)]
        # The change log is a view again, and says of SECOND what the stored one did (FIRST now has changes too:
        # against the earliest day)
        kind = "SELECT table_type FROM information_schema.tables WHERE table_name = 'kg_changes'"
        assert con.execute(kind).fetchall() == [("VIEW",)]
        assert stored_log and [r for r in con.execute(log).fetchall() if str(r[-1]) == SECOND] == stored_log
