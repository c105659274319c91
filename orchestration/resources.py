"""Resources injected into assets and checks, all built from the one `Settings`.

The crawler and the publisher take plain configuration objects of their own (`CrawlConfig`, `PublishTarget`), so
they stay free of Dagster; assets receive them as resources (`dg.ResourceParam`), the data directory as a `Path`.
"""

from __future__ import annotations

import os
from typing import Any

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from assets.dbt import DBT_EXECUTABLE, DBT_PROJECT
from orchestration.maintenance import Retention
from orchestration.settings import Settings


def build_resources(settings: Settings) -> dict[str, Any]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # dbt reads the warehouse path and memory limit from the environment (dbt_project/profiles.yml), so dbt and
    # Python agree.
    os.environ["HUBKG_DUCKDB_PATH"] = str(settings.warehouse_path)
    os.environ["HUBKG_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit
    return {
        "warehouse": DuckDBResource(
            database=str(settings.warehouse_path), connection_config={"memory_limit": settings.duckdb_memory_limit}
        ),
        "hub": settings.crawl(),
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE),
        "publisher": settings.publish_target(),
        "data_dir": settings.data_dir,
        "storage_retention": Retention(settings.dagster_retention_days, settings.output_retention_days),
    }
