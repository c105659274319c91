"""Realistic, unique names for accounts and repos.

Repo ids follow the Hub's rules (``owner/name``, ASCII letters, digits, ``-``, ``_``, ``.``); unicode
appears where the Hub allows it (full names, titles, card text). Derived models are named like their
real counterparts (``<base>-GGUF``, ``-AWQ``, ``-4bit``, ``-lora``, ``-sft``, ``-slerp``).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from hub_emulator.worldgen.calibration import FINETUNE_NAME_KEEPS_PARENT_SHARE

_SYLLABLES = (
    "ka",
    "ri",
    "to",
    "mo",
    "lan",
    "vi",
    "sen",
    "zu",
    "el",
    "ar",
    "dev",
    "neo",
    "ai",
    "kim",
    "lee",
    "max",
    "an",
    "jo",
    "li",
    "ng",
    "ra",
    "mi",
    "ta",
    "yu",
    "chen",
    "wang",
    "sam",
    "ben",
    "ola",
    "nik",
    "pat",
    "deep",
)
_FIRST = ("Anna", "Jonas", "Wei", "Priya", "Lucas", "Mei", "Omar", "Sofia", "Kenji", "Amara", "Diego", "Lena")
_FIRST_UNICODE = ("José", "Zoë", "Łukasz", "Ömer", "Søren", "Ana María", "李明", "田中", "Дмитрий", "محمد")
_LAST = ("Müller", "Smith", "Zhang", "Garcia", "Kowalski", "Tanaka", "Okafor", "Rossi", "Nguyen", "Dubois")
_ORG_WORDS = (
    "labs",
    "ai",
    "research",
    "nlp",
    "vision",
    "group",
    "institute",
    "community",
    "foundation",
    "collective",
)
_ORG_STEMS = (
    "open",
    "deep",
    "neural",
    "tensor",
    "quantum",
    "bright",
    "nova",
    "alpine",
    "coral",
    "lumen",
    "vector",
    "sigma",
    "aurora",
    "polar",
    "atlas",
    "helix",
    "orbit",
    "prism",
)


@dataclass(frozen=True)
class Family:
    """A model family: what its members do and how their repos look."""

    stem: str
    pipeline_tag: str
    library: str
    architecture: str
    model_type: str
    sizes: tuple[str, ...]


FAMILIES: tuple[Family, ...] = (
    Family("Llama-3", "text-generation", "transformers", "LlamaForCausalLM", "llama", ("1B", "3B", "8B", "70B")),
    Family("Qwen2.5", "text-generation", "transformers", "Qwen2ForCausalLM", "qwen2", ("0.5B", "1.5B", "7B")),
    Family("Mistral", "text-generation", "transformers", "MistralForCausalLM", "mistral", ("7B-v0.1", "7B")),
    Family("gemma-2", "text-generation", "transformers", "Gemma2ForCausalLM", "gemma2", ("2b", "9b", "27b")),
    Family("phi-3", "text-generation", "transformers", "Phi3ForCausalLM", "phi3", ("mini", "medium")),
    Family("bert", "fill-mask", "transformers", "BertForMaskedLM", "bert", ("base-uncased", "large-cased")),
    Family(
        "roberta",
        "text-classification",
        "transformers",
        "RobertaForSequenceClassification",
        "roberta",
        ("base", "large"),
    ),
    Family("t5", "text2text-generation", "transformers", "T5ForConditionalGeneration", "t5", ("small", "base")),
    Family(
        "whisper",
        "automatic-speech-recognition",
        "transformers",
        "WhisperForConditionalGeneration",
        "whisper",
        ("tiny", "small", "large-v3"),
    ),
    Family(
        "wav2vec2",
        "audio-classification",
        "transformers",
        "Wav2Vec2ForSequenceClassification",
        "wav2vec2",
        ("base", "large-xlsr-53"),
    ),
    Family("vit", "image-classification", "transformers", "ViTForImageClassification", "vit", ("base-patch16-224",)),
    Family("stable-diffusion-xl", "text-to-image", "diffusers", "StableDiffusionXLPipeline", "sdxl", ("base-1.0",)),
    Family("FLUX.1", "text-to-image", "diffusers", "FluxPipeline", "flux", ("dev", "schnell")),
    Family("clip-vit", "zero-shot-image-classification", "transformers", "CLIPModel", "clip", ("base-patch32",)),
    Family("all-MiniLM", "sentence-similarity", "sentence-transformers", "BertModel", "bert", ("L6-v2",)),
    Family("detr-resnet", "object-detection", "transformers", "DetrForObjectDetection", "detr", ("50", "101")),
    Family("bart", "summarization", "transformers", "BartForConditionalGeneration", "bart", ("base", "large")),
    Family("opus-mt", "translation", "transformers", "MarianMTModel", "marian", ("en-de", "fr-en")),
)
FAMILY_WEIGHTS = (14, 10, 7, 5, 4, 6, 5, 3, 3, 2, 3, 9, 7, 2, 3, 2, 2, 2)
TEXT_GENERATION_FAMILIES = frozenset(i for i, f in enumerate(FAMILIES) if f.pipeline_tag == "text-generation")

FINETUNE_SUFFIXES = ("sft", "dpo", "instruct", "finetuned", "chat", "v2", "orpo", "ft-ja", "uncensored", "it")
ADAPTER_SUFFIXES = ("lora", "LoRA", "qlora", "adapter", "lora-r16")
MERGE_SUFFIXES = ("slerp", "ties", "dare-ties", "merge", "passthrough")
QUANT_SUFFIXES = {"gguf": "GGUF", "awq": "AWQ", "gptq": "GPTQ-Int4", "bnb": "bnb-4bit", "mlx": "mlx-4bit"}
_DATASET_WORDS = (
    "alpaca",
    "squad",
    "dolly",
    "imdb",
    "wiki",
    "news",
    "code",
    "math",
    "chat",
    "reviews",
    "speech",
    "images",
    "medical",
    "legal",
    "tweets",
    "receipts",
    "captions",
    "qa",
    "dialogues",
    "arxiv",
)
_DATASET_TAILS = ("cleaned", "v2", "de", "fr", "ja", "binarized", "filtered", "10k", "sample", "pt_BR", "v1.1")
_SPACE_WORDS = (
    "chat",
    "demo",
    "playground",
    "leaderboard",
    "arena",
    "gallery",
    "studio",
    "tts",
    "ocr",
    "compare",
    "viewer",
)
LEGACY_DATASETS = (
    "squad_v2",
    "c4",
    "wikipedia",
    "bookcorpus",
    "imagenet-1k",
    "common_voice",
    "glue",
    "xsum",
    "oscar",
    "librispeech_asr",
    "cnn_dailymail",
    "ms_marco",
)
_NAME_OK = re.compile(r"[^A-Za-z0-9._-]+")


class Namespace:
    """Names already taken, case-insensitively like the Hub, with a fast ``-2``, ``-3``... fallback.

    Remembering the next free suffix per candidate keeps claiming O(1) even when thousands of uploads
    want the same name (``Llama-3-8B``), instead of probing ``-2 .. -n`` every time.
    """

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self.taken = {name.lower() for name in taken}
        self._next: dict[str, int] = {}

    def claim(self, candidate: str, prefix: str = "") -> str:
        """``candidate`` or the first free ``candidate-<n>``, unique under ``prefix``; marks it taken."""
        key = (prefix + candidate).lower()
        name, n = candidate, self._next.get(key, 1)
        if n > 1:
            name = f"{candidate}-{n}"
        while (prefix + name).lower() in self.taken:
            n += 1
            name = f"{candidate}-{n}"
        if n > 1:  # only contested names need a memo
            self._next[key] = n + 1
        self.taken.add((prefix + name).lower())
        return name


def account_names(
    rnd: random.Random, n_users: int, n_orgs: int, reserved: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """Unique user and org names sharing one namespace (the Hub resolves a name to one or the other)."""
    taken = Namespace(reserved)
    users = []
    for _ in range(n_users):
        base = "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 4)))
        style = rnd.random()
        if style < 0.3:
            base += str(rnd.randint(1, 2024))
        elif style < 0.4:
            base = base.capitalize() + rnd.choice(("_", "-", ".")) + rnd.choice(_SYLLABLES)
        users.append(taken.claim(base))
    orgs = []
    for _ in range(n_orgs):
        base = rnd.choice(_ORG_STEMS) + rnd.choice(("", "-", "")) + rnd.choice(_ORG_WORDS)
        orgs.append(taken.claim(base if rnd.random() < 0.7 else base.capitalize()))
    return users, orgs


def full_name(rnd: random.Random) -> str:
    """A display name; about one in five uses non-ASCII characters."""
    first = rnd.choice(_FIRST_UNICODE if rnd.random() < 0.2 else _FIRST)
    return f"{first} {rnd.choice(_LAST)}"


def org_full_name(name: str) -> str:
    """Display name of an org derived from its handle."""
    return " ".join(part.capitalize() for part in re.split(r"[-_.]", name) if part) or name


def root_model_name(rnd: random.Random, family: Family) -> str:
    """Name of a model without a parent: family stem, size, sometimes a variant."""
    name = f"{family.stem}-{rnd.choice(family.sizes)}"
    roll = rnd.random()
    if roll < 0.25:
        name += rnd.choice(("-Instruct", "-base", "-v0.2", "_v1.0", "-chat"))
    elif roll < 0.35:
        name = f"{rnd.choice(_SYLLABLES).capitalize()}{rnd.choice(_SYLLABLES)}-{name}"
    return name


def derived_model_name(rnd: random.Random, base_name: str, relation: str, quant: str | None, family: Family) -> str:
    """Name of a derived model, in the style uploaders use for each relation: quantizations, adapters and merges
    extend their base's name; a finetune keeps it at ``FINETUNE_NAME_KEEPS_PARENT_SHARE`` (``Llama-3-8B-Instruct``)
    and otherwise gets a name of its own with the base's size (``zephyr-7b-beta`` of ``Mistral-7B-v0.1``)."""
    if relation == "quantized":
        return f"{base_name}-{QUANT_SUFFIXES[quant or 'gguf']}"
    if relation == "adapter":
        return f"{base_name}-{rnd.choice(ADAPTER_SUFFIXES)}"
    if relation == "merge":
        return f"{base_name}-{rnd.choice(MERGE_SUFFIXES)}"
    suffix = rnd.choice(FINETUNE_SUFFIXES)
    if rnd.random() >= FINETUNE_NAME_KEEPS_PARENT_SHARE:
        size = next((s for s in family.sizes if s in base_name), rnd.choice(family.sizes))
        return f"{rnd.choice(_SYLLABLES)}{rnd.choice(_SYLLABLES)}-{size.lower()}-{suffix}"
    return f"{base_name}-{suffix}" if rnd.random() < 0.8 else f"{rnd.choice(_SYLLABLES).capitalize()}-{base_name}"


