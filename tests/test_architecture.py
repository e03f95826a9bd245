"""The import contracts of pyproject.toml hold: apps depend one way, layers point down."""

import importlinter.application.use_cases as use_cases
from importlinter import configuration

configuration.configure()


def test_import_contracts_hold():
    # lint_imports returns True when every contract is kept and prints the broken ones otherwise.
    assert use_cases.lint_imports(config_filename="pyproject.toml", cache_dir=None, no_logo=True) is True
