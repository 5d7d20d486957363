"""The package's import graph: the layers of pyproject's import-linter contract hold, and no module cycle exists."""

from __future__ import annotations

import grimp
import pytest
from importlinter.cli import lint_imports

from advisor.settings import PROJECT_ROOT


def test_the_layers_of_the_import_contract_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    assert lint_imports(config_filename=str(PROJECT_ROOT / "pyproject.toml")) == 0


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("advisor")
    cycles = [
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported != importer and graph.chain_exists(importer=imported, imported=importer)
    ]
    assert cycles == []
