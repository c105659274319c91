"""What the per-entity crawls fetch, and how their keys are discovered from what the snapshot already holds.

There is no endpoint that lists users or organisations: names are discovered from repo authors, collection
owners, likers, paper authors, followers, members and users' org lists, resolved as a user (else an org), and
their social lists are read — which discovers more names, until nothing new appears. Lists whose counters say
they are empty (`likes`, `numFollowers`, `numUsers` = 0) are never requested.
"""

from __future__ import annotations

from orchestration.hub.queue import FetchKind

TASKS = FetchKind("tasks", (("catalog", "/api/tasks"),))
COLLECTIONS = FetchKind("collections", (("collection", "/api/collections/{key}"),))
PAPERS = FetchKind("papers", (("paper", "/api/papers/{key}"),))
LIKERS = FetchKind("likers", (("repo", "/api/{key}/likers"),), paged=True)
PRINCIPALS = FetchKind(
    "principals", (("user", "/api/users/{key}/overview"), ("org", "/api/organizations/{key}/overview"))
)
USER_FOLLOWERS = FetchKind("user_followers", (("user", "/api/users/{key}/followers"),), paged=True)
ORG_FOLLOWERS = FetchKind("org_followers", (("org", "/api/organizations/{key}/followers"),), paged=True)
ORG_MEMBERS = FetchKind("org_members", (("org", "/api/organizations/{key}/members"),), paged=True)

ALL_KINDS = (TASKS, COLLECTIONS, PAPERS, LIKERS, PRINCIPALS, USER_FOLLOWERS, ORG_FOLLOWERS, ORG_MEMBERS)
REPO_SOURCES = ("models", "datasets", "spaces")

TASK_KEYS = "SELECT 'all' AS key"

COLLECTION_KEYS = "SELECT key FROM raw.collection_index WHERE snapshot_date = ?"

LIKER_KEYS = " UNION ".join(
    f"SELECT '{source}/' || id AS key FROM raw.{source} "
    f"WHERE snapshot_date = ? AND coalesce(try_cast(body ->> 'likes' AS BIGINT), 1) > 0"
    for source in REPO_SOURCES
)

PAPER_KEYS = " UNION ".join(
    [
        f"SELECT substr(tag, 7) AS key FROM raw.{source}, unnest(from_json(body -> 'tags', '[\"VARCHAR\"]')) t(tag) "
        f"WHERE snapshot_date = ? AND starts_with(tag, 'arxiv:')"
        for source in REPO_SOURCES
    ]
    + [
        "SELECT item ->> 'id' AS key FROM raw.collections, unnest(from_json(body -> 'items', '[\"JSON\"]')) t(item) "
        "WHERE snapshot_date = ? AND item ->> 'type' = 'paper'"
    ]
)

PRINCIPAL_KEYS = " UNION ".join(
    [
        f"SELECT coalesce(body ->> 'author', split_part(id, '/', 1)) AS key FROM raw.{source} WHERE snapshot_date = ?"
        for source in REPO_SOURCES
    ]
    + [
        "SELECT body -> 'owner' ->> 'name' FROM raw.collections WHERE snapshot_date = ?",
        # Organisations a user belongs to, as the user's overview lists them (finds orgs without repos).
        "SELECT org ->> 'name' FROM raw.principals, unnest(from_json(body -> 'orgs', '[\"JSON\"]')) t(org) "
        "WHERE snapshot_date = ? AND variant = 'user'",
        "SELECT coalesce(author -> 'user' ->> 'user', author -> 'user' ->> 'name') FROM raw.papers, "
        "unnest(from_json(body -> 'authors', '[\"JSON\"]')) t(author) WHERE snapshot_date = ?",
        *(
            f"SELECT body ->> 'user' FROM raw.{kind.name} WHERE snapshot_date = ?"
            for kind in (LIKERS, USER_FOLLOWERS, ORG_FOLLOWERS, ORG_MEMBERS)
        ),
    ]
)


def social_keys(variant: str, counter: str) -> str:
    """Resolved principals of one variant whose overview does not say the list is empty."""
    return (
        f"SELECT key FROM raw.principals WHERE snapshot_date = ? AND variant = '{variant}' "
        f"AND coalesce(try_cast(body ->> '{counter}' AS BIGINT), 1) > 0"
    )


SOCIAL = (
    (USER_FOLLOWERS, social_keys("user", "numFollowers")),
    (ORG_FOLLOWERS, social_keys("org", "numFollowers")),
    (ORG_MEMBERS, social_keys("org", "numUsers")),
)
