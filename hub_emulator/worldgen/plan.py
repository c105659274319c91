"""The world's skeleton: every entity and edge as numpy arrays, before any JSON is written.

Bodies need numbers that depend on the whole world (a model's ``likes`` counter, its
``childrenModelCount``, the Spaces using it; a user's follower count), so all structure is drawn first,
compactly, and bodies are then streamed out one by one. Per-entity memory is a few array slots plus the
id string, which keeps a HuggingKG-size world (2.6 M nodes) within a few hundred MB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from hub_emulator.worldgen import calibration as cal
from hub_emulator.worldgen import naming
from hub_emulator.worldgen.lineage import QUANT_KINDS, RELATION_NAMES, ROOT, Lineage, build_lineage
from hub_emulator.worldgen.links import Links, with_ghosts
from hub_emulator.worldgen.rand import counts_with_mean, heavy_tail, pick, pystream, stream
from hub_emulator.worldgen.timeline import DAY, HUB_START, between, growing_times, later

REPO_TYPES = ("model", "dataset", "space")
# Qualified relation tags appear from about 2024-10; older cards only produced ``base_model:<id>``.
QUALIFIED_TAGS_SINCE = 1_727_740_800  # 2024-10-01
# Taste: every user and repo has one of LIKE_TOPICS topics; TASTE_SHARE of likes stay within the user's topic.
LIKE_TOPICS = 48
TASTE_SHARE = 0.9


@dataclass
class Repos:
    """Repos of one type: ids, owners (user or org index), times, popularity, like counters."""

    kind: str
    ids: list[str]
    owner_is_org: np.ndarray
    owner: np.ndarray
    created: np.ndarray
    modified: np.ndarray
    pop: np.ndarray
    has_card: np.ndarray
    likes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.created)


@dataclass
class Plan:
    """Everything the writers need; see the module docstring."""

    seed: int
    now: int
    users: list[str]
    orgs: list[str]
    user_created: np.ndarray
    org_created: np.ndarray
    models: Repos
    datasets: Repos
    spaces: Repos
    family: np.ndarray
    pipeline: np.ndarray  # task index or -1
    lineage: Lineage
    form: np.ndarray  # statement form code per model (FORMS), -1 for roots
    ghost_models: list[str]  # distinct absent model ids, referenced by Spaces and collections
    lineage_ghosts: list[str]  # absent base of the g-th dangling lineage edge (ids repeat, like real ones)
    ghost_datasets: list[str]
    ghost_spaces: list[str]
    ghost_papers: list[str]
    model_datasets: Links
    model_papers: Links
    dataset_papers: Links
    dataset_tasks: Links
    space_models: Links
    space_datasets: Links
    paper_ids: list[str]
    paper_published: np.ndarray
    paper_users: Links
    collection_owner_is_org: np.ndarray
    collection_owner: np.ndarray
    collection_items: dict[str, Links]
    likes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # type -> (repo, user, time), by repo
    follow_users: tuple[np.ndarray, np.ndarray]
    follow_orgs: tuple[np.ndarray, np.ndarray]
    members: tuple[np.ndarray, np.ndarray]  # (org, user)
    renames: dict[str, dict[int, str]]  # repo type -> index -> old id
    hostile: dict[str, np.ndarray]  # repo type -> indices with hostile card data


FORMS = ("tag3", "tag2", "cardData", "baseModels")
TAG3, TAG2, CARD, BASE_MODELS = range(4)


@dataclass
class _Accounts:
    users: list[str]
    orgs: list[str]
    user_created: np.ndarray
    org_created: np.ndarray
    user_activity: np.ndarray
    org_activity: np.ndarray


def build_plan(
    nodes: int,
    seed: int,
    now: int,
    hostile_share: float,
    task_ids: list[str],
    reserved: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
    social_density: float = 1.0,
) -> Plan:
    """Draw the whole skeleton of a world of ``nodes`` nodes.

    ``task_ids`` are the 52 tasks in order; ``reserved`` = (account names, repo ids) already taken (by embedded
    recorded bodies), which generated ones must not reuse. ``social_density`` multiplies the calibrated volumes of
    likes and follows (see ``generate_world``). Each part draws from its own named random stream, so the parts are
    independent of the order they run in.
    """
    reserved_names, reserved_ids = reserved
    counts = cal.node_counts(nodes)
    acc = _draw_accounts(seed, now, counts, reserved_names)
    repo_ids = naming.Namespace(reserved_ids)

    def repos(kind: str, n: int, card_share: float) -> Repos:
        r = stream(seed, f"{kind}s")
        owner_is_org = r.random(n) >= cal.user_author_share(kind)
        owner = np.where(owner_is_org, pick(r, acc.org_activity, n), pick(r, acc.user_activity, n))
        created = growing_times(r, n, now)
        return Repos(
            kind,
            [],
            owner_is_org,
            owner,
            created,
            later(r, created, now, 60),
            heavy_tail(r, n, 1.1),
            r.random(n) < card_share,
        )

    models = repos("model", counts["model"], 1 - cal.MODELS_WITHOUT_CARD_SHARE)
    datasets = repos("dataset", counts["dataset"], 0.7)
    spaces = repos("space", counts["space"], 1.0)
    family, lineage, form, pipeline = _draw_model_lineage(seed, models, task_ids)
    _owners_along_lineage(stream(seed, "lineage-owners"), models, lineage)
    n_model_ghosts = int((lineage.parents.targets < 0).sum())
    ghost_models, lineage_ghosts = _name_models(seed, models, acc, family, lineage, n_model_ghosts, repo_ids)
    _name_repos(seed, datasets, acc.users, acc.orgs, naming.dataset_name, repo_ids)
    _name_repos(seed, spaces, acc.users, acc.orgs, naming.space_name, repo_ids)

    rng = stream(seed, "papers")
    paper_published = growing_times(rng, counts["paper"], now, growth=2.0)
    paper_ids, ghost_papers = _arxiv_ids(rng, paper_published)
    paper_pop = heavy_tail(rng, len(paper_ids), 1.0)
    paper_users = _draw_links(
        rng, np.ones(len(paper_ids), bool), cal.per_tail("user_publish_paper"), 0.8, acc.user_activity, 0, 0.0
    )
    ghosts = {
        "model": ghost_models,
        "dataset": _ghost_ids(seed, "dataset", max(2, len(datasets) // 50), acc.users, acc.orgs, repo_ids),
        "space": _ghost_ids(seed, "space", max(2, len(spaces) // 100), acc.users, acc.orgs, repo_ids),
        "paper": ghost_papers,
    }
    repo_links = _draw_repo_links(seed, (models, datasets, spaces), paper_pop, ghosts, len(task_ids))
    popularity = {"model": models.pop, "dataset": datasets.pop, "space": spaces.pop, "paper": paper_pop}
    coll_is_org, coll_owner, items = _draw_collections(seed, counts["collection"], acc, popularity, ghosts)
    all_repos = (models, datasets, spaces)
    likes, follow_users, follow_orgs, members = _draw_social(
        seed, now, acc, all_repos, (coll_is_org, coll_owner), social_density
    )
    _users_before_their_repos(acc.user_created, all_repos)
    discovered = _discoverable_users(
        (len(acc.users), len(acc.orgs)),
        all_repos,
        (coll_is_org, coll_owner),
        paper_users,
        likes,
        (follow_users, follow_orgs, members),
    )
    _reach_every_user(stream(seed, "reach"), all_repos, likes, acc.user_created, now, discovered=discovered)

    rng = stream(seed, "renames")
    renames = {repo.kind: _draw_renames(rng, repo, acc.users, acc.orgs, repo_ids) for repo in all_repos}
    rng = stream(seed, "hostile")
    hostile = {repo.kind: _draw_hostile(rng, repo, hostile_share) for repo in all_repos}
    return Plan(
        seed=seed,
        now=now,
        users=acc.users,
        orgs=acc.orgs,
        user_created=acc.user_created,
        org_created=acc.org_created,
        models=models,
        datasets=datasets,
        spaces=spaces,
        family=family,
        pipeline=pipeline,
        lineage=lineage,
        form=form,
        ghost_models=ghost_models,
        lineage_ghosts=lineage_ghosts,
        ghost_datasets=ghosts["dataset"],
        ghost_spaces=ghosts["space"],
        ghost_papers=ghost_papers,
        paper_ids=paper_ids,
        paper_published=paper_published,
        paper_users=paper_users,
        collection_owner_is_org=coll_is_org,
        collection_owner=coll_owner,
        collection_items=items,
        likes=likes,
        follow_users=follow_users,
        follow_orgs=follow_orgs,
        members=members,
        renames=renames,
        hostile=hostile,
        **repo_links,
    )


def _draw_accounts(seed: int, now: int, counts: dict[str, int], reserved_names: frozenset[str]) -> _Accounts:
    """User and organisation names, creation times and activity (how much each one publishes, likes, follows)."""
    rnd = pystream(seed, "accounts")
    users, orgs = naming.account_names(rnd, counts["user"], counts["organization"], reserved_names)
    rng = stream(seed, "accounts")
    user_created = rng.permutation(growing_times(rng, len(users), now, growth=2.5))
    org_created = rng.permutation(growing_times(rng, len(orgs), now, growth=2.0))
    user_activity = heavy_tail(rng, len(users), 1.1)
    org_activity = heavy_tail(rng, len(orgs), 0.9)
    return _Accounts(users, orgs, user_created, org_created, user_activity, org_activity)


def _draw_model_lineage(
    seed: int, models: Repos, task_ids: list[str]
) -> tuple[np.ndarray, Lineage, np.ndarray, np.ndarray]:
    """Each model's family, its lineage, how the lineage is stated, and its task (index or -1)."""
    rng = stream(seed, "lineage")
    family = rng.choice(len(naming.FAMILIES), len(models), p=_normalised(naming.FAMILY_WEIGHTS))
    lineage = build_lineage(rng, family, models.pop)
    derived = lineage.relation != ROOT
    # Derived models mostly have a card (that is where lineage is written); keep the overall share.
    models.has_card = np.where(
        derived, rng.random(len(models)) < 0.92, models.has_card & (rng.random(len(models)) < 0.5)
    )
    _plant_time_violations(rng, models, lineage)
    form = _statement_forms(rng, models, lineage)
    # Most models carry their family's task; some any of the 52, so every task is used.
    family_task = np.array([task_ids.index(f.pipeline_tag) for f in naming.FAMILIES])[family]
    pipeline = np.where(
        rng.random(len(models)) < cal.per_head("model_definedFor_task"),
        np.where(rng.random(len(models)) < 0.85, family_task, rng.integers(0, len(task_ids), len(models))),
        -1,
    )
    return family, lineage, form, pipeline


