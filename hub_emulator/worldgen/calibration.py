"""Calibration targets taken from HuggingKG and Model Atlas.

The numbers are copied from ``shared/reference/reference-stats.json`` (HuggingKG README counts,
crawl of 2024-12-15; Model Atlas arXiv 2503.10633 priors) so the generator does not depend on that file
at run time. Everything the generator scales is derived from these constants.
"""

from __future__ import annotations

TASK_COUNT = 52

# HuggingKG node counts (tasks are fixed at 52 and handled separately).
HUGGINGKG_NODES: dict[str, int] = {
    "model": 1_202_732,
    "user": 729_401,
    "space": 307_789,
    "dataset": 261_663,
    "collection": 79_543,
    "organization": 17_233,
    "paper": 15_857,
}

# HuggingKG relation counts: relation -> (head type, tail type, count).
HUGGINGKG_RELATIONS: dict[str, tuple[str, str, int]] = {
    "model_definedFor_task": ("model", "task", 532_391),
    "model_adapter_model": ("model", "model", 155_642),
    "model_finetune_model": ("model", "model", 107_162),
    "model_merge_model": ("model", "model", 20_003),
    "model_quantized_model": ("model", "model", 45_809),
    "model_trainedOrFineTunedOn_dataset": ("model", "dataset", 96_546),
    "model_cite_paper": ("model", "paper", 272_455),
    "dataset_definedFor_task": ("dataset", "task", 38_193),
    "dataset_cite_paper": ("dataset", "paper", 10_411),
    "space_use_model": ("space", "model", 312_904),
    "space_use_dataset": ("space", "dataset", 5_071),
    "collection_contain_model": ("collection", "model", 134_515),
    "collection_contain_dataset": ("collection", "dataset", 40_771),
    "collection_contain_space": ("collection", "space", 53_833),
    "collection_contain_paper": ("collection", "paper", 42_980),
    "user_publish_model": ("user", "model", 1_073_429),
    "user_publish_dataset": ("user", "dataset", 197_226),
    "user_publish_space": ("user", "space", 294_808),
    "user_publish_paper": ("user", "paper", 25_999),
    "user_own_collection": ("user", "collection", 74_089),
    "user_like_model": ("user", "model", 1_144_281),
    "user_like_dataset": ("user", "dataset", 236_419),
    "user_like_space": ("user", "space", 586_316),
    "user_follow_user": ("user", "user", 306_135),
    "user_follow_org": ("user", "organization", 170_232),
    "user_affiliatedWith_org": ("user", "organization", 57_220),
    "org_publish_model": ("organization", "model", 128_804),
    "org_publish_dataset": ("organization", "dataset", 64_300),
    "org_publish_space": ("organization", "space", 12_956),
    "org_own_collection": ("organization", "collection", 5_453),
}

RELATIONS: tuple[str, ...] = tuple(HUGGINGKG_RELATIONS)
LINEAGE_RELATIONS: tuple[str, ...] = ("adapter", "finetune", "quantized", "merge")

# Model Atlas priors (percent of documented edges / quantized models).
PARENT_OLDER_SHARE = 0.9973
QUANTIZED_LEAF_SHARE = 0.9941
MODELS_WITHOUT_CARD_SHARE = 0.62

# Share of stated references that point at an absent entity (deleted or never existed).
DANGLING_SHARE = 0.03

# Mean number of parents of a merge (mergekit configs list 2-4 models).
MERGE_PARENTS = (2, 3, 4)
MERGE_PARENT_WEIGHTS = (0.6, 0.3, 0.1)
MEAN_MERGE_PARENTS = sum(k * w for k, w in zip(MERGE_PARENTS, MERGE_PARENT_WEIGHTS, strict=True))


def per_head(relation: str) -> float:
    """Mean number of edges of ``relation`` per node of its head type in HuggingKG."""
    head, _, count = HUGGINGKG_RELATIONS[relation]
    return count / HUGGINGKG_NODES[head]


def per_tail(relation: str) -> float:
    """Mean number of edges of ``relation`` per node of its tail type (used for likes)."""
    _, tail, count = HUGGINGKG_RELATIONS[relation]
    return count / HUGGINGKG_NODES[tail]


def user_author_share(repo_type: str) -> float:
    """Share of repos of ``repo_type`` whose namespace is a user rather than an org."""
    users = HUGGINGKG_RELATIONS[f"user_publish_{repo_type}"][2]
    orgs = HUGGINGKG_RELATIONS[f"org_publish_{repo_type}"][2]
    return users / (users + orgs)


def node_counts(total: int) -> dict[str, int]:
    """Split ``total`` nodes (tasks included) over the node types in HuggingKG's proportions.

    Every type gets at least two nodes so tiny worlds still exercise every relation.
    """
    rest = max(total - TASK_COUNT, 0)
    scale = sum(HUGGINGKG_NODES.values())
    counts = {kind: max(2, round(rest * n / scale)) for kind, n in HUGGINGKG_NODES.items()}
    counts["task"] = TASK_COUNT
    return counts


# --- License inheritance along lineage ----------------------------------------------------------------------------
# Model Atlas Table 1b (shared/reference/model-atlas.md §4.2, ≈ 1.3M models): a model's license is predicted by its
# hub's majority with accuracy 0.85, by the global majority (apache-2.0) with 0.49.
ATLAS_LICENSE_HUB_ACCURACY = 0.85
ATLAS_LICENSE_GLOBAL_ACCURACY = 0.49
# License mix of models that draw their own: apache-2.0 at the Model Atlas global share; the others in the order and
# rough proportions of the 32 licensed model bodies in shared/hub-samples (mit 6, llama3/3.1 3, cc-by-4.0 2,
# openrail variants 2, …), scaled to the remaining 0.51.
MODEL_LICENSE_SHARES: dict[str, float] = {
    "apache-2.0": ATLAS_LICENSE_GLOBAL_ACCURACY,
    "mit": 0.17,
    "llama3.1": 0.07,
    "cc-by-4.0": 0.07,
    "openrail": 0.06,
    "other": 0.05,
    "cc-by-nc-4.0": 0.05,
    "gemma": 0.04,
}
# Two independent draws from the mix agree by chance this often.
LICENSE_CHANCE_AGREEMENT = sum(s * s for s in MODEL_LICENSE_SHARES.values())
# A derived model keeps its (first, earlier) parent's license at this rate and draws from the mix otherwise, so it
# agrees with its parent at the paper's hub accuracy: p + (1 - p) · chance = 0.85.
LICENSE_INHERIT_SHARE = (ATLAS_LICENSE_HUB_ACCURACY - LICENSE_CHANCE_AGREEMENT) / (1 - LICENSE_CHANCE_AGREEMENT)
