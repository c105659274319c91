"""Model lineage structure: who derives from whom, and how.

Built to reproduce what Model Atlas measured on the real Hub:
- relation mix of HuggingKG (adapter > finetune > quantized > merge), per family (adapters mostly on
  diffusion models, quantizations and merges mostly on LLMs);
- parents are always earlier models (index order = creation order), except a planted 0.2 %;
- quantized models are leaves except a planted ~0.5 % (re-quantizable uploads);
- preferential attachment on a heavy-tailed popularity, so popular bases get hubs of sibling leaves;
- LLM finetunes and merges are themselves attractive parents, which makes chains (NLP depth >= 5 for
  a few percent), while vision/audio trees stay one level deep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hub_emulator.worldgen import calibration as cal
from hub_emulator.worldgen.links import Links, ghost
from hub_emulator.worldgen.naming import FAMILIES, TEXT_GENERATION_FAMILIES

ROOT, ADAPTER, FINETUNE, QUANTIZED, MERGE = -1, 0, 1, 2, 3
RELATION_NAMES = {ADAPTER: "adapter", FINETUNE: "finetune", QUANTIZED: "quantized", MERGE: "merge"}
QUANT_KINDS = ("gguf", "awq", "gptq", "bnb", "mlx")
_QUANT_WEIGHTS = (0.55, 0.1, 0.1, 0.15, 0.1)

_DIFFUSION = frozenset(i for i, f in enumerate(FAMILIES) if f.library == "diffusers")


def _affinity(relation: int, family: int) -> float:
    """How much more (or less) likely a relation is in a family than on average."""
    text_gen = family in TEXT_GENERATION_FAMILIES
    diffusion = family in _DIFFUSION
    if relation == ADAPTER:
        return 6.0 if diffusion else 1.2 if text_gen else 0.3
    if relation == QUANTIZED:
        return 1.8 if text_gen else 0.3 if FAMILIES[family].stem == "FLUX.1" else 0.01
    if relation == MERGE:
        return 2.0 if text_gen else 0.02
    return 1.0 if text_gen else 0.6 if diffusion else 1.6


def _chain_affinity(family: int) -> float:
    """Weight of an LLM finetune/merge as a parent relative to a root: creates NLP chains."""
    return 25.0 if family in TEXT_GENERATION_FAMILIES else 0.03


@dataclass(frozen=True)
class Lineage:
    """Per-model relation code, quantization kind, parents (Links with ghosts) and depth."""

    relation: np.ndarray
    quant: np.ndarray
    parents: Links
    depth: np.ndarray


def relation_probabilities(family_shares: np.ndarray) -> np.ndarray:
    """P(relation | family), scaled so the world-wide mix matches HuggingKG's edge counts."""
    n = cal.HUGGINGKG_NODES["model"]
    target = {
        ADAPTER: cal.HUGGINGKG_RELATIONS["model_adapter_model"][2] / n,
        FINETUNE: cal.HUGGINGKG_RELATIONS["model_finetune_model"][2] / n,
        QUANTIZED: cal.HUGGINGKG_RELATIONS["model_quantized_model"][2] / n,
        MERGE: cal.HUGGINGKG_RELATIONS["model_merge_model"][2] / n / cal.MEAN_MERGE_PARENTS,
    }
    probs = np.zeros((len(FAMILIES), 4))
    for rel, share in target.items():
        aff = np.array([_affinity(rel, f) for f in range(len(FAMILIES))])
        # Stated edges include dangling ones, which the counts leave out: state a little more.
        probs[:, rel] = share / (1 - cal.DANGLING_SHARE) * aff / float(family_shares @ aff)
    return probs