def _draw_repo_links(
    seed: int, all_repos: tuple[Repos, ...], paper_pop: np.ndarray, ghosts: dict[str, list[str]], task_count: int
) -> dict[str, Links]:
    """Training datasets and cited papers of models, papers and tasks of datasets, models and datasets of Spaces."""
    models, datasets, spaces = all_repos
    rng = stream(seed, "links")
    card_m = models.has_card.mean() or 1.0
    card_d = datasets.has_card.mean() or 1.0
    n_ghost = {kind: len(ids) for kind, ids in ghosts.items()}
    all_spaces = np.ones(len(spaces), bool)
    # (heads, links per head, share of heads with any, popularity of targets, ghost targets, dangling share),
    # drawn in this order from one stream.
    draws = {
        "model_datasets": (
            models.has_card,
            cal.per_head("model_trainedOrFineTunedOn_dataset") / card_m,
            0.15,
            datasets.pop,
            n_ghost["dataset"],
            0.08,
        ),
        "model_papers": (
            models.has_card,
            cal.per_head("model_cite_paper") / card_m,
            0.3,
            paper_pop,
            n_ghost["paper"],
            0.15,
        ),
        "dataset_papers": (
            datasets.has_card,
            cal.per_head("dataset_cite_paper") / card_d,
            0.03,
            paper_pop,
            n_ghost["paper"],
            0.15,
        ),
        "dataset_tasks": (
            np.ones(len(datasets), bool),
            cal.per_head("dataset_definedFor_task"),
            0.12,
            np.ones(task_count),
            0,
            0.0,
        ),
        "space_models": (
            all_spaces,
            cal.per_head("space_use_model"),
            0.45,
            models.pop,
            n_ghost["model"],
            cal.DANGLING_SHARE,
        ),
        "space_datasets": (
            all_spaces,
            cal.per_head("space_use_dataset"),
            0.012,
            datasets.pop,
            n_ghost["dataset"],
            0.05,
        ),
    }
    return {name: _draw_links(rng, *args) for name, args in draws.items()}