def trim_name(name: str, limit: int = 90) -> str:
    """Keep chained names (``a-sft-dpo-GGUF``...) within the Hub's 96-character limit."""
    return _NAME_OK.sub("-", name)[:limit].strip("-.") or "model"


def unique_repo_id(owner: str, name: str, taken: Namespace) -> str:
    """``owner/name`` made unique within the Hub-wide id namespace ``taken`` by a numeric suffix."""
    return f"{owner}/" + taken.claim(name, prefix=f"{owner}/")


def dataset_name(rnd: random.Random) -> str:
    """A dataset repo name such as ``alpaca-chat-cleaned``."""
    words = [rnd.choice(_DATASET_WORDS) for _ in range(rnd.randint(1, 2))]
    if rnd.random() < 0.5:
        words.append(rnd.choice(_DATASET_TAILS))
    return "-".join(words)


def space_name(rnd: random.Random) -> str:
    """A Space repo name such as ``flux-lora-gallery``."""
    stem = rnd.choice(FAMILIES).stem.lower() if rnd.random() < 0.5 else rnd.choice(_DATASET_WORDS)
    return f"{stem}-{rnd.choice(_SPACE_WORDS)}"


def collection_title(rnd: random.Random) -> str:
    """A collection title; some carry emoji or non-Latin text, which the slug drops."""
    title = f"{rnd.choice(FAMILIES).stem} {rnd.choice(('finetunes', 'quants', 'papers', 'demos', 'favourites'))}"
    roll = rnd.random()
    if roll < 0.1:
        title += " 🔥"
    elif roll < 0.15:
        title = "日本語 " + title
    return title


def slugify(title: str) -> str:
    """The Hub's slug of a title: lowercase ASCII words joined by ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "collection"


def paper_title(rnd: random.Random) -> str:
    """A plausible paper title."""
    stem = rnd.choice(FAMILIES).stem
    return rnd.choice(
        (
            f"Scaling {stem} to Long Contexts",
            f"{stem}: Efficient Training of Open Models",
            f"On the Robustness of {stem}-style Architectures",
            f"Direct Preference Optimization for {stem}",
            f"A Survey of {rnd.choice(_DATASET_WORDS).capitalize()} Benchmarks",
        )
    )
