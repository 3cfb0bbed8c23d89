"""Errors a user can act on: each names the file, the problem and what to do."""

from __future__ import annotations

from pathlib import Path


class BolcorpusError(Exception):
    """Base class for errors bolcorpus reports to the user (no traceback needed)."""


class ConfigError(BolcorpusError):
    """A pipeline or config file is missing, unparsable or has an invalid key or value."""


class RegistryError(BolcorpusError, KeyError):
    """A name looked up in a registry does not exist."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class PublishError(BolcorpusError):
    """A dataset version could not be published (it exists with other content, …)."""


def where(path: Path | str, key: str | None = None) -> str:
    """Format a location for a message: ``configs/default.toml [repair] max_passes``."""
    return f"{path}" if key is None else f"{path} [{key}]"
