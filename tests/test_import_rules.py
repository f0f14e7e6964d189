"""The import rules of docs/architecture.md hold (import-linter contracts
in pyproject.toml)."""

import pathlib
import tomllib

from importlinter.cli import lint_imports

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"]
                   if c["id"] == "layers"]
    return contract["layers"]


def test_no_app_imports_a_higher_layer(monkeypatch):
    """A lower layer importing a higher one (or an app importing a sibling
    in its layer) fails here with the import chain printed."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename="pyproject.toml", no_cache=True,
                        no_logo=True) == 0


def test_every_app_has_a_place_in_the_layers():
    """A new app must be placed in the order of layers, or its imports
    would go unchecked."""
    listed = {name.strip() for layer in _layers()
              for name in layer.replace(":", "|").split("|")}
    packages = {f"kedai.{p.name}" for p in (ROOT / "kedai").iterdir()
                if (p / "__init__.py").exists()}
    assert packages - listed == set()
