"""Resources injected into assets and checks; all built from one `Settings`."""

from __future__ import annotations

import os

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from orchestration.dbt import DBT_EXECUTABLE, DBT_PROJECT
from orchestration.hub.client import HubClient
from orchestration.hub.pacing import Pacer
from orchestration.settings import Settings


class HubResource(dg.ConfigurableResource):
    """The Hub API (or the emulator): endpoint and crawl pacing. The token is read by huggingface_hub itself."""

    endpoint: str
    page_size: int = 1000
    scope_limit: int = 0
    scope_families: list[str] = ["models", "datasets", "spaces", "collections"]  # the listings to read
    scope_authors: list[str] = []  # namespaces whose repos and collections are listed (empty: everyone's)
    request_share: float = 0.8
    workers: int = 4  # concurrent per-entity requests, all within the same pacing budget
    refresh: str = "incremental"  # or "full": ask everything again instead of reusing the previous snapshot
    revalidate_share: float = 0.02  # share of overviews and likers lists a refresh re-reads unflagged
    readme_max_bytes: int = 65536  # bytes of each README.md kept
    # Requests one snapshot may spend (0: no limit). Listings always complete (one request per 1,000 repos); the
    # per-entity calls share what is left, most valuable first, and the rest reuse older answers or wait.
    request_budget: int = 0

    def client(self) -> HubClient:
        return HubClient(
            endpoint=self.endpoint.rstrip("/"),
            pacer=Pacer(share=self.request_share),
            max_file_bytes=self.readme_max_bytes,
        )


class PublishResource(dg.ConfigurableResource):
    """Where releases go: dataset repos on the Hub (or the emulator), or a local folder in dry-run mode."""

    endpoint: str
    namespace: str
    graph_repo: str
    bench_repo: str
    releases_dir: str
    dry_run: bool = False


class DataDirResource(dg.ConfigurableResource):
    """The run's data directory (warehouse, releases, Data Docs)."""

    path: str


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # dbt reads the warehouse path and memory limit from the environment (dbt_project/profiles.yml), so dbt and
    # Python agree.
    os.environ["HUBKG_DUCKDB_PATH"] = str(settings.warehouse_path)
    os.environ["HUBKG_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit
    return {
        "warehouse": DuckDBResource(
            database=str(settings.warehouse_path), connection_config={"memory_limit": settings.duckdb_memory_limit}
        ),
        "hub": HubResource(
            endpoint=settings.endpoint,
            page_size=settings.page_size,
            scope_limit=settings.scope_limit,
            scope_families=list(settings.scope_families),
            scope_authors=list(settings.scope_authors),
            request_share=settings.request_share,
            workers=settings.workers,
            refresh=settings.refresh,
            revalidate_share=settings.revalidate_share,
            readme_max_bytes=settings.readme_max_bytes,
            request_budget=settings.request_budget,
        ),
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE),
        "publisher": PublishResource(
            endpoint=settings.endpoint,
            namespace=settings.publish_namespace,
            graph_repo=settings.graph_repo,
            bench_repo=settings.bench_repo,
            releases_dir=str(settings.data_dir / "releases"),
            dry_run=settings.publish_dry_run,
        ),
        "data_dir": DataDirResource(path=str(settings.data_dir)),
    }