def _draw_collections(
    seed: int,
    n_coll: int,
    acc: _Accounts,
    popularity: dict[str, np.ndarray],
    ghosts: dict[str, list[str]],
) -> tuple[np.ndarray, np.ndarray, dict[str, Links]]:
    """Collections' owners (user or org) and their items of each type."""
    rng = stream(seed, "collections")
    coll_is_org = rng.random(n_coll) >= _share("user_own_collection", "org_own_collection")
    coll_owner = np.where(coll_is_org, pick(rng, acc.org_activity, n_coll), pick(rng, acc.user_activity, n_coll))
    every = np.ones(n_coll, bool)
    share = {"model": 0.6, "dataset": 0.25, "space": 0.3, "paper": 0.25}
    items = {
        kind: _draw_links(
            rng,
            every,
            cal.per_head(f"collection_contain_{kind}"),
            share[kind],
            popularity[kind],
            len(ghosts[kind]),
            0.02,
        )
        for kind in ("model", "dataset", "space", "paper")
    }
    return coll_is_org, coll_owner, items


def _draw_social(
    seed: int,
    now: int,
    acc: _Accounts,
    all_repos: tuple[Repos, ...],
    collection_owners: tuple[np.ndarray, np.ndarray],
    density: float,
) -> tuple[
    dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    tuple[np.ndarray, np.ndarray],
    tuple[np.ndarray, np.ndarray],
    tuple[np.ndarray, np.ndarray],
]:
    """Likes (by topic taste), user and org follows, and org membership (every org with content gets staff).

    ``density`` scales the calibrated like and follow volumes (membership is not a taste signal)."""
    rng = stream(seed, "social")
    taste = stream(seed, "taste")
    n_users, n_orgs = len(acc.users), len(acc.orgs)
    user_topic = taste.integers(0, LIKE_TOPICS, n_users)
    likes = {
        repo.kind: _draw_likes(
            rng,
            repo,
            density * cal.per_tail(f"user_like_{repo.kind}"),
            acc.user_activity,
            (taste.integers(0, LIKE_TOPICS, len(repo)), user_topic),
            acc.user_created,
            now,
        )
        for repo in all_repos
    }
    follow_users = _draw_pairs(
        rng,
        n_users,
        density * cal.per_head("user_follow_user"),
        acc.user_activity,
        heavy_tail(rng, n_users, 0.9),
        no_self=True,
    )
    follow_orgs = _draw_pairs(
        rng, n_users, density * cal.per_head("user_follow_org"), acc.user_activity, acc.org_activity
    )
    member_users, member_orgs = _draw_pairs(
        rng, n_users, cal.per_head("user_affiliatedWith_org"), acc.user_activity, acc.org_activity
    )
    member_users, member_orgs = _staff_lonely_orgs(
        rng, all_repos, collection_owners, (member_users, member_orgs), n_orgs, acc.user_activity
    )
    return likes, follow_users, follow_orgs, (member_orgs, member_users)


