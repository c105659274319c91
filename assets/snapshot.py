"""Raw layer: snapshot Hub listings into DuckDB, page by page, through the real `huggingface_hub` client."""

import os
from datetime import UTC, date, datetime

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.hub.listing import LISTINGS, ListingSpec, crawl_listing
from orchestration.resources import HubResource

SNAPSHOT_TAG = "hubkg/snapshot_date"


def snapshot_date_for(context: dg.AssetExecutionContext) -> date:
    """The run's snapshot date: the run tag (set by schedules and backfills), else HUBKG_SNAPSHOT_DATE, else
    the UTC date the run was created — so every asset of one run agrees even if the run crosses midnight."""
    tagged = context.run.tags.get(SNAPSHOT_TAG) or os.environ.get("HUBKG_SNAPSHOT_DATE")
    if tagged:
        return date.fromisoformat(tagged)
    record = context.instance.get_run_record_by_id(context.run_id)
    created = record.create_timestamp if record else datetime.now(UTC)
    return created.astimezone(UTC).date()


def build_listing_asset(spec: ListingSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", spec.source],
        group_name="raw",
        kinds={"python", "duckdb"},
        owners=["team:hubkg"],
        code_version="1",
        description=(
            f"Every {spec.source[:-1]} on the Hub from `GET {spec.path}` (explicit `expand`, Link-paged), one row per "
            "entity per snapshot with the raw JSON. Resumes an unfinished crawl of the same snapshot from its last "
            "committed page; unparseable pages and entities go to `raw.quarantine` with the reason."
        ),
    )
    def _listing(
        context: dg.AssetExecutionContext, hub: HubResource, warehouse: DuckDBResource
    ) -> dg.MaterializeResult:
        snapshot = snapshot_date_for(context)
        client = hub.client()
        with warehouse.get_connection() as con:
            report = crawl_listing(con, client, spec, snapshot, hub.page_size, hub.scope_limit, log=context.log.info)
            total = con.execute(
                f"SELECT count(*) FROM raw.{spec.source} WHERE snapshot_date = ?", [snapshot]
            ).fetchone()[0]
        return dg.MaterializeResult(
            metadata={
                "snapshot_date": str(snapshot),
                "rows": dg.MetadataValue.int(total),
                "pages": report.pages,
                "quarantined": report.quarantined,
                "requests_this_run": client.requests,
                "rate_limit_waits": client.pacer.waits,
                "rate_limit_wait_seconds": round(client.pacer.waited_seconds, 1),
                "resumed": report.resumed,
                "seconds": round(report.seconds, 2),
            }
        )

    return _listing


listing_assets = [build_listing_asset(spec) for spec in LISTINGS.values()]
