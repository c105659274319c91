"""What one crawl is asked to do: where, how much and how fast. The caller builds it (HubKG from its settings)."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.client import HubClient
from crawler.pacing import Pacer

FAMILIES = ("models", "datasets", "spaces", "collections")


@dataclass(frozen=True)
class CrawlConfig:
    endpoint: str
    page_size: int  # entities per listing page
    scope_limit: int  # top-N repos per family (0: all)
    scope_families: tuple[str, ...]  # the listings to read
    scope_authors: tuple[str, ...]  # namespaces whose repos and collections are listed (empty: everyone's)
    request_share: float  # share of the rate-limit quota the crawler may use
    workers: int  # concurrent per-entity requests, all within one pacing budget
    refresh: str  # "incremental": reuse the previous snapshot's answers; "full": ask everything again
    revalidate_share: float  # share of overviews and likers lists a refresh re-reads unflagged
    readme_max_bytes: int  # bytes of each README.md kept
    # Requests one snapshot may spend (0: no limit). Listings always complete (one request per 1,000 repos); the
    # per-entity calls share what is left, most valuable first, and the rest reuse older answers or wait.
    request_budget: int

    def client(self) -> HubClient:
        return HubClient(
            endpoint=self.endpoint, pacer=Pacer(share=self.request_share), max_file_bytes=self.readme_max_bytes
        )