def _normalised(weights: tuple[float, ...]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


def _share(user_relation: str, org_relation: str) -> float:
    u = cal.HUGGINGKG_RELATIONS[user_relation][2]
    return u / (u + cal.HUGGINGKG_RELATIONS[org_relation][2])


def _plant_time_violations(rng: np.random.Generator, models: Repos, lineage: Lineage) -> None:
    """Make a child older than its parent for ~0.2 % of derived models (re-uploaded bases on the Hub).

    Moving a child *earlier* never breaks the order with its own children, so the planted share is exact.
    """
    candidates = np.flatnonzero((lineage.relation != ROOT) & (lineage.parents.degree() == 1))
    share = 1 - cal.PARENT_OLDER_SHARE
    for i in candidates[rng.random(len(candidates)) < share * 0.7]:
        parent = int(lineage.parents.of(i)[0])
        if parent >= 0:
            models.created[i] = models.created[parent] - int(rng.integers(1, 30)) * DAY
    models.modified = np.maximum(models.modified, models.created)


def _owners_along_lineage(rng: np.random.Generator, models: Repos, lineage: Lineage) -> None:
    """A derived model is uploaded by its first parent's owner at ``DERIVED_SAME_OWNER_SHARE`` (shared/hub-samples);
    in creation order, so a same-owner chain stays with one owner. Ghost and later (planted) parents are skipped."""
    same = (rng.random(len(models)) < cal.DERIVED_SAME_OWNER_SHARE) & (lineage.relation != ROOT)
    for i in np.flatnonzero(same):
        parent = int(lineage.parents.of(int(i))[0])
        if 0 <= parent < i:
            models.owner[i] = models.owner[parent]
            models.owner_is_org[i] = models.owner_is_org[parent]


def _statement_forms(rng: np.random.Generator, models: Repos, lineage: Lineage) -> np.ndarray:
    """How each derived model states its parents (see WORLD_FORMAT.md, "Lineage forms")."""
    n = len(models)
    roll = rng.random(n)
    old = models.modified < QUALIFIED_TAGS_SINCE
    adapter = lineage.relation == 0
    form = np.where(roll < 0.15, CARD, np.where(old & (roll < 0.6) & ~adapter, TAG2, TAG3))
    form = np.where(models.has_card, form, BASE_MODELS)
    return np.where(lineage.relation == ROOT, -1, form).astype(np.int8)


def _name_models(
    seed: int,
    models: Repos,
    acc: _Accounts,
    family: np.ndarray,
    lineage: Lineage,
    n_ghosts: int,
    repo_ids: naming.Namespace,
) -> tuple[list[str], list[str]]:
    """Name models in creation order (derived names extend their first parent's name).

    Returns the distinct absent model ids and, per dangling lineage edge, which of them it names.
    """
    rnd = pystream(seed, "model-names")
    users, orgs = acc.users, acc.orgs
    ghosts = _ghost_ids(seed, "model", max(1, n_ghosts // 3 + 1), users, orgs, repo_ids)
    ghosts = ["runwayml/stable-diffusion-v1-5", *ghosts[1:]]
    ghost_of = [ghosts[rnd.randrange(len(ghosts))] for _ in range(n_ghosts)]
    names: list[str] = []
    for i in range(len(models)):
        owner = orgs[models.owner[i]] if models.owner_is_org[i] else users[models.owner[i]]
        rel = int(lineage.relation[i])
        if rel == ROOT:
            name = naming.root_model_name(rnd, naming.FAMILIES[family[i]])
        else:
            first = int(lineage.parents.of(i)[0])
            base = names[first] if first >= 0 else ghost_of[-first - 1].split("/", 1)[1]
            quant = int(lineage.quant[i])
            quant_kind = QUANT_KINDS[quant] if quant >= 0 else None
            name = naming.derived_model_name(rnd, base, RELATION_NAMES[rel], quant_kind, naming.FAMILIES[family[i]])
        names.append(naming.trim_name(name))
        models.ids.append(naming.unique_repo_id(owner, names[-1], repo_ids))
        names[-1] = models.ids[-1].split("/", 1)[1]
    return ghosts, ghost_of


def _name_repos(seed: int, repos: Repos, users: list[str], orgs: list[str], make, repo_ids: naming.Namespace) -> None:
    rnd = pystream(seed, f"{repos.kind}-names")
    for i in range(len(repos)):
        owner = orgs[repos.owner[i]] if repos.owner_is_org[i] else users[repos.owner[i]]
        repos.ids.append(naming.unique_repo_id(owner, make(rnd), repo_ids))


def _ghost_ids(
    seed: int, kind: str, n: int, users: list[str], orgs: list[str], repo_ids: naming.Namespace
) -> list[str]:
    """Ids of absent repos: deleted repos of existing accounts, and repos of accounts that are gone."""
    rnd = pystream(seed, f"ghost-{kind}s")
    out: list[str] = []
    for k in range(n):
        if kind == "dataset" and k < len(naming.LEGACY_DATASETS):
            out.append(naming.LEGACY_DATASETS[k])  # canonical ids without a namespace
            continue
        owner = rnd.choice(orgs) if rnd.random() < 0.5 else f"deleted-{rnd.choice(users)}"
        name = {
            "model": lambda: naming.root_model_name(rnd, rnd.choice(naming.FAMILIES)),
            "dataset": lambda: naming.dataset_name(rnd),
            "space": lambda: naming.space_name(rnd),
        }[kind]()
        out.append(naming.unique_repo_id(owner, name, repo_ids))
    return out


def _arxiv_ids(rng: np.random.Generator, published: np.ndarray) -> tuple[list[str], list[str]]:
    """arXiv ids (``YYMM.NNNNN``) matching publication months, plus ids of papers unknown to the Hub."""

    def ident(seconds: int, number: int) -> str:
        d = datetime.fromtimestamp(int(seconds), tz=UTC)
        return f"{d.year % 100:02d}{d.month:02d}.{number:05d}"

    numbers = rng.permutation(99_999)[: len(published) * 2] + 1
    real = [ident(t, numbers[k]) for k, t in enumerate(published)]
    ghosts = [ident(t, numbers[len(published) + k]) for k, t in enumerate(published[: max(2, len(published) // 2)])]
    return real, sorted(set(ghosts) - set(real))


def _draw_links(
    rng: np.random.Generator,
    heads: np.ndarray,
    mean: float,
    active_share: float,
    target_pop: np.ndarray,
    n_ghosts: int,
    ghost_share: float,
) -> Links:
    """Links from eligible ``heads`` to popular targets, a ``ghost_share`` of them dangling.

    ``mean`` is the target number of *present* edges per eligible head, so ghosts come on top. Heavy
    tails make a head draw the same target twice, so the draw is generous and then trimmed.
    """
    want = int(round(mean * int(heads.sum())))
    scale = 1.3
    while True:
        counts = counts_with_mean(rng, len(heads), scale * mean / (1 - ghost_share), active_share) * heads
        draw = pick(rng, target_pop, int(counts.sum()))
        links = Links.from_counts(counts, with_ghosts(rng, draw, ghost_share, n_ghosts))
        present = np.flatnonzero(links.targets >= 0)
        if len(present) >= want or scale > 10:
            break
        scale *= 1.5
    # Trim surplus present edges at random so the volume lands exactly on the calibration target.
    keep = np.ones(len(links.targets), dtype=bool)
    keep[rng.choice(present, size=max(len(present) - want, 0), replace=False)] = False
    heads_of = np.repeat(np.arange(len(heads)), links.degree())
    return Links.from_pairs(len(heads), heads_of[keep], links.targets[keep])


def _draw_pairs(
    rng: np.random.Generator,
    n_heads: int,
    mean: float,
    head_weight: np.ndarray,
    tail_weight: np.ndarray,
    no_self: bool = False,
    taste: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """About ``mean * n_heads`` distinct (head, tail) pairs, grouped by head, both ends heavy-tailed.

    With ``taste`` = (head topic, tail topic), a share ``TASTE_SHARE`` of the pairs joins a tail to a head of its
    own topic. Repeated pairs are dropped, so the draw is generous and then trimmed to the target.
    """
    want = int(round(mean * n_heads))
    n = int(want * 1.3)
    while True:
        heads, tails = pick(rng, head_weight, n), pick(rng, tail_weight, n)
        if taste is not None:
            heads = _pick_by_topic(rng, heads, head_weight, taste[0], taste[1][tails])
        if no_self:
            keep = heads != tails
            heads, tails = heads[keep], tails[keep]
        links = Links.from_pairs(n_heads, heads, tails)
        if len(links.targets) >= want or n > 10 * want:
            break
        n = int(n * 1.5)
    heads = np.repeat(np.arange(n_heads), links.degree())
    keep = np.sort(rng.choice(len(heads), size=min(want, len(heads)), replace=False))
    return heads[keep], links.targets[keep]


def _pick_by_topic(
    rng: np.random.Generator, heads: np.ndarray, weight: np.ndarray, head_topic: np.ndarray, want_topic: np.ndarray
) -> np.ndarray:
    """Redraw a share ``TASTE_SHARE`` of ``heads`` among the heads of topic ``want_topic`` (by ``weight``)."""
    order = np.argsort(head_topic, kind="stable")
    cdf = np.cumsum(weight[order], dtype=np.float64)
    first = np.searchsorted(head_topic[order], np.arange(LIKE_TOPICS + 1))  # topic t: order[first[t]:first[t + 1]]
    low = np.where(first[:-1] > 0, cdf[np.maximum(first[:-1] - 1, 0)], 0.0)
    high = np.where(first[1:] > 0, cdf[np.maximum(first[1:] - 1, 0)], 0.0)
    redraw = (rng.random(len(heads)) < TASTE_SHARE) & (first[want_topic + 1] > first[want_topic])
    t = want_topic[redraw]
    at = np.searchsorted(cdf, low[t] + rng.random(len(t)) * (high[t] - low[t]), side="right")
    heads = heads.copy()
    heads[redraw] = order[np.clip(at, first[t], first[t + 1] - 1)]
    return heads


def _draw_likes(
    rng: np.random.Generator,
    repos: Repos,
    mean: float,
    user_activity: np.ndarray,
    topics: tuple[np.ndarray, np.ndarray],
    user_created: np.ndarray,
    now: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Likes as (repo, user, time) sorted by repo; sets ``repos.likes`` to match exactly.

    ``topics`` = (repo topic, user topic): most likes go to popular repos of the user's topic, the rest to popular
    repos at large, so co-likes carry signal beyond popularity (as real Hub likes do: people like related repos).
    """
    repo, user = _draw_pairs(rng, len(repos), mean, repos.pop, user_activity, taste=topics)
    repos.likes = np.bincount(repo, minlength=len(repos))
    when = between(rng, np.maximum(repos.created[repo], user_created[user]) + 60, now)
    return repo, user, np.minimum(when, now)


def _users_before_their_repos(user_created: np.ndarray, all_repos: tuple[Repos, ...]) -> None:
    """An account exists before anything it publishes."""
    first = user_created.copy()
    for repos in all_repos:
        mine = ~repos.owner_is_org
        np.minimum.at(first, repos.owner[mine], repos.created[mine] - DAY)
    np.maximum(first, HUB_START - 365 * DAY, out=user_created)


def _draw_renames(
    rng: np.random.Generator, repos: Repos, users: list[str], orgs: list[str], repo_ids: naming.Namespace
) -> dict[int, str]:
    """A few repos were renamed or transferred: old id -> current id (the body carries the current one)."""
    n = max(1, len(repos) // 500)
    out = {}
    for i in sorted(set(rng.choice(len(repos), size=min(n, len(repos)), replace=False).tolist())):
        owner, name = repos.ids[i].split("/", 1)
        if rng.random() < 0.5:
            owner = users[int(rng.integers(len(users)))]  # transferred from a user account
        else:
            name = rng.choice(["Meta-", "old-", ""]) + name + rng.choice(["", "-preview", "_v0"])
        out[i] = naming.unique_repo_id(owner, name, repo_ids)
    return out


def _draw_hostile(rng: np.random.Generator, repos: Repos, share: float) -> np.ndarray:
    """Indices of carded repos whose card data is hostile (at least one per kind when share > 0)."""
    carded = np.flatnonzero(repos.has_card)
    if share <= 0 or len(carded) == 0:
        return np.zeros(0, dtype=np.int64)
    n = min(len(carded), max(3, int(round(share * len(carded)))))
    return np.sort(rng.choice(carded, size=n, replace=False))


def _staff_lonely_orgs(
    rng: np.random.Generator,
    all_repos: tuple[Repos, ...],
    collection_owners: tuple[np.ndarray, np.ndarray],
    members: tuple[np.ndarray, np.ndarray],
    n_orgs: int,
    user_activity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Give every organisation that owns no repo or collection and has no member one member, so a crawler can find
    it (through its member's overview): no endpoint lists organisations, and an org nobody can reach would be world
    truth no snapshot could hold. Pairs stay grouped by user, as ``_draw_pairs`` returns them."""
    member_users, member_orgs = members
    reached = np.zeros(n_orgs, dtype=bool)
    for repos in all_repos:
        reached[repos.owner[repos.owner_is_org]] = True
    coll_is_org, coll_owner = collection_owners
    reached[coll_owner[coll_is_org]] = True
    reached[member_orgs] = True
    lonely = np.flatnonzero(~reached)
    users = np.concatenate([member_users, pick(rng, user_activity, len(lonely))])
    orgs = np.concatenate([member_orgs, lonely])
    order = np.argsort(users, kind="stable")
    return users[order], orgs[order]


def _discoverable_users(
    accounts: tuple[int, int],
    all_repos: tuple[Repos, ...],
    collection_owners: tuple[np.ndarray, np.ndarray],
    paper_users: Links,
    likes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    social: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """Users a crawler can find, as on the real Hub: no endpoint lists accounts, so names come from repo and
    collection owners, paper authors and likers, then from the followers of found users and the followers and
    members of found orgs (``/following`` is not read), until nothing new appears. ``accounts`` is (users, orgs)
    counts; ``social`` is (user follows, org follows, org members)."""
    n_users, n_orgs = accounts
    follow_users, follow_orgs, members = social
    users = np.zeros(n_users, dtype=bool)
    orgs = np.zeros(n_orgs, dtype=bool)
    coll_is_org, coll_owner = collection_owners
    for repos in all_repos:
        users[repos.owner[~repos.owner_is_org]] = True
        orgs[repos.owner[repos.owner_is_org]] = True
    users[coll_owner[~coll_is_org]] = True
    orgs[coll_owner[coll_is_org]] = True
    users[paper_users.targets[paper_users.targets >= 0]] = True
    for _, user, _ in likes.values():
        users[user] = True
    follower, followee = follow_users
    org_follower, followed_org = follow_orgs
    member_org, member_user = members
    users[org_follower[orgs[followed_org]]] = True
    users[member_user[orgs[member_org]]] = True
    while True:  # follower chains: each round reads the follower lists of the users found in the last one
        found = followee[users[followee] & ~users[follower]]
        if len(found) == 0:
            return users
        users[follower[np.isin(followee, found)]] = True


def _reach_every_user(
    rng: np.random.Generator,
    all_repos: tuple[Repos, ...],
    likes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    user_created: np.ndarray,
    now: int,
    discovered: np.ndarray,
) -> None:
    """Give every undiscoverable user one like, so the world's truth is reachable by a crawl.

    The like is taken over from a user with several likes (who keeps at least one), so like volumes and
    counters stay exactly as calibrated; the repo keeps its position in the by-repo order.
    """
    lonely = np.flatnonzero(~discovered)
    if len(lonely) == 0:
        return
    kinds = [repos.kind for repos in all_repos]
    owner = np.concatenate([likes[k][1] for k in kinds])
    kind_of = np.repeat(np.arange(len(kinds)), [len(likes[k][1]) for k in kinds])
    index_in_kind = np.concatenate([np.arange(len(likes[k][1])) for k in kinds])
    # A donor gives away all but its first like: order likes by user, drop each user's first.
    order = np.argsort(owner, kind="stable")
    first = np.ones(len(order), dtype=bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    pool = order[~first]
    take = rng.choice(pool, size=min(len(lonely), len(pool)), replace=False)
    for k, repos in enumerate(all_repos):
        mine = take[kind_of[take] == k]
        if len(mine) == 0:
            continue
        repo, user, when = likes[repos.kind]
        slots = index_in_kind[mine]
        user[slots] = lonely[np.flatnonzero(kind_of[take] == k)]
        low = np.maximum(repos.created[repo[slots]], user_created[user[slots]]) + 60
        when[slots] = np.minimum(between(rng, low, now), now)
