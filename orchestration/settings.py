"""The one settings declaration: every variable HubKG reads, its default, its check and its meaning.

Everything a run needs to know about *where* (Hub endpoint, data directory) and *how much* (page size, scope,
request budget) is declared here once, so the same code path serves the real Hub and the emulator: only
`HF_ENDPOINT` differs. The resources (orchestration/resources.py) are built from it. The token is read by
`huggingface_hub` itself and never declared, stored or logged here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, BeforeValidator, ByteSize, Field, TypeAdapter, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from crawler.config import FAMILIES, CrawlConfig
from release.publisher import PublishTarget

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINT = "https://huggingface.co"
# DuckDB's share of a process's memory limit. Its own limit counts only its buffer manager; at HuggingKG size a dbt
# build peaked 2.1 GiB above it (the Python around it, allocations DuckDB does not track), so 3/4 keeps the process
# within the limit (PERFORMANCE.md, issue 28).
DUCKDB_SHARE = 0.75
_BYTES = TypeAdapter(ByteSize)


def _comma_list(value: object) -> object:
    """`a, b,,c` → ("a", "b", "c"): the variables take comma-separated lists."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)]


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Run settings from the environment; each field's description is its row in the README's settings table."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True)

    endpoint: str = Field(
        DEFAULT_ENDPOINT,
        validation_alias=_env("HF_ENDPOINT"),
        description="Hub API base URL (the emulator's URL in the demo and tests)",
    )
    data_dir: Path = Field(
        PROJECT_ROOT / "data", validation_alias=_env("HUBKG_DATA_DIR"), description="warehouse, releases, Data Docs"
    )
    dagster_home: Path = Field(
        PROJECT_ROOT / ".dagster_home",
        validation_alias=_env("DAGSTER_HOME"),
        description="the Dagster instance of `hubkg demo`, `hubkg ui` and `hubkg status`",
    )
    page_size: int = Field(
        1000, ge=1, validation_alias=_env("HUBKG_PAGE_SIZE"), description="entities per listing page"
    )
    scope_limit: int = Field(
        0,
        ge=0,
        validation_alias=_env("HUBKG_SCOPE_LIMIT"),
        description="only the top-N repos by downloads (Spaces: likes) per family; 0: all",
    )
    scope_families: CommaList = Field(
        FAMILIES,
        validation_alias=_env("HUBKG_SCOPE_FAMILIES"),
        description="the listings to read; the others are recorded as complete and empty",
    )
    scope_authors: CommaList = Field(
        (),
        validation_alias=_env("HUBKG_SCOPE_AUTHORS"),
        description="comma-separated namespaces: only their repos and collections are listed; empty: everyone",
    )
    request_share: float = Field(
        0.8,
        gt=0,
        le=1,
        validation_alias=_env("HUBKG_REQUEST_SHARE"),
        description="share of the rate-limit window the crawler may spend",
    )
    workers: int = Field(
        4,
        ge=1,
        validation_alias=_env("HUBKG_WORKERS"),
        description="concurrent per-entity requests (one pacing budget)",
    )
    refresh: Literal["incremental", "full"] = Field(
        "incremental",
        validation_alias=_env("HUBKG_REFRESH"),
        description="`incremental`: reuse the previous snapshot's answers where nothing says they changed; "
        "`full`: ask everything again",
    )
    request_budget: int = Field(
        0,
        ge=0,
        validation_alias=_env("HUBKG_REQUEST_BUDGET"),
        description="requests one snapshot may spend in all (0: no limit)",
    )
    revalidate_share: float = Field(
        0.02,
        ge=0,
        le=1,
        validation_alias=_env("HUBKG_REVALIDATE_SHARE"),
        description="share of known overviews and likers lists a refresh re-reads although no counter moved",
    )
    readme_max_bytes: int = Field(
        65536,
        ge=1024,
        validation_alias=_env("HUBKG_README_MAX_BYTES"),
        description="bytes of each README.md read (longer cards are cut and flagged `card_truncated`)",
    )
    # DuckDB's own default is 80% of RAM per process, which let the crawl's account discovery take 19 GiB at
    # HuggingKG size beside other work.
    duckdb_memory_limit: str = Field(
        "8GB",
        min_length=1,
        validation_alias=_env("HUBKG_DUCKDB_MEMORY_LIMIT"),
        description="memory of each process that opens the warehouse (dbt's and the assets'; `8GB`, `6GiB`): "
        "DuckDB's own limit is 3/4 of it, the rest is what DuckDB does not count",
    )
    publish_namespace: str = Field(
        "hubkg", validation_alias=_env("HUBKG_PUBLISH_NAMESPACE"), description="namespace of the dataset repos"
    )
    graph_repo: str = Field("hubkg-graph", validation_alias=_env("HUBKG_GRAPH_REPO"), description="the graph repo")
    bench_repo: str = Field(
        "hubkg-benchmarks", validation_alias=_env("HUBKG_BENCH_REPO"), description="the benchmarks repo"
    )
    atlas_space: str = Field(
        "hubkg-atlas",
        validation_alias=_env("HUBKG_ATLAS_SPACE"),
        description="the static Space (`sdk: static`) the interactive atlas is published to, in the same namespace",
    )
    publish_dry_run: bool = Field(
        False,
        validation_alias=_env("HUBKG_PUBLISH_DRY_RUN"),
        description="`1`: write the release folder, upload nothing",
    )

    dagster_retention_days: float = Field(
        7,
        ge=0,
        validation_alias=_env("HUBKG_DAGSTER_RETENTION_DAYS"),
        description="days Dagster's finished runs (records, event and compute logs) and dbt's per-run target "
        "folders are kept; the daily `maintenance_job` prunes older ones",
    )

    raw_retention_days: int = Field(
        30,
        ge=0,
        validation_alias=_env("HUBKG_RAW_RETENTION_DAYS"),
        description="days before the latest snapshot whose raw references, crawl queue rows and the bodies only "
        "they use are kept (a rebuild of an older day needs a new crawl); 0: the whole raw history. The kg history "
        "is kept whole either way",
    )

    output_retention_days: int = Field(
        7,
        ge=0,
        validation_alias=_env("HUBKG_OUTPUT_RETENTION_DAYS"),
        description="days before the latest snapshot whose benchmarks/atlas mart rows and dated export, benchmark, "
        "atlas and release folders are kept (older ones: on the published repos' tags)",
    )

    @field_validator("endpoint")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("data_dir", "dagster_home")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _byte_size(cls, value: str) -> str:
        _BYTES.validate_python(value)  # pydantic's message names the units it takes
        return value

    @field_validator("scope_families")
    @classmethod
    def _known_families(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or set(value) - set(FAMILIES):
            raise ValueError(f"takes a comma-separated subset of {', '.join(FAMILIES)}")
        return value

    @classmethod
    def from_env(cls) -> Settings:
        return cls()

    @property
    def warehouse_path(self) -> Path:
        """The build database: written by runs only."""
        return self.data_dir / "hubkg.duckdb"

    @property
    def duckdb_buffer_limit(self) -> str:
        """DuckDB's `memory_limit` for every warehouse connection: `DUCKDB_SHARE` of `duckdb_memory_limit`."""
        return f"{int(_BYTES.validate_python(self.duckdb_memory_limit) * DUCKDB_SHARE) // 2**20}MiB"

    def crawl(self) -> CrawlConfig:
        return CrawlConfig(
            endpoint=self.endpoint,
            page_size=self.page_size,
            scope_limit=self.scope_limit,
            scope_families=self.scope_families,
            scope_authors=self.scope_authors,
            request_share=self.request_share,
            workers=self.workers,
            refresh=self.refresh,
            revalidate_share=self.revalidate_share,
            readme_max_bytes=self.readme_max_bytes,
            request_budget=self.request_budget,
        )

    def publish_target(self) -> PublishTarget:
        return PublishTarget(
            endpoint=self.endpoint,
            namespace=self.publish_namespace,
            repos={"graph": self.graph_repo, "benchmarks": self.bench_repo, "atlas": self.atlas_space},
            releases_dir=self.data_dir / "releases",
            dry_run=self.publish_dry_run,
        )


def env_names() -> dict[str, str]:
    """Each field's environment variable: the README's settings table is checked against this."""
    names = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        assert isinstance(alias, AliasChoices)
        names[name] = str(alias.choices[0])
    return names
