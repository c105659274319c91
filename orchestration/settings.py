"""One settings object, read from the environment.

Everything a run needs to know about *where* (Hub endpoint, data directory) and *how much* (page size, scope,
request budget) lives here, so the same code path serves the real Hub and the emulator: only `HF_ENDPOINT`
differs. The token is read by `huggingface_hub` itself and never stored here, so it cannot leak into logs or
run metadata.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINT = "https://huggingface.co"
REFRESH_MODES = ("incremental", "full")
FAMILIES = ("models", "datasets", "spaces", "collections")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Run settings. Build with `Settings.from_env()`; every field has a documented variable."""

    endpoint: str = DEFAULT_ENDPOINT  # HF_ENDPOINT
    data_dir: Path = PROJECT_ROOT / "data"  # HUBKG_DATA_DIR
    page_size: int = 1000  # HUBKG_PAGE_SIZE: entities per listing page
    scope_limit: int = 0  # HUBKG_SCOPE_LIMIT: top-N repos by downloads per family (0 = all)
    scope_families: tuple[str, ...] = FAMILIES  # HUBKG_SCOPE_FAMILIES: comma-separated listings to read
    scope_authors: tuple[str, ...] = ()  # HUBKG_SCOPE_AUTHORS: comma-separated namespaces (empty = everyone)
    request_share: float = 0.8  # HUBKG_REQUEST_SHARE: share of the rate-limit quota the crawler may use
    workers: int = 4  # HUBKG_WORKERS: concurrent per-entity requests
    refresh: str = "incremental"  # HUBKG_REFRESH: `incremental` (reuse the previous snapshot's answers) or `full`
    revalidate_share: float = 0.02  # HUBKG_REVALIDATE_SHARE: share of overviews and likers lists re-read
    request_budget: int = 0  # HUBKG_REQUEST_BUDGET: requests one snapshot may spend in all (0 = no limit)
    readme_max_bytes: int = 65536  # HUBKG_README_MAX_BYTES: bytes of each README.md kept (a ranged request)
    # HUBKG_DUCKDB_MEMORY_LIMIT: for every warehouse connection, dbt's and the assets' (DuckDB's own default is 80%
    # of RAM per process, which let the crawl's account discovery take 19 GiB at HuggingKG size beside other work)
    duckdb_memory_limit: str = "8GB"
    publish_namespace: str = "hubkg"  # HUBKG_PUBLISH_NAMESPACE
    graph_repo: str = "hubkg-graph"  # HUBKG_GRAPH_REPO
    bench_repo: str = "hubkg-benchmarks"  # HUBKG_BENCH_REPO
    publish_dry_run: bool = False  # HUBKG_PUBLISH_DRY_RUN=1: write the repo folder locally, upload nothing

    @classmethod
    def from_env(cls) -> Settings:
        share = float(os.environ.get("HUBKG_REQUEST_SHARE", "0.8"))
        if not 0 < share <= 1:
            raise ValueError(f"HUBKG_REQUEST_SHARE must be in (0, 1], got {share}")
        refresh = os.environ.get("HUBKG_REFRESH", "incremental").strip() or "incremental"
        if refresh not in REFRESH_MODES:
            raise ValueError(f"HUBKG_REFRESH must be one of {', '.join(REFRESH_MODES)}, got {refresh!r}")
        families = tuple(f.strip() for f in os.environ.get("HUBKG_SCOPE_FAMILIES", ",".join(FAMILIES)).split(","))
        if not families or set(families) - set(FAMILIES):
            raise ValueError(f"HUBKG_SCOPE_FAMILIES takes a comma-separated subset of {', '.join(FAMILIES)}")
        authors = tuple(a.strip() for a in os.environ.get("HUBKG_SCOPE_AUTHORS", "").split(",") if a.strip())
        revalidate = float(os.environ.get("HUBKG_REVALIDATE_SHARE", "0.02"))
        if not 0 <= revalidate <= 1:
            raise ValueError(f"HUBKG_REVALIDATE_SHARE must be in [0, 1], got {revalidate}")
        budget = _int("HUBKG_REQUEST_BUDGET", 0)
        if budget < 0:
            raise ValueError(f"HUBKG_REQUEST_BUDGET must be 0 (no limit) or a number of requests, got {budget}")
        readme_max_bytes = _int("HUBKG_README_MAX_BYTES", 65536)
        if readme_max_bytes < 1024:
            raise ValueError(f"HUBKG_README_MAX_BYTES must be at least 1024, got {readme_max_bytes}")
        return cls(
            endpoint=os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/"),
            data_dir=Path(os.environ.get("HUBKG_DATA_DIR", PROJECT_ROOT / "data")).resolve(),
            page_size=_int("HUBKG_PAGE_SIZE", 1000),
            scope_limit=_int("HUBKG_SCOPE_LIMIT", 0),
            scope_families=families,
            scope_authors=authors,
            request_share=share,
            workers=_int("HUBKG_WORKERS", 4),
            readme_max_bytes=readme_max_bytes,
            duckdb_memory_limit=os.environ.get("HUBKG_DUCKDB_MEMORY_LIMIT", "8GB").strip() or "8GB",
            refresh=refresh,
            revalidate_share=revalidate,
            request_budget=budget,
            publish_namespace=os.environ.get("HUBKG_PUBLISH_NAMESPACE", "hubkg"),
            graph_repo=os.environ.get("HUBKG_GRAPH_REPO", "hubkg-graph"),
            bench_repo=os.environ.get("HUBKG_BENCH_REPO", "hubkg-benchmarks"),
            publish_dry_run=os.environ.get("HUBKG_PUBLISH_DRY_RUN", "") in {"1", "true", "yes"},
        )

    @property
    def warehouse_path(self) -> Path:
        """The build database: written by runs only."""
        return self.data_dir / "hubkg.duckdb"
