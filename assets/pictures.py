"""Pictures shown on their asset's page: the file's path plus the picture itself, embedded in Markdown metadata
(the Dagster UI renders Markdown images; it does not open files of the code location)."""

import base64
from pathlib import Path

import dagster as dg

MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def picture_metadata(path: Path, name: str, caption: str = "") -> dict[str, dg.MetadataValue]:
    """`name`: the file's path; `<name>_preview`: the picture, visible on the asset page."""
    encoded = base64.b64encode(path.read_bytes()).decode()
    image = f"![{name}](data:{MEDIA_TYPES[path.suffix.lower()]};base64,{encoded})"
    return {
        name: dg.MetadataValue.path(str(path)),
        f"{name}_preview": dg.MetadataValue.md(f"{image}\n\n{caption}" if caption else image),
    }
