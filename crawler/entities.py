"""What the per-entity crawls fetch, and how their keys are discovered from what the snapshot already holds.

There is no endpoint that lists users or organisations: names are discovered from repo authors, collection
owners, likers, paper authors, followers, members and users' org lists, resolved as a user (else an org), and
their social lists are read — which discovers more names, until nothing new appears. Lists whose counters say
they are empty (`likes`, `numFollowers`, `numUsers` = 0) are never requested.

Every key query also yields a `priority`, summed per key, that orders the fetches under a request budget: a repo's
likes, a collection's upvotes, the length of an account's list, the number of mentions of a paper or a name.
"""

from __future__ import annotations

from crawler import ids
from crawler.queue import FetchKind

TASKS = FetchKind("tasks", (("catalog", "/api/tasks"),), key_rule=ids.TASK_CATALOG)
COLLECTIONS = FetchKind("collections", (("collection", "/api/collections/{key}"),), key_rule=ids.COLLECTION_SLUG)
PAPERS = FetchKind("papers", (("paper", "/api/papers/{key}"),), key_rule=ids.ARXIV_ID)
LIKERS = FetchKind("likers", (("repo", "/api/{key}/likers"),), reply="link_pages", key_rule=ids.TYPED_REPO)
PRINCIPALS = FetchKind(
    "principals",
    (("user", "/api/users/{key}/overview"), ("org", "/api/organizations/{key}/overview")),
    key_rule=ids.ACCOUNT_NAME,
)
USER_FOLLOWERS = FetchKind(
    "user_followers", (("user", "/api/users/{key}/followers"),), reply="link_pages", key_rule=ids.ACCOUNT_NAME
)
ORG_FOLLOWERS = FetchKind(
    "org_followers", (("org", "/api/organizations/{key}/followers"),), reply="link_pages", key_rule=ids.ACCOUNT_NAME
)
ORG_MEMBERS = FetchKind(
    "org_members", (("org", "/api/organizations/{key}/members"),), reply="link_pages", key_rule=ids.ACCOUNT_NAME
)
# A user's likes carry the time of each like, which likers lists do not (the temporal recommendation split).
USER_LIKES = FetchKind(
    "user_likes", (("user", "/api/users/{key}/likes"),), reply="link_pages", key_rule=ids.ACCOUNT_NAME
)
# Papers submitted to the daily page each day since it exists: finds paper pages no repo or collection cites.
DAILY_PAPERS = FetchKind(
    "daily_papers",
    (("day", "/api/daily_papers?date={key}"),),
    reply="numbered_pages",
    page_size=100,
    key_rule=ids.DAY,
)
DAILY_PAPERS_START = "2023-05-04"
# Upvotes and comments of recent days still move: a refresh re-reads this many trailing days.
DAILY_PAPERS_TRAILING_DAYS = 7
# Card text (task-classification features): a file download, so the `resolvers` rate bucket, not `api`.
# Keys are paths as the Hub addresses repos: `<id>` for a model, `datasets/<id>` for a dataset.
READMES = FetchKind(
    "readmes", (("card", "/{key}/resolve/main/README.md"),), reply="text_file", key_rule=ids.README_REPO
)

ALL_KINDS = (
    TASKS,
    COLLECTIONS,
    PAPERS,
    LIKERS,
    PRINCIPALS,
    USER_FOLLOWERS,
    ORG_FOLLOWERS,
    ORG_MEMBERS,
    USER_LIKES,
    READMES,
    DAILY_PAPERS,
)
REPO_SOURCES = ("models", "datasets", "spaces")

TASK_KEYS = "SELECT 'all' AS key, 0 AS priority"

COLLECTION_KEYS = (
    "SELECT key, try_cast(body ->> 'upvotes' AS DOUBLE) AS priority FROM raw.collection_index WHERE snapshot_date = ?"
)

LIKES = "try_cast(body ->> 'likes' AS DOUBLE) AS priority"

LIKER_KEYS = " UNION ALL ".join(
    f"SELECT '{source}/' || id AS key, {LIKES} FROM raw.{source} "
    f"WHERE snapshot_date = ? AND coalesce(try_cast(body ->> 'likes' AS BIGINT), 1) > 0"
    for source in REPO_SOURCES
)

# Every dataset has a card page; a model has a README when its listing shows card data (a README without YAML
# front matter has none: not asked, rather than one 404 per card-less model).
README_KEYS = (
    f"SELECT id AS key, {LIKES} FROM raw.models WHERE snapshot_date = ? AND json_type(body -> 'cardData') = 'OBJECT' "
    f"UNION ALL SELECT 'datasets/' || id, {LIKES} FROM raw.datasets WHERE snapshot_date = ?"
)

