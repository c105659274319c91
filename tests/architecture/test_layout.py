"""The layout's rules, read from the code: imports point down the layers, settings are declared once and the
README's settings table is that declaration."""

import ast
import re
from pathlib import Path

import pytest

from orchestration.settings import Settings, env_names

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parents[2]
# package -> top-level packages it must never import
FORBIDDEN = {
    "crawler": {"dagster", "dagster_dbt", "dagster_duckdb", "orchestration", "assets", "hub_emulator", "release"},
    "release": {"dagster", "dagster_dbt", "dagster_duckdb", "orchestration", "assets", "hub_emulator", "crawler"},
    "expectations": {"assets", "crawler", "orchestration", "hub_emulator"},
    "baselines": {"dagster", "orchestration", "assets", "hub_emulator"},
    "atlas": {"dagster", "dagster_dbt", "dagster_duckdb", "orchestration", "assets", "hub_emulator", "crawler"},
    "assets": {"orchestration", "hub_emulator"},
    "hub_emulator": {"orchestration", "assets", "crawler", "release", "expectations", "baselines", "dagster"},
    "orchestration": set(),
}
for banned in FORBIDDEN.values():
    banned.add("perf")  # the speed scripts stand above the product: the product never imports them


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_down_the_layers(package: str) -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_emulator_is_split_into_server_and_world_generator() -> None:
    """The server reads world files; it never imports the generator (and the generator never the server)."""
    for part, other in (("server", "worldgen"), ("worldgen", "server")):
        for path in (ROOT / "hub_emulator" / part).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert f"hub_emulator.{other}" not in text and f"from ..{other}" not in text, path


def _readme_settings() -> dict[str, str]:
    """{variable: default cell} of the README's settings table (a row may name several variables)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        variables = re.findall(r"`([A-Z_]+)`", cells[0])
        defaults = [d.strip(" `") for d in cells[1].split(",")] if len(variables) > 1 else [cells[1]]
        rows.update(zip(variables, defaults, strict=True))
    return rows


def _shown(default: object) -> str:
    """How the README writes a default."""
    if isinstance(default, bool):
        return "off" if not default else "on"
    if isinstance(default, tuple):
        return ",".join(default) if default else "empty"
    if isinstance(default, Path):
        return "./" + str(default.relative_to(ROOT))
    return str(default)


def test_readme_settings_table_is_the_settings_declaration() -> None:
    readme = _readme_settings()
    declared = {env: name for name, env in env_names().items()}
    assert set(readme) - {"HF_TOKEN"} == set(declared)  # HF_TOKEN is read by huggingface_hub, never by HubKG
    for env, name in declared.items():
        shown = _shown(Settings.model_fields[name].default)
        assert shown in readme[env].replace("`", ""), f"{env}: README says {readme[env]!r}, the declaration {shown!r}"
