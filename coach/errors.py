"""Errors a person can act on: each says what went wrong and what to do."""

from __future__ import annotations


class CoachError(Exception):
    """Base class for every error the coach raises on purpose."""


class ConfigError(CoachError):
    """The configuration (environment, settings) is invalid."""


class QueryError(CoachError, ValueError):
    """A search query or question cannot be used as given."""


class CorpusIndexError(CoachError):
    """The index is missing, incompatible or unreachable."""