PAPER_KEYS = " UNION ALL ".join(
    [
        f"SELECT substr(tag, 7) AS key, 1 AS priority "
        f"FROM raw.{source}, unnest(from_json(body -> 'tags', '[\"VARCHAR\"]')) t(tag) "
        f"WHERE snapshot_date = ? AND starts_with(tag, 'arxiv:')"
        for source in REPO_SOURCES
    ]
    + [
        "SELECT item ->> 'id', 1 FROM raw.collections, unnest(from_json(body -> 'items', '[\"JSON\"]')) t(item) "
        "WHERE snapshot_date = ? AND item ->> 'type' = 'paper'",
        "SELECT body -> 'paper' ->> 'id', 1 FROM raw.daily_papers WHERE snapshot_date = ?",
    ]
)

# Every day from the daily page's first to the snapshot's, the most recent first.
DAILY_PAPER_KEYS = (
    "SELECT strftime(day, '%Y-%m-%d') AS key, epoch(day) AS priority "
    f"FROM range(DATE '{DAILY_PAPERS_START}', ?::DATE + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(day)"
)

PRINCIPAL_KEYS = " UNION ALL ".join(
    [
        f"SELECT coalesce(body ->> 'author', split_part(id, '/', 1)) AS key, 1 AS priority "
        f"FROM raw.{source} WHERE snapshot_date = ?"
        for source in REPO_SOURCES
    ]
    + [
        "SELECT body -> 'owner' ->> 'name', 1 FROM raw.collections WHERE snapshot_date = ?",
        # Organisations a user belongs to, as the user's overview lists them (finds orgs without repos). A JSON path,
        # not a lateral unnest: that form ran out of 8 GB at HuggingKG size (one user belongs to 13,811 orgs).
        "SELECT unnest(json_extract_string(body, '$.orgs[*].name')), 1 FROM raw.principals "
        "WHERE snapshot_date = ? AND variant = 'user'",
        "SELECT coalesce(author -> 'user' ->> 'user', author -> 'user' ->> 'name'), 1 FROM raw.papers, "
        "unnest(from_json(body -> 'authors', '[\"JSON\"]')) t(author) WHERE snapshot_date = ?",
        *(
            f"SELECT body ->> 'user', 1 FROM raw.{kind.name} WHERE snapshot_date = ?"
            for kind in (LIKERS, USER_FOLLOWERS, ORG_FOLLOWERS, ORG_MEMBERS)
        ),
    ]
)


def social_keys(variant: str, counter: str) -> str:
    """Resolved principals of one variant whose overview does not say the list is empty (the longest first)."""
    return (
        f"SELECT key, try_cast(body ->> '{counter}' AS DOUBLE) AS priority FROM raw.principals "
        f"WHERE snapshot_date = ? AND variant = '{variant}' "
        f"AND coalesce(try_cast(body ->> '{counter}' AS BIGINT), 1) > 0"
    )


USER_LIKE_KEYS = social_keys("user", "numLikes")

# Incremental refresh: the keys whose previous answer still holds (`$1` = this snapshot, `$2` = the previous one).
# Listings are read in full every time (a page costs one request whatever it holds: 0.1% of a snapshot), so every
# repo's counters and commit are current; per-entity calls go where those say something changed.


def same_in_both(source: str, key_prefix: str, field: str) -> str:
    """Repos of `source` (as `key_prefix || id`) listed in both snapshots under the same id with the same `field`."""
    return (
        f"SELECT '{key_prefix}' || n.id AS key FROM raw.{source} AS n "
        f"JOIN raw.{source} AS p ON p.key = n.key AND p.id = n.id AND p.snapshot_date = $2 "
        f"WHERE n.snapshot_date = $1 AND (n.body ->> '{field}') IS NOT DISTINCT FROM (p.body ->> '{field}')"
    )


SAME_LIKES = " UNION ".join(same_in_both(source, f"{source}/", "likes") for source in REPO_SOURCES)


def likers_unchanged(revalidate: int) -> str:
    """Repos whose likes counter did not move, except the `revalidate` lists observed least recently (most liked
    first): one user unliking a repo while another likes it leaves the counter as it was, so only re-reading
    finds it, and this rotation re-reads every list within 1 / HUBKG_REVALIDATE_SHARE refreshes."""
    return f"""
    ({SAME_LIKES})
    EXCEPT (
        SELECT q.key FROM raw.fetch_queue AS q
        LEFT JOIN (
            SELECT key, min(observed_at) AS observed_at FROM raw.likers WHERE snapshot_date = $2 GROUP BY key
        ) AS l USING (key)
        WHERE q.snapshot_date = $2 AND q.kind = 'likers'
        ORDER BY l.observed_at NULLS FIRST, q.priority DESC NULLS LAST, q.key
        LIMIT {int(revalidate)}
    )"""


