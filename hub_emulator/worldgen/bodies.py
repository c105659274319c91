"""Hub-shaped JSON bodies built from the plan, one entity at a time.

Numbers shown in several places (a model's downloads in its body, in collection items and in paper
``linkedModels``) come from per-index arrays computed once, so every view of an entity agrees.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from hub_emulator.worldgen import calibration as cal
from hub_emulator.worldgen import hostile, naming
from hub_emulator.worldgen.lineage import ADAPTER, MERGE, QUANT_KINDS, RELATION_NAMES, ROOT
from hub_emulator.worldgen.links import Links
from hub_emulator.worldgen.plan import BASE_MODELS, CARD, FORMS, TAG2, Plan, Repos
from hub_emulator.worldgen.rand import pystream, stream
from hub_emulator.worldgen.timeline import DAILY_PAPERS_START, DAY, iso

LICENSES = ("apache-2.0", "mit", "llama3.1", "cc-by-4.0", "openrail", "gemma", "other", "cc-by-nc-4.0")
LANGUAGES = ("en", "de", "fr", "zh", "ja", "es", "ko", "ru", "multilingual")
EMOJIS = ("🚀", "🤗", "🔥", "📚", "🎨", "🦙", "💬", "🧪")
COLORS = ("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray")
SDKS = ("gradio", "gradio", "gradio", "gradio", "streamlit", "docker", "static")
STAGES = ("RUNNING", "RUNNING", "SLEEPING", "SLEEPING", "RUNTIME_ERROR", "BUILDING", "PAUSED", "STOPPED")
THEMES = ("orange", "blue", "green", "purple", "pink", "indigo")
SIZE_CATEGORIES = ("n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M")
# Model Atlas: fewer than 15% of models report accuracy; among models with a card, about this share does.
SCORED_SHARE = 0.2
# (dataset, few-shot, metric, offset from the model's latent level) of the model-index results written.
BENCHMARKS = (
    ({"name": "TruthfulQA (0-shot)", "type": "truthful_qa", "config": "multiple_choice", "split": "validation"}, 0,
     "mc2", 0.0),
    ({"name": "HellaSwag (10-Shot)", "type": "hellaswag", "split": "validation"}, 10, "acc_norm", 25.0),
)  # fmt: skip
QUANT_CONFIG = {
    "awq": {"quant_method": "awq", "bits": 4, "group_size": 128, "version": "gemm", "zero_point": True},
    "gptq": {"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": False},
    "bnb": {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "nf4"},
    "mlx": {"quant_method": "mlx", "bits": 4, "group_size": 64},
}
QUANT_TAGS = {
    "gguf": ["gguf"],
    "awq": ["4-bit", "awq"],
    "gptq": ["4-bit", "gptq"],
    "bnb": ["4-bit", "bitsandbytes"],
    "mlx": ["mlx"],
}


def object_id(seed: int, kind: str, index: int, created: int) -> str:
    """A Mongo-style ObjectId: 4-byte creation time, then 8 stable pseudo-random bytes."""
    digest = hashlib.blake2b(f"{seed}:{kind}:{index}".encode(), digest_size=8).hexdigest()
    return f"{int(created) & 0xFFFFFFFF:08x}{digest}"


@dataclass(frozen=True)
class _ModelShape:
    """One model as the plan draws it, before its body is written."""

    i: int
    model_id: str
    family: naming.Family
    rel: int  # lineage relation to its parents (ROOT: none)
    quant: str | None
    pipeline: str | None
    library: str | None
    form: int  # how the lineage is stated (tags, card, baseModels)
    parents: list[int]  # plan indices; negative: a ghost parent outside the world
    parent_ids: list[str]


def _sha(rnd: random.Random) -> str:
    return f"{rnd.getrandbits(160):040x}"


def model_licenses(plan: Plan) -> list[str]:
    """Every model's license, in creation order: a derived model keeps its first earlier parent's license at
    `cal.LICENSE_INHERIT_SHARE` (calibrated on Model Atlas), any other draws from `cal.MODEL_LICENSE_SHARES`."""
    names = list(cal.MODEL_LICENSE_SHARES)
    rng = stream(plan.seed, "model_licenses")
    n = len(plan.models)
    code = rng.choice(
        len(names), n, p=np.array(list(cal.MODEL_LICENSE_SHARES.values())) / sum(cal.MODEL_LICENSE_SHARES.values())
    )
    inherit = rng.random(n) < cal.LICENSE_INHERIT_SHARE
    for i in np.flatnonzero(inherit):
        parents = plan.lineage.parents.of(int(i))
        earlier = parents[(parents >= 0) & (parents < i)]  # ghosts have no license; planted cycles must not loop
        if len(earlier):
            code[i] = code[earlier[0]]
    return [names[c] for c in code]


class Bodies:
    """Builds every body of one world; holds the cross-entity views (stats, reverse links, names)."""

    def __init__(self, plan: Plan, task_ids: list[str]) -> None:
        self.plan = plan
        self.tasks = task_ids
        rng = stream(plan.seed, "stats")
        self.downloads = {r.kind: _downloads(rng, r) for r in (plan.models, plan.datasets)}
        self.trending = {r.kind: np.round(r.pop * rng.random(len(r)), 3) for r in self._repos()}
        self.space_look = rng.integers(0, 1 << 16, (len(plan.spaces), 4))
        self.paper_upvotes = (rng.pareto(1.2, len(plan.paper_ids)) * 5).astype(np.int64)
        self.children = plan.lineage.parents.transpose(len(plan.models)).degree()
        self.model_licenses = model_licenses(plan)
        self.model_spaces = plan.space_models.transpose(len(plan.models))
        self.paper_models = plan.model_papers.transpose(len(plan.paper_ids))
        self.paper_datasets = plan.dataset_papers.transpose(len(plan.paper_ids))
        self.hostile = {kind: {int(i): k for k, i in enumerate(idx)} for kind, idx in plan.hostile.items()}
        self._scores: dict[int, float] = {}  # lineage_score, per model index
        names = random.Random(plan.seed)
        self.user_fullnames = [naming.full_name(names) for _ in plan.users]
        self.paper_titles = [naming.paper_title(names) for _ in plan.paper_ids]

    def _repos(self) -> tuple[Repos, Repos, Repos]:
        return self.plan.models, self.plan.datasets, self.plan.spaces

    # --- references -----------------------------------------------------------------------------
    def ref(self, kind: str, target: int) -> str:
        """Id of a link target: an entity index, or a ghost (absent) id when negative."""
        p = self.plan
        if target >= 0:
            return {"model": p.models.ids, "dataset": p.datasets.ids, "space": p.spaces.ids, "paper": p.paper_ids}[
                kind
            ][target]
        ghosts = {
            "model": p.ghost_models,
            "dataset": p.ghost_datasets,
            "space": p.ghost_spaces,
            "paper": p.ghost_papers,
        }[kind]
        return ghosts[-target - 1]

    def refs(self, kind: str, links: Links, head: int) -> list[str]:
        return [self.ref(kind, int(t)) for t in links.of(head)]

    def owner(self, repos: Repos, i: int) -> str:
        return self.plan.orgs[repos.owner[i]] if repos.owner_is_org[i] else self.plan.users[repos.owner[i]]

    def account_oid(self, is_org: bool, index: int) -> str:
        created = self.plan.org_created if is_org else self.plan.user_created
        return object_id(self.plan.seed, "org" if is_org else "user", index, created[index])

    def avatar(self, name: str) -> str:
        return f"https://cdn-avatars.huggingface.co/v1/production/uploads/{hashlib.md5(name.encode()).hexdigest()}.png"

    def author(self, is_org: bool, index: int) -> dict[str, Any]:
        """The Author object of collections."""
        p = self.plan
        name = p.orgs[index] if is_org else p.users[index]
        out: dict[str, Any] = {
            "_id": self.account_oid(is_org, index),
            "name": name,
            "fullname": naming.org_full_name(name) if is_org else self.user_fullnames[index],
            "avatarUrl": self.avatar(name),
            "type": "org" if is_org else "user",
            "isHf": False,
            "isHfAdmin": False,
            "isMod": False,
        }
        if is_org:
            out["plan"] = "team" if index % 7 == 0 else "academia" if index % 11 == 0 else None
            if out["plan"] is None:
                del out["plan"]
        else:
            out["isPro"] = index % 13 == 0
        return out

    # --- models -----------------------------------------------------------------------------------
    def model(self, i: int, rnd: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A full model body and the lineage truth records it states."""
        m = self.plan.models
        s = self._model_shape(i, rnd)
        tags, card = self._model_tags(s, rnd)
        body: dict[str, Any] = {
            "_id": object_id(self.plan.seed, "model", i, m.created[i]),
            "id": s.model_id,
            "modelId": s.model_id,
            "author": s.model_id.split("/", 1)[0],
            "sha": _sha(rnd),
            "createdAt": iso(m.created[i]),
            "lastModified": iso(m.modified[i]),
            "private": False,
            "disabled": False,
            "gated": _gated(rnd),
            "downloads": int(self.downloads["model"][0][i]),
            "downloadsAllTime": int(self.downloads["model"][1][i]),
            "likes": int(m.likes[i]),
            "trendingScore": float(self.trending["model"][i]),
        }
        if s.library:
            body["library_name"] = s.library
        if s.pipeline:
            body["pipeline_tag"] = s.pipeline
        body["tags"] = tags
        if card is not None:
            self._add_model_index(card, s)
            body["cardData"] = card
        if s.form == BASE_MODELS:
            body["baseModels"] = self._base_models(s.rel, s.parents, s.parent_ids, rnd)
        body["childrenModelCount"] = int(self.children[i])
        self._add_model_files(body, s, card is not None, rnd)
        truth = [
            {
                "base": base,
                "derived": s.model_id,
                "relation": RELATION_NAMES[s.rel],
                "source": FORMS[s.form],
                "dangling": t < 0,
            }
            for t, base in zip(s.parents, s.parent_ids, strict=True)
        ]
        return body, truth

    def _model_shape(self, i: int, rnd: random.Random) -> _ModelShape:
        """What the plan says of model `i`: family, lineage relation, quantization, task, library, parents."""
        p = self.plan
        fam = naming.FAMILIES[p.family[i]]
        rel = int(p.lineage.relation[i])
        quant = QUANT_KINDS[p.lineage.quant[i]] if p.lineage.quant[i] >= 0 else None
        library: str | None = fam.library
        if rel == ADAPTER and library == "transformers":
            library = "peft"
        elif quant in ("gguf", "mlx"):
            library = None if quant == "gguf" else "mlx"
        elif rnd.random() < 0.08:
            library = None
        parents = [int(t) for t in p.lineage.parents.of(i)]
        return _ModelShape(
            i=i,
            model_id=p.models.ids[i],
            family=fam,
            rel=rel,
            quant=quant,
            pipeline=self.tasks[p.pipeline[i]] if p.pipeline[i] >= 0 else None,
            library=library,
            form=int(p.form[i]),
            parents=parents,
            parent_ids=[p.models.ids[t] if t >= 0 else p.lineage_ghosts[-t - 1] for t in parents],
        )

    def _model_tags(self, s: _ModelShape, rnd: random.Random) -> tuple[list[str], dict[str, Any] | None]:
        """The model's tags (library, format, task, lineage, datasets, papers, license) and its card data."""
        p, i, rel, quant = self.plan, s.i, s.rel, s.quant
        datasets = self.refs("dataset", p.model_datasets, i)
        papers = self.refs("paper", p.model_papers, i)
        tags = [t for t in (s.library, "gguf" if quant == "gguf" else "safetensors", s.family.model_type) if t]
        if s.pipeline:
            tags.append(s.pipeline)
        if rel == ADAPTER:
            tags += ["lora", "template:sd-lora"] if s.library == "diffusers" else ["lora"]
        if rel == MERGE:
            tags += ["mergekit", "merge"]
        if quant:
            tags += [t for t in QUANT_TAGS[quant] if t not in tags]
        split = rnd.random()
        tag_datasets = datasets if split < 0.8 else []
        card_datasets = datasets if split >= 0.6 or not tag_datasets else []
        tags += [f"dataset:{d}" for d in tag_datasets] + [f"arxiv:{a}" for a in papers]
        if rel != ROOT and s.form in (0, TAG2):
            tags += [f"base_model:{b}" for b in s.parent_ids]
            if s.form == 0:
                tags += [f"base_model:{RELATION_NAMES[rel]}:{b}" for b in s.parent_ids]
        card = None
        if p.models.has_card[i]:
            card = self._model_card(i, rnd, rel, s.form, s.parent_ids, card_datasets, s.pipeline)
            tags.append(f"license:{card['license']}")
            tags += as_codes(card["language"])
        tags += ["endpoints_compatible", "region:us"]
        return tags, card

    def _add_model_index(self, card: dict[str, Any], s: _ModelShape) -> None:
        """Evaluation results (`model-index`) on about SCORED_SHARE of the models with a card, as the Hub's cards
        write them; drawn from their own streams so the rest of the world is unchanged."""
        pick = pystream(self.plan.seed, f"model-index:{s.i}")
        if pick.random() >= SCORED_SHARE:
            return
        score = self.lineage_score(s.i)
        results = [
            {
                "task": {"type": s.pipeline or "text-generation"},
                "dataset": dict(dataset, args={"num_few_shot": shots}),
                "metrics": [{"type": metric, "value": round(min(100.0, score + offset + pick.gauss(0, 0.5)), 2)}],
                "source": {"name": "Open LLM Leaderboard", "url": "https://huggingface.co/open-llm-leaderboard"},
            }
            for dataset, shots, metric, offset in BENCHMARKS
        ]
        card["model-index"] = [{"name": s.model_id.split("/", 1)[1], "results": results}]

    def lineage_score(self, i: int) -> float:
        """A latent benchmark level that varies smoothly along lineage: a root draws its own, a derived model
        its parents' mean plus a small step (Model Atlas's premise for accuracy imputation by graph k-NN)."""
        pending, waiting = [i], {i}
        while pending and i not in self._scores:  # parents first, without recursion: lineage chains can be long
            j = pending[-1]
            parents = [int(t) for t in self.plan.lineage.parents.of(j) if t >= 0]
            todo = [t for t in parents if t not in self._scores and t not in waiting]  # `waiting`: a cycle stops
            if todo:
                pending += todo
                waiting.update(todo)
                continue
            pending.pop()
            step = pystream(self.plan.seed, f"lineage-score:{j}")
            known = [self._scores[t] for t in parents if t in self._scores]
            level = sum(known) / len(known) + step.gauss(0, 1.5) if known else step.uniform(35, 65)
            self._scores[j] = min(90.0, max(5.0, level))
        return self._scores[i]

    def _add_model_files(self, body: dict[str, Any], s: _ModelShape, has_card: bool, rnd: random.Random) -> None:
        """Files, weights (safetensors or GGUF header), Spaces using it, config and storage of the model."""
        rel, quant, fam = s.rel, s.quant, s.family
        body["siblings"] = [{"rfilename": f} for f in _model_files(s.model_id, has_card, rel, quant)]
        params = int(rnd.choice((0.5, 1.5, 3, 7, 8, 13, 70)) * 1e9) + rnd.randrange(1_000_000)
        if quant == "gguf":
            body["gguf"] = {"total": params, "architecture": fam.model_type, "context_length": 8192}
        elif rel != ADAPTER:
            body["safetensors"] = {"parameters": {"BF16" if not quant else "I32": params}, "total": params}
        body["spaces"] = [self.plan.spaces.ids[x] for x in self.model_spaces.of(s.i)]
        if quant != "gguf" and rel != ADAPTER:
            config: dict[str, Any] = {"architectures": [fam.architecture], "model_type": fam.model_type}
            if quant:
                config["quantization_config"] = dict(QUANT_CONFIG[quant])
            body["config"] = config
            if s.library == "transformers":
                body["transformersInfo"] = {
                    "auto_model": "AutoModel",
                    "pipeline_tag": s.pipeline,
                    "processor": "AutoTokenizer",
                }
        body["usedStorage"] = params * (1 if quant else 2)

    def _model_card(
        self,
        i: int,
        rnd: random.Random,
        rel: int,
        form: int,
        parent_ids: list[str],
        datasets: list[str],
        pipeline: str | None,
    ) -> dict[str, Any]:
        rnd.choice(LICENSES)  # the former license draw, kept so the body's other draws stay as they were
        card: dict[str, Any] = {
            "license": self.model_licenses[i],
            "language": rnd.choice(LANGUAGES) if rnd.random() < 0.5 else rnd.sample(LANGUAGES[:-1], 2),
        }
        if pipeline:
            card["pipeline_tag"] = pipeline
        if rel != ROOT and form != BASE_MODELS:
            card["base_model"] = parent_ids if (len(parent_ids) > 1 or rnd.random() < 0.3) else parent_ids[0]
            # Explicit for adapters (never inferable) and for most tag3 cards; absent elsewhere so the
            # documented inference rule has to do the work.
            if rel == ADAPTER or (form == 0 and rnd.random() < 0.5) or (form == CARD and rnd.random() < 0.5):
                card["base_model_relation"] = RELATION_NAMES[rel]
        if datasets:
            card["datasets"] = datasets if len(datasets) > 1 or rnd.random() < 0.5 else datasets[0]
        kind = self.hostile["model"].get(i)
        if kind is not None:
            hostile.apply(card, hostile.KINDS[kind % len(hostile.KINDS)])
        return card

    def _base_models(self, rel: int, parents: list[int], parent_ids: list[str], rnd: random.Random) -> Any:
        """``baseModels`` in one of its two observed shapes; the list shape leaves the relation implicit."""
        models = [
            {
                "id": b,
                "_id": object_id(self.plan.seed, "model", t, self.plan.models.created[t])
                if t >= 0
                else f"{rnd.getrandbits(96):024x}",
            }
            for t, b in zip(parents, parent_ids, strict=True)
        ]
        if rel == ADAPTER or rnd.random() < 0.6:
            return {"relation": RELATION_NAMES[rel], "models": models}
        return models

    # --- datasets ---------------------------------------------------------------------------------
    def dataset(self, i: int, rnd: random.Random) -> dict[str, Any]:
        p, d = self.plan, self.plan.datasets
        tasks = [self.tasks[t] for t in p.dataset_tasks.of(i)]
        papers = self.refs("paper", p.dataset_papers, i)
        license_ = rnd.choice(LICENSES)
        languages = [rnd.choice(LANGUAGES[:-1])]
        size = rnd.choice(SIZE_CATEGORIES)
        modality = rnd.choice(("text", "image", "audio", "tabular"))
        task_ids = [f"{t}-other" for t in tasks[:1]]
        tags = [f"task_categories:{t}" for t in tasks] + [f"task_ids:{t}" for t in task_ids]
        if d.has_card[i]:
            tags += [f"language:{lang}" for lang in languages] + [f"license:{license_}"]
        tags += [f"size_categories:{size}", "format:parquet", f"modality:{modality}", "library:datasets"]
        tags += [f"arxiv:{a}" for a in papers] + ["region:us"]
        dataset_id = d.ids[i]
        body: dict[str, Any] = {
            "_id": object_id(p.seed, "dataset", i, d.created[i]),
            "id": dataset_id,
            "author": dataset_id.split("/", 1)[0],
            "sha": _sha(rnd),
            "createdAt": iso(d.created[i]),
            "lastModified": iso(d.modified[i]),
            "private": False,
            "disabled": False,
            "gated": _gated(rnd),
            "downloads": int(self.downloads["dataset"][0][i]),
            "downloadsAllTime": int(self.downloads["dataset"][1][i]),
            "likes": int(d.likes[i]),
            "trendingScore": float(self.trending["dataset"][i]),
            "tags": tags,
        }
        if d.has_card[i]:
            card: dict[str, Any] = {
                "license": license_,
                "language": languages,
                "size_categories": [size],
                "task_categories": tasks,
                "task_ids": task_ids,
                "pretty_name": dataset_id.split("/", 1)[1],
                "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}],
            }
            kind = self.hostile["dataset"].get(i)
            if kind is not None:
                hostile.apply(card, hostile.KINDS[(kind + 3) % len(hostile.KINDS)])
            body["cardData"] = card
        body["description"] = f"Dataset card for {dataset_id}."
        body["paperswithcode_id"] = None
        body["mainSize"] = rnd.randrange(1_000, 10**10)
        body["siblings"] = [
            {"rfilename": f} for f in (".gitattributes", "README.md", "data/train-00000-of-00001.parquet")
        ]
        body["usedStorage"] = body["mainSize"]
        return body

    # --- spaces -----------------------------------------------------------------------------------
    def space_card(self, i: int) -> dict[str, Any]:
        """Card fields also shown in collection items, derived from per-index draws."""
        look = self.space_look[i]
        sdk = SDKS[look[0] % len(SDKS)]
        return {
            "title": self.plan.spaces.ids[i].split("/", 1)[1].replace("-", " ").title(),
            "emoji": EMOJIS[look[1] % len(EMOJIS)],
            "colorFrom": COLORS[look[2] % len(COLORS)],
            "colorTo": COLORS[(look[2] + 3) % len(COLORS)],
            "sdk": sdk,
            "stage": STAGES[look[3] % len(STAGES)],
        }

    def space(self, i: int, rnd: random.Random) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
        """A full Space body and its usage edges (relation, present)."""
        p, s = self.plan, self.plan.spaces
        look = self.space_card(i)
        models = [int(t) for t in p.space_models.of(i)]
        datasets = [int(t) for t in p.space_datasets.of(i)]
        card: dict[str, Any] = {k: look[k] for k in ("title", "emoji", "colorFrom", "colorTo", "sdk")}
        card |= {
            "sdk_version": "4.44.1" if look["sdk"] == "gradio" else None,
            "app_file": "app.py",
            "pinned": rnd.random() < 0.1,
            "license": rnd.choice(LICENSES),
            "short_description": f"{look['title']} demo",
        }
        if card["sdk_version"] is None:
            del card["sdk_version"]
        model_ids = [self.ref("model", t) for t in models]
        dataset_ids = [self.ref("dataset", t) for t in datasets]
        if model_ids and rnd.random() < 0.5:
            card["models"] = model_ids
        kind = self.hostile["space"].get(i)
        if kind is not None:
            hostile.apply(card, hostile.KINDS[kind % len(hostile.KINDS)])
        space_id = s.ids[i]
        body: dict[str, Any] = {
            "_id": object_id(p.seed, "space", i, s.created[i]),
            "id": space_id,
            "author": space_id.split("/", 1)[0],
            "sha": _sha(rnd),
            "createdAt": iso(s.created[i]),
            "lastModified": iso(s.modified[i]),
            "private": False,
            "disabled": False,
            "likes": int(s.likes[i]),
            "trendingScore": float(self.trending["space"][i]),
            "tags": [look["sdk"], "region:us"],
            "sdk": look["sdk"],
            "subdomain": space_id.replace("/", "-").replace(".", "-").replace("_", "-").lower(),
            "cardData": card,
            "runtime": {
                "stage": look["stage"],
                "hardware": {"current": "cpu-basic" if look["stage"] == "RUNNING" else None, "requested": "cpu-basic"},
                "storage": None,
                "gcTimeout": 172800,
                "replicas": {"current": 1, "requested": 1},
                "devMode": False,
                "domains": [{"domain": f"{space_id.replace('/', '-').lower()}.hf.space", "stage": "READY"}],
            },
            "models": model_ids,
            "datasets": dataset_ids,
            "siblings": [{"rfilename": f} for f in (".gitattributes", "README.md", "app.py", "requirements.txt")],
            "usedStorage": rnd.randrange(10_000, 10**8),
        }
        edges = [("space_use_model", t >= 0) for t in models] + [("space_use_dataset", t >= 0) for t in datasets]
        return body, edges

    # --- papers -----------------------------------------------------------------------------------
    def paper(self, i: int, rnd: random.Random) -> dict[str, Any]:
        p = self.plan
        linked = [int(u) for u in p.paper_users.of(i)]
        n_authors = max(len(linked), rnd.randint(2, 8))
        slots = dict(zip(rnd.sample(range(n_authors), len(linked)), linked, strict=True))
        authors = []
        for k in range(n_authors):
            entry: dict[str, Any] = {"_id": f"{rnd.getrandbits(96):024x}", "hidden": False}
            if k in slots:
                u = slots[k]
                entry["name"] = self.user_fullnames[u]
                entry["status"] = "claimed_verified"
                entry["statusLastChangedAt"] = iso(p.paper_published[i] + 86_400)
                entry["user"] = {
                    "_id": self.account_oid(False, u),
                    "user": p.users[u],
                    "fullname": self.user_fullnames[u],
                    "avatarUrl": self.avatar(p.users[u]),
                    "isPro": u % 13 == 0,
                    "type": "user",
                }
            else:
                entry["name"] = naming.full_name(rnd)
            authors.append(entry)
        models = self.paper_models.of(i)
        datasets = self.paper_datasets.of(i)
        body = {
            "id": p.paper_ids[i],
            "title": self.paper_titles[i],
            "summary": f"We study {self.paper_titles[i].lower()}. Code and models are released on the Hub.",
            "publishedAt": iso(p.paper_published[i]),
            "upvotes": int(self.paper_upvotes[i]),
            "discussionId": object_id(p.seed, "paper", i, p.paper_published[i]),
            "authors": authors,
            "ai_keywords": ["language model", "benchmark"],
            "linkedModels": [self.model_item(int(t)) for t in models[:10]],
            "numTotalModels": len(models),
            "linkedDatasets": [self.dataset_item(int(t)) for t in datasets[:10]],
            "numTotalDatasets": len(datasets),
            "linkedSpaces": [],
            "numTotalSpaces": 0,
        }
        # 70% of the papers published since the daily page exists were submitted to it, 0–2 days later; drawn from
        # the id (not the paper's random stream) so adding the field left every other value of the world as it was
        roll = hashlib.blake2b(f"daily:{p.paper_ids[i]}".encode(), digest_size=8).digest()
        if p.paper_published[i] >= DAILY_PAPERS_START and roll[0] < 179:
            body["submittedOnDailyAt"] = iso(min(p.now, int(p.paper_published[i]) + roll[1] % 3 * DAY))
        return body

    # --- collections ------------------------------------------------------------------------------
    def model_item(self, t: int) -> dict[str, Any]:
        p, m = self.plan, self.plan.models
        item: dict[str, Any] = {
            "id": m.ids[t],
            "author": m.ids[t].split("/", 1)[0],
            "downloads": int(self.downloads["model"][0][t]),
            "likes": int(m.likes[t]),
            "lastModified": iso(m.modified[t]),
            "private": False,
            "gated": False,
            "repoType": "model",
        }
        if p.pipeline[t] >= 0:
            item["pipeline_tag"] = self.tasks[p.pipeline[t]]
        return item

    def dataset_item(self, t: int) -> dict[str, Any]:
        d = self.plan.datasets
        return {
            "id": d.ids[t],
            "author": d.ids[t].split("/", 1)[0],
            "downloads": int(self.downloads["dataset"][0][t]),
            "likes": int(d.likes[t]),
            "lastModified": iso(d.modified[t]),
            "private": False,
            "gated": False,
            "repoType": "dataset",
        }

    def space_item(self, t: int) -> dict[str, Any]:
        s = self.plan.spaces
        look = self.space_card(t)
        return {
            "id": s.ids[t],
            "author": s.ids[t].split("/", 1)[0],
            "title": look["title"],
            "emoji": look["emoji"],
            "colorFrom": look["colorFrom"],
            "colorTo": look["colorTo"],
            "createdAt": iso(s.created[t]),
            "lastModified": iso(s.modified[t]),
            "likes": int(s.likes[t]),
            "sdk": look["sdk"],
            "runtime": {"stage": look["stage"]},
            "tags": [look["sdk"]],
            "pinned": False,
            "featured": False,
            "disabled": False,
            "visibility": "public",
            "repoType": "space",
        }

    def paper_item(self, t: int) -> dict[str, Any]:
        p = self.plan
        return {
            "id": p.paper_ids[t],
            "title": self.paper_titles[t],
            "upvotes": int(self.paper_upvotes[t]),
            "publishedAt": iso(p.paper_published[t]),
        }

    def collection(self, i: int, rnd: random.Random) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
        """A full collection body (all items) and its contain edges (relation, present)."""
        p = self.plan
        is_org, owner = bool(p.collection_owner_is_org[i]), int(p.collection_owner[i])
        namespace = p.orgs[owner] if is_org else p.users[owner]
        title = naming.collection_title(rnd)
        oid = f"{rnd.getrandbits(96):024x}"
        slug = f"{namespace}/{naming.slugify(title)}-{oid}"
        make = {
            "model": self.model_item,
            "dataset": self.dataset_item,
            "space": self.space_item,
            "paper": self.paper_item,
        }
        entries = [(kind, int(t)) for kind, links in p.collection_items.items() for t in links.of(i)]
        rnd.shuffle(entries)
        items, edges = [], []
        for pos, (kind, t) in enumerate(entries):
            item = make[kind](t) if t >= 0 else {"id": self.ref(kind, t)}
            items.append({"_id": f"{rnd.getrandbits(96):024x}", "position": pos, "type": kind, **item})
            edges.append((f"collection_contain_{kind}", t >= 0))
        last = p.now - rnd.randrange(400 * 86_400)
        body = {
            "slug": slug,
            "title": title,
            "description": rnd.choice(("", "My favourite models ✨", "Curated list")),
            "lastUpdated": iso(last),
            "position": i,
            "gating": False,
            "owner": self.author(is_org, owner),
            "theme": rnd.choice(THEMES),
            "private": False,
            "upvotes": int(rnd.paretovariate(1.5)) - 1,
            "shareUrl": f"https://huggingface.co/collections/{slug}",
            "isUpvotedByUser": False,
            "items": items,
        }
        return body, edges


