"""Exceptions of sourcecheck. Every message says what was wrong and what to do.

    SourcecheckError                 base; the CLI prints its message on one line and exits 2
    ├── InputError                   a document could not be read
    │   ├── InputNotFound            path does not exist
    │   ├── InputIsDirectory         a directory where a file was expected
    │   ├── EmptyInput               no text (empty or whitespace only)
    │   ├── BinaryInput              not text (NUL bytes, an image, an archive)
    │   ├── UndecodableInput         text in no encoding we can detect
    │   ├── InputTooLarge            over the configured size limit
    │   └── UnsupportedFormat        a format we do not read (or a broken PDF)
    ├── UsageError                   a bad option value (a date we cannot parse, ...)
    └── ModelError                   a model is missing or broken; says which package to install
"""

from __future__ import annotations


class SourcecheckError(Exception):
    """Base class: the message is one line, fit to show a user as it is."""

    exit_code = 2


class InputError(SourcecheckError):
    pass


class InputNotFound(InputError):
    pass


class InputIsDirectory(InputError):
    pass


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class UndecodableInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class UnsupportedFormat(InputError):
    pass


class UsageError(SourcecheckError):
    pass


class ModelError(SourcecheckError):
    exit_code = 4
