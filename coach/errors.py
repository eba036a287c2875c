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


class LoadError(CoachError):
    """A file could not be indexed; the message is the reason shown in the index report."""


class FileSkipped(LoadError):
    """A file left out on purpose (wrong type, empty, not a regular file, too large)."""


class UnsupportedFile(FileSkipped):
    """A file of a type the index does not read."""


class NotRegularFile(FileSkipped):
    """A FIFO, device, socket or folder: never opened, as reading one can hang or never end."""


class EmptyFile(FileSkipped):
    """A file with no text in it."""


class FileTooLarge(FileSkipped):
    """A file, or the text it holds, is larger than ``COACH_MAX_FILE_MB`` allows."""

    setting = "COACH_MAX_FILE_MB"


class UnreadableFile(LoadError):
    """A file of a type the index reads, but broken, binary or badly encoded."""