def build_lineage(rng: np.random.Generator, family: np.ndarray, pop: np.ndarray) -> Lineage:
    """Draw relations and parents for models in creation order (index order)."""
    n = len(family)
    shares = np.bincount(family, minlength=len(FAMILIES)) / max(n, 1)
    probs = relation_probabilities(shares)
    cum = np.cumsum(probs[family], axis=1)
    u = rng.random(n)
    relation = np.where(u < cum[:, -1], (u[:, None] >= cum).sum(axis=1), ROOT).astype(np.int8)
    relation[: max(1, n // 100)] = ROOT  # the first uploads are foundation models
    quant = np.where(relation == QUANTIZED, rng.choice(len(QUANT_KINDS), n, p=_QUANT_WEIGHTS), -1)

    requantizable = (relation == QUANTIZED) & (rng.random(n) < 1 - cal.QUANTIZED_LEAF_SHARE)
    parent_of = np.full(n, -1, dtype=np.int64)
    merge_parents: dict[int, list[int]] = {}
    for fam in range(len(FAMILIES)):
        members = np.flatnonzero(family == fam)
        if len(members) == 0:
            continue
        rel = relation[members]
        p = pop[members]
        roots_w = np.where(rel == ROOT, p, 0.0)
        chain_w = roots_w + np.where((rel == FINETUNE) | (rel == MERGE), p * _chain_affinity(fam), 0.0)
        chain_w += np.where(requantizable[members], p, 0.0)
        chain_w += np.where(rel == ADAPTER, p * 0.01, 0.0)
        for kind, weights in ((ADAPTER, roots_w), (None, chain_w)):
            cdf = np.cumsum(weights)
            want = (rel == ADAPTER) if kind == ADAPTER else (rel != ROOT) & (rel != ADAPTER)
            pos = np.flatnonzero(want & (np.arange(len(members)) > 0))
            avail = cdf[pos - 1]
            ok = avail > 0
            pos, avail = pos[ok], avail[ok]
            picked = np.searchsorted(cdf, rng.random(len(pos)) * avail, side="right")
            parent_of[members[pos]] = members[np.minimum(picked, pos - 1)]
        # quantized weights are not merged (Model Atlas drops quantized models from every parent candidate set)
        kids = _children(members[rel != QUANTIZED], parent_of)
        for i in pos[rel[pos] == MERGE]:
            k = rng.choice(cal.MERGE_PARENTS, p=cal.MERGE_PARENT_WEIGHTS)
            draws = np.searchsorted(cdf, rng.random(3 * k) * cdf[i - 1], side="right")
            chosen = list(dict.fromkeys(int(members[min(d, i - 1)]) for d in draws))
            merge_parents[int(members[i])] = _merge_parents(
                rng, chosen, int(k), int(members[i]), parent_of, kids, relation
            )
    relation[(relation != ROOT) & (parent_of < 0)] = ROOT
    for i, chosen in merge_parents.items():
        if len(chosen) < 2:
            relation[i] = FINETUNE
    return _assemble(rng, relation, quant, parent_of, merge_parents)


def _children(members: np.ndarray, parent_of: np.ndarray) -> dict[int, np.ndarray]:
    """Children (ascending model indices) of every parent among ``members``."""
    parents = parent_of[members]
    order = np.argsort(parents, kind="stable")
    keys, starts = np.unique(parents[order], return_index=True)
    groups = np.split(members[order], starts[1:])
    return {int(key): group for key, group in zip(keys, groups, strict=True) if key >= 0}


def _merge_parents(
    rng: np.random.Generator,
    drawn: list[int],
    k: int,
    merge: int,
    parent_of: np.ndarray,
    kids: dict[int, np.ndarray],
    relation: np.ndarray,
) -> list[int]:
    """Up to ``k`` parents of ``merge``: the first drawn one, then each further parent at ``MERGE_RELATIVES_SHARE``
    one of its unquantized relatives uploaded before the merge (its base, siblings, children), otherwise the next
    drawn one."""
    first = drawn[0]
    base = int(parent_of[first])
    near = [base] if base >= 0 and relation[base] != QUANTIZED else []
    for group in (kids.get(base), kids.get(first)):
        if group is not None:
            near += group[group < merge].tolist()
    pool = list(dict.fromkeys(r for r in near if r != first))
    out, rest = [first], iter(drawn[1:])
    for _ in range(k - 1):
        if pool and rng.random() < cal.MERGE_RELATIVES_SHARE:
            out.append(pool.pop(int(rng.integers(len(pool)))))
        else:
            following = next((r for r in rest if r not in out), None)
            if following is not None:
                out.append(following)
    return list(dict.fromkeys(out))


def _assemble(
    rng: np.random.Generator,
    relation: np.ndarray,
    quant: np.ndarray,
    parent_of: np.ndarray,
    merge_parents: dict[int, list[int]],
) -> Lineage:
    """Turn parent choices into Links, plant dangling parents, and compute depths."""
    n = len(relation)
    heads: list[np.ndarray] = []
    tails: list[np.ndarray] = []
    single = np.flatnonzero((relation != ROOT) & (relation != MERGE))
    heads.append(single)
    tails.append(parent_of[single])
    for i, chosen in sorted(merge_parents.items()):
        if relation[i] == MERGE:
            heads.append(np.full(len(chosen), i))
            tails.append(np.array(chosen))
    head = np.concatenate(heads) if heads else np.zeros(0, dtype=np.int64)
    tail = np.concatenate(tails) if tails else np.zeros(0, dtype=np.int64)
    order = np.argsort(head, kind="stable")
    head, tail = head[order], tail[order]
    # Dangling: one stated parent per chosen derived model is a deleted / never existing repo.
    first_of_head = np.concatenate([[True], head[1:] != head[:-1]]) if len(head) else np.zeros(0, bool)
    dangling = first_of_head & (rng.random(len(head)) < cal.DANGLING_SHARE)
    tail = np.where(dangling, ghost(np.cumsum(dangling) - 1), tail)
    parents = Links.from_pairs(n, head, tail)
    depth = np.zeros(n, dtype=np.int16)
    for i in np.flatnonzero(relation != ROOT):
        known = parents.of(i)
        known = known[known >= 0]
        depth[i] = 1 + (int(depth[known].max()) if len(known) else 0)
    return Lineage(relation, quant, parents, depth)
