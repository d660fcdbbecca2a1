"""sourcecheck: put historical and political texts to the test, offline.

    >>> import sourcecheck
    >>> report = sourcecheck.extract_claims("In 1943 Churchill travelled to Turkey.")
    >>> report = sourcecheck.check("essay.md")        # claims with verdicts and quotes

Importing this package is light: models load on first use (see `sourcecheck.models`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "check", "extract_claims"]

if TYPE_CHECKING:  # pragma: no cover
    from .types import Report


def extract_claims(text_or_path: Any, **options: Any) -> "Report":
    """Find the claims in a text or file; see `sourcecheck.pipeline.extract_claims`."""
    from .pipeline import extract_claims as _extract

    return _extract(text_or_path, **options)


def check(text_or_path: Any, **options: Any) -> "Report":
    """Check the claims of a text or file against the evidence store; see `sourcecheck.checking.check`."""
    from .checking import check as _check

    return _check(text_or_path, **options)