# A README changes only with a commit: same `sha`, same file.
README_UNCHANGED = f"{same_in_both('models', '', 'sha')} UNION {same_in_both('datasets', 'datasets/', 'sha')}"

# Repo ids listed in the previous snapshot and not in this one: renamed (same `_id`, new name) or deleted.
VANISHED_REPOS = " UNION ALL ".join(
    f"(SELECT '{source[:-1]}' AS type, id FROM raw.{source} WHERE snapshot_date = $2 "
    f"EXCEPT SELECT '{source[:-1]}', id FROM raw.{source} WHERE snapshot_date = $1)"
    for source in REPO_SOURCES
)

# A collection's listing entry carries its `lastUpdated`, upvotes and first four items: an edit shows there. A
# renamed or deleted item does not (the Hub follows the repo's `_id` and leaves `lastUpdated`), so a collection
# whose previous items include a vanished repo id is read again.
COLLECTION_UNCHANGED = f"""
    SELECT n.key FROM raw.collection_index AS n
    JOIN raw.collection_index AS p ON p.key = n.key AND p.snapshot_date = $2
    WHERE n.snapshot_date = $1 AND n.body::VARCHAR = p.body::VARCHAR
    EXCEPT
    SELECT i.key FROM (
        SELECT c.key, item ->> 'type' AS type, item ->> 'id' AS id
        FROM raw.collections AS c, unnest(from_json(c.body -> 'items', '["JSON"]')) AS t(item)
        WHERE c.snapshot_date = $2
    ) AS i
    JOIN ({VANISHED_REPOS}) AS v USING (type, id)"""

# A day's list is final once it is older than the trailing window.
DAILY_PAPERS_UNCHANGED = (
    "SELECT key FROM raw.fetch_queue WHERE snapshot_date = $2 AND kind = 'daily_papers' "
    f"AND key::DATE < $1::DATE - {DAILY_PAPERS_TRAILING_DAYS}"
)

# Papers are immutable for the graph (ids, authors); a paper answered before is not asked again.
PAPER_UNCHANGED = "SELECT key FROM raw.fetch_queue WHERE snapshot_date = $2 AND kind = 'papers'"

# Users whose likes differ between the snapshots, read off the likers lists (re-read where a counter moved).
LIKES_CHANGED_USERS = """
    SELECT name FROM (
        (SELECT body ->> 'user' AS name, key FROM raw.likers WHERE snapshot_date = $1
         EXCEPT SELECT body ->> 'user', key FROM raw.likers WHERE snapshot_date = $2)
        UNION ALL
        (SELECT body ->> 'user', key FROM raw.likers WHERE snapshot_date = $2
         EXCEPT SELECT body ->> 'user', key FROM raw.likers WHERE snapshot_date = $1)
    )"""


def principals_unchanged(revalidate: int) -> str:
    """Accounts answered before, except those whose likes changed and the `revalidate` least recently observed
    (most followed first). Nothing announces a new follower or member, so overviews — and through them follower
    and member lists — are re-read on this rotating budget: the planner of the refresh."""
    return f"""
    SELECT key FROM raw.fetch_queue WHERE snapshot_date = $2 AND kind = 'principals'
    EXCEPT {LIKES_CHANGED_USERS}
    EXCEPT (
        SELECT q.key FROM raw.fetch_queue AS q
        LEFT JOIN raw.principals AS p ON p.key = q.key AND p.snapshot_date = $2
        WHERE q.snapshot_date = $2 AND q.kind = 'principals'
        ORDER BY p.observed_at NULLS FIRST, try_cast(p.body ->> 'numFollowers' AS BIGINT) DESC NULLS LAST, q.key
        LIMIT {int(revalidate)}
    )"""


def counter_unchanged(variant: str, counter: str) -> str:
    """Accounts of `variant` whose overview shows the same `counter` in both snapshots."""
    return (
        "SELECT n.key FROM raw.principals AS n "
        "JOIN raw.principals AS p ON p.key = n.key AND p.variant = n.variant AND p.snapshot_date = $2 "
        f"WHERE n.snapshot_date = $1 AND n.variant = '{variant}' "
        f"AND (n.body ->> '{counter}') IS NOT DISTINCT FROM (p.body ->> '{counter}')"
    )


USER_LIKES_UNCHANGED = f"{counter_unchanged('user', 'numLikes')} EXCEPT {LIKES_CHANGED_USERS}"

# (kind, keys, unchanged keys)
SOCIAL = (
    (USER_FOLLOWERS, social_keys("user", "numFollowers"), counter_unchanged("user", "numFollowers")),
    (ORG_FOLLOWERS, social_keys("org", "numFollowers"), counter_unchanged("org", "numFollowers")),
    (ORG_MEMBERS, social_keys("org", "numUsers"), counter_unchanged("org", "numUsers")),
)