def as_codes(language: str | list[str]) -> list[str]:
    """Model tags list languages as bare codes (``en``), like the real bodies."""
    return [language] if isinstance(language, str) else list(language)


def _gated(rnd: random.Random) -> bool | str:
    roll = rnd.random()
    return "auto" if roll < 0.03 else "manual" if roll < 0.05 else False


def _downloads(rng: np.random.Generator, repos: Repos) -> tuple[np.ndarray, np.ndarray]:
    """Rolling 30-day downloads and all-time downloads (always >= the 30-day figure)."""
    recent = (repos.pop**1.5 * rng.lognormal(1.0, 1.5, len(repos))).astype(np.int64)
    total = recent + (recent * rng.exponential(4.0, len(repos))).astype(np.int64) + rng.integers(0, 50, len(repos))
    return recent, total


def _model_files(model_id: str, has_card: bool, rel: int, quant: str | None) -> list[str]:
    name = model_id.split("/", 1)[1]
    files = [".gitattributes"] + (["README.md"] if has_card else [])
    if quant == "gguf":
        return files + [f"{name}.Q4_K_M.gguf", f"{name}.Q8_0.gguf"]
    if rel == ADAPTER:
        return files + ["adapter_config.json", "adapter_model.safetensors"]
    return files + ["config.json", "model.safetensors", "tokenizer.json"]
