"""Read side: listings, paging, expand, info, renames, social endpoints, through the real client."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest
import yaml
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import BadRequestError, RepositoryNotFoundError

from hub_emulator.server import HubEmulator
from orchestration.emulator_process import SAMPLE_WORLD

from .conftest import COLLECTIONS, MODELS, TOKEN, MakeHub


def _walk(url: str, params: dict[str, object]) -> tuple[list[dict], list[str]]:
    """Follow Link headers like a crawler; returns all items and every next URL seen."""
    items: list[dict] = []
    links: list[str] = []
    response = httpx2.get(url, params=params)
    while True:
        response.raise_for_status()
        items.extend(response.json())
        next_url = response.links.get("next", {}).get("url")
        if next_url is None:
            return items, links
        links.append(next_url)
        response = httpx2.get(next_url)


def test_sorted_listing_pages_without_duplicates_or_gaps(hub: HubEmulator) -> None:
    # downloads has ties (three models at 50): keyset order must still be total and stable.
    items, links = _walk(f"{hub.url}/api/models", {"sort": "downloads", "limit": 2, "expand": ["downloads"]})
    expected = sorted(MODELS, key=lambda m: (-m["downloads"], m["_id"]))
    assert [m["id"] for m in items] == [m["id"] for m in expected]
    assert len(links) == 3  # 7 items, 2 per page
    for link in links:  # every parameter is carried over, plus the cursor
        assert "sort=downloads" in link and "limit=2" in link and "expand=downloads" in link and "cursor=" in link


def test_client_walks_all_pages_when_page_size_is_capped(hub: HubEmulator) -> None:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    models = list(api.list_models(sort="created_at", expand=["createdAt", "author"]))
    assert [m.id for m in models] == [m["id"] for m in reversed(MODELS)]
    assert hub.stats()["by_status"][200] == 4  # max_page_size=2 forced 4 pages


def test_default_order_and_filters(hub: HubEmulator) -> None:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    assert [m.id for m in api.list_models()] == [m["id"] for m in MODELS]  # file order
    assert [m.id for m in api.list_models(filter="gguf")] == ["acme/model-3", "acme/model-5"]
    children = api.list_models(filter="base_model:finetune:alice/model-2", author="acme")
    assert [m.id for m in children] == ["acme/model-1", "acme/model-5"]
    assert [m.id for m in api.list_models(search="MODEL-7")] == ["acme/model-7"]
    assert [s.id for s in api.list_spaces(models="alice/model-2")] == ["alice/demo"]


def test_expand_limits_fields_and_default_fields(hub: HubEmulator) -> None:
    expanded = httpx2.get(f"{hub.url}/api/models", params={"expand[]": ["author", "lastModified"]}).json()
    assert set(expanded[0]) == {"_id", "id", "author", "lastModified"}
    default = httpx2.get(f"{hub.url}/api/models").json()[0]
    assert "sha" not in default and "lastModified" not in default and {"downloads", "tags", "likes"} <= set(default)
    full = httpx2.get(f"{hub.url}/api/models", params={"full": "true"}).json()[0]
    assert full["siblings"] == [{"rfilename": "config.json"}]  # list siblings carry rfilename only
    assert full["downloadsAllTime"] == MODELS[0]["downloadsAllTime"]


def test_unknown_expand_is_a_400_listing_the_allowed_values(hub: HubEmulator) -> None:
    response = httpx2.get(f"{hub.url}/api/datasets", params={"expand": ["downloads", "bogus"]})
    assert response.status_code == 400
    assert response.json()["error"].startswith('"expand" must be one of [author, cardData, citation, ')
    with pytest.raises(BadRequestError):
        HfApi(endpoint=hub.url).model_info("acme/model-1", expand=["nope"])  # type: ignore[list-item]


def test_model_info_expand_renames_and_missing_repos(hub: HubEmulator) -> None:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    info = api.model_info("alice/model-2")
    assert info.sha == MODELS[1]["sha"] and info.downloads_all_time is None  # expand-only key left out
    assert api.model_info("alice/model-2", expand=["downloadsAllTime"]).downloads_all_time == 500
    assert api.model_info("old-model").id == "acme/model-3"  # 307 followed by the client
    raw = httpx2.get(f"{hub.url}/api/models/old-model", params={"expand": "likes"}, follow_redirects=False)
    assert raw.status_code == 307
    assert raw.headers["location"] == "/api/models/acme/model-3?expand=likes"
    assert raw.headers["content-type"].startswith("text/plain")
    assert raw.text == "Temporary Redirect. Redirecting to /api/models/acme/model-3?expand=likes"
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/nothing")
    missing = httpx2.get(f"{hub.url}/api/datasets/nobody/nothing")
    assert missing.status_code == 404 and missing.headers["x-error-code"] == "RepoNotFound"
    assert missing.json() == {"error": "Repository not found"}
    assert api.dataset_info("acme/data-1").gated == "auto"


def test_rate_limit_headers_and_429(make_hub: MakeHub) -> None:
    hub = make_hub(quota=3, window_seconds=60)
    remaining = []
    for _ in range(3):
        response = httpx2.get(f"{hub.url}/api/tasks")
        assert response.status_code == 200
        assert response.headers["ratelimit-policy"] == '"fixed window";"api";q=3;w=60'
        remaining.append(response.headers["ratelimit"].split(";")[1])
    assert remaining == ["r=2", "r=1", "r=0"]
    refused = httpx2.get(f"{hub.url}/api/tasks")
    assert refused.status_code == 429 and "rate limit" in refused.json()["error"]
    assert refused.headers["ratelimit"].startswith('"api";r=0;t=') and int(refused.headers["retry-after"]) <= 60
    # /resolve/ downloads are counted in their own bucket.
    download = httpx2.head(f"{hub.url}/datasets/x/y/resolve/main/f")
    assert download.headers["ratelimit"].startswith('"resolvers";')
    with pytest.raises(Exception, match="429 Too Many Requests: you have reached your 'api' rate limit"):
        HfApi(endpoint=hub.url).model_info("acme/model-1")
    assert hub.stats()["rate_limited"] == 2 and hub.stats()["by_bucket"] == {"api": 5, "resolvers": 1}


def test_collections(hub: HubEmulator) -> None:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    listed = list(api.list_collections())
    assert [c.slug for c in listed] == [c["slug"] for c in COLLECTIONS]
    assert len(listed[0].items) == 4  # listings truncate items
    raw = httpx2.get(f"{hub.url}/api/collections", params={"limit": 1}).json()[0]
    assert "position" not in raw
    assert [c.slug for c in api.list_collections(sort="upvotes")][0] == COLLECTIONS[1]["slug"]
    assert [c.slug for c in api.list_collections(sort="lastModified")][0] == COLLECTIONS[2]["slug"]
    by_item = api.list_collections(item="models/acme/model-5", owner="alice")
    assert [c.slug for c in by_item] == [COLLECTIONS[0]["slug"]]
    full = api.get_collection(COLLECTIONS[0]["slug"])
    assert len(full.items) == 6 and full.items[5].item_id == MODELS[5]["id"]


def test_users_orgs_papers_tasks(hub: HubEmulator) -> None:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    assert api.get_user_overview("alice").fullname == "Alice"
    assert api.get_organization_overview("acme").name == "acme"
    assert [u.username for u in api.list_user_followers("alice")] == ["bob", "carol", "dave"]
    assert [u.username for u in api.list_user_following("alice")] == ["bob"]
    assert [u.username for u in api.list_organization_followers("acme")] == ["alice", "bob"]
    assert [u.username for u in api.list_organization_members("acme")] == ["alice", "bob", "carol"]
    assert api.paper_info("2401.00001").title == "A paper"
    assert httpx2.get(f"{hub.url}/api/tasks").json()["text-generation"]["label"] == "Text Generation"
    assert httpx2.get(f"{hub.url}/api/users/nobody/overview").status_code == 404


def test_likes_and_likers(hub: HubEmulator) -> None:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    likers = list(api.list_repo_likers("acme/model-1"))
    assert [u.username for u in likers] == ["bob", "alice"]
    raw = httpx2.get(f"{hub.url}/api/models/acme/model-1/likers").json()[0]
    assert set(raw) == {"_id", "user", "fullname", "avatarUrl", "type", "isPro"}
    liked = api.list_liked_repos("alice")
    assert liked.models == ["acme/model-1"] and liked.datasets == ["acme/data-1"]
    likes, _ = _walk(f"{hub.url}/api/users/alice/likes", {})
    assert likes[0] == {"createdAt": "2024-03-02T00:00:00.000Z", "repo": {"name": "acme/data-1", "type": "dataset"}}


def test_readme_is_derived_from_the_body_and_downloads_like_a_hub_file(tmp_path) -> None:
    """`/resolve/main/README.md` of a world repo: front matter = cardData, ETag/304, byte ranges, the `resolvers`
    bucket, and `hf_hub_download` fetches it through its own HEAD-then-GET path."""
    models = [json.loads(line) for line in (SAMPLE_WORLD / "models.jsonl").open()]
    carded = next(m for m in models if isinstance(m.get("cardData"), dict) and m["cardData"])
    bare = next(m for m in models if not m.get("cardData"))
    dataset = json.loads((SAMPLE_WORLD / "datasets.jsonl").open().readline())
    with HubEmulator(SAMPLE_WORLD, tmp_path / "hub") as hub:
        url = f"{hub.url}/{carded['id']}/resolve/main/README.md"
        full = httpx2.get(url)
        assert full.status_code == 200 and full.headers["X-Repo-Commit"] == carded["sha"]
        assert full.headers["RateLimit"].startswith('"resolvers"')
        front = full.text.split("---\n")[1]
        assert yaml.safe_load(front) == carded["cardData"]
        assert httpx2.get(url, headers={"If-None-Match": full.headers["ETag"]}).status_code == 304
        part = httpx2.get(url, headers={"Range": "bytes=0-9"})
        assert part.status_code == 206 and part.content == full.content[:10]
        assert part.headers["Content-Range"] == f"bytes 0-9/{len(full.content)}"
        path = hf_hub_download(carded["id"], "README.md", endpoint=hub.url, cache_dir=tmp_path / "cache")
        assert Path(path).read_bytes() == full.content
        dataset_card = httpx2.get(f"{hub.url}/datasets/{dataset['id']}/resolve/main/README.md")
        assert dataset_card.status_code == 200 and dataset["id"].split("/")[1] in dataset_card.text
        for repo, name in ((bare["id"], "README.md"), (carded["id"], "x.txt")):
            response = httpx2.get(f"{hub.url}/{repo}/resolve/main/{name}")
            assert response.status_code == 404 and response.headers["X-Error-Code"] == "EntryNotFound"
        assert httpx2.get(f"{hub.url}/nobody/nothing/resolve/main/README.md").status_code == 404


def test_daily_papers_by_day_page_numbered_and_parsed_by_the_client(tmp_path) -> None:
    papers = [json.loads(line) for line in (SAMPLE_WORLD / "papers.jsonl").open()]
    submitted = next(p for p in papers if p.get("submittedOnDailyAt"))
    day = submitted["submittedOnDailyAt"][:10]
    with HubEmulator(SAMPLE_WORLD, tmp_path / "hub") as hub:
        url = f"{hub.url}/api/daily_papers"
        first = httpx2.get(url, params={"date": day, "p": 0, "limit": 100}).json()
        assert [item["paper"]["id"] for item in first] == [submitted["id"]]
        assert "linkedModels" not in first[0]["paper"] and first[0]["title"] == submitted["title"]
        assert httpx2.get(url, params={"date": day, "p": 1, "limit": 100}).json() == []
        assert httpx2.get(url, params={"date": "1999-01-01"}).json() == []
        assert httpx2.get(url, params={"date": "yesterday"}).status_code == 400
        parsed = list(HfApi(endpoint=hub.url).list_daily_papers(date=day))
        assert [p.id for p in parsed] == [submitted["id"]]
