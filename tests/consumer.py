"""What a user of a published release runs, in a fresh process, as `python -m tests.consumer <repo_id> <revision>`
with `HF_ENDPOINT` set (huggingface_hub and datasets read it when they are imported, as they do for a user).

Loads every config of the repo's `release.json` with `datasets.load_dataset` through the Hub API (repo id, config
name, revision) and from the downloaded folder, then runs the Python snippets of the card's "How to load"
section. Prints one JSON object: {"configs": {config: {"hub": {split: rows}, "folder": {split: rows}, "columns":
[...], "streamed": bool}}, "snippets": [stdout of each snippet]}.
"""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def consume(endpoint: str, repo_id: str, revision: str, home: Path) -> dict[str, Any]:
    """Run this module as a user would, against the Hub at `endpoint`, with its own empty caches under `home`."""
    env = {**os.environ, "HF_ENDPOINT": endpoint, "HF_HOME": str(home), "HF_DATASETS_CACHE": str(home / "datasets")}
    result = subprocess.run(
        [sys.executable, "-m", "tests.consumer", repo_id, revision],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _rows(dataset: Any) -> tuple[dict[str, int], list[str]]:
    """Rows per split and the columns of a DatasetDict or IterableDatasetDict (streamed: counted by iterating)."""
    rows = {
        split: part.num_rows if hasattr(part, "num_rows") else sum(1 for _ in part) for split, part in dataset.items()
    }
    columns = list(next(iter(dataset.values())).features)
    return rows, columns


def load_config(source: str, config: str, revision: str | None, empty: bool) -> tuple[dict[str, int], list[str]]:
    from datasets import load_dataset

    options = {"revision": revision} if revision else {}
    # datasets refuses to build a split with 0 rows; the card tells users to stream such a config.
    return _rows(load_dataset(source, config, streaming=empty, **options))


def snippets(card: str) -> list[str]:
    """Run each ```python block of the card's "How to load" section; their printed output."""
    section = card.split("## How to load", 1)[1].split("\n## ", 1)[0]
    outputs = []
    for code in re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "<card snippet>", "exec"), {})  # noqa: S102 - the card's own snippets, by design
        outputs.append(printed.getvalue())
    return outputs


def main(repo_id: str, revision: str) -> dict[str, Any]:
    from huggingface_hub import snapshot_download

    folder = Path(snapshot_download(repo_id, repo_type="dataset", revision=revision))
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    configs = {}
    for config, table in manifest["tables"].items():
        empty = sum(table["rows"].values()) == 0
        hub_rows, columns = load_config(repo_id, config, revision, empty)
        folder_rows, _ = load_config(str(folder), config, None, empty)
        configs[config] = {"hub": hub_rows, "folder": folder_rows, "columns": columns, "streamed": empty}
    return {"configs": configs, "snippets": snippets((folder / "README.md").read_text(encoding="utf-8"))}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
