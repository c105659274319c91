"""The demo's release as its users load it: every config of both published repos, on the sample world's
snapshot, through the Hub API (the emulator at HF_ENDPOINT, repo id + config + snapshot tag) and from the
downloaded folder, with `datasets.load_dataset` in a fresh process; then the card's "How to load" snippets."""

import json

from hub_emulator.server import HubEmulator
from tests.consumer import consume
from tests.kg.conftest import FIRST, SAMPLE_WORLD, Build


def test_every_config_of_both_repos_loads_with_datasets_and_the_card_snippets_run(
    sample_build: Build, tmp_path
) -> None:
    storage = sample_build.data_dir.parent / f"storage-{FIRST}"  # where the run published (see _build)
    with HubEmulator(SAMPLE_WORLD, storage) as hub:
        for name in ("hubkg-graph", "hubkg-benchmarks"):
            release = sample_build.data_dir / "releases" / name / FIRST
            manifest = json.loads((release / "release.json").read_text(encoding="utf-8"))
            loaded = consume(hub.url, f"hubkg/{name}", f"snapshot-{FIRST}", tmp_path / name)
            assert set(loaded["configs"]) == set(manifest["tables"])
            for config, table in manifest["tables"].items():
                got = loaded["configs"][config]
                assert got["hub"] == got["folder"] == table["rows"], config
                assert got["columns"] == [column for column, _ in table["columns"]], config
                assert got["streamed"] == (sum(table["rows"].values()) == 0), config
            # datasets, pandas, DuckDB (and, with an empty config, its streaming load): each printed its result
            assert len(loaded["snippets"]) >= 3 and all(loaded["snippets"])
