"""The error for a feature whose optional packages (a pip extra) are not installed."""

from __future__ import annotations


class MissingExtraError(RuntimeError):
    """An optional feature was asked for but its packages are not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs extra packages: pip install 'operations-advisor[{extra}]'")
