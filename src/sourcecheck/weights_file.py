"""Reading the small numpy weight files that sourcecheck's linear models ship as (.npz).

The check-worthiness scorer and the rhetoric detector both store their weights with a version,
a config as two parallel arrays (keys, integer values) and named arrays; both must fail with one
line that says how to get a good file back.

    raw, config, version = read_weights(path, what="rhetoric", script="scripts/train_rhetoric.py")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ModelError


def read_weights(path: str | Path, *, what: str, script: str) -> tuple[dict[str, Any], dict[str, int], str]:
    """The named arrays (config and version taken out), the config and the version of `path`."""
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{what} weights {path} are missing; reinstall sourcecheck or run {script}")
    try:
        with np.load(path, allow_pickle=False) as data:
            raw = {key: data[key] for key in data.files}
        config = {str(k): int(v) for k, v in zip(raw.pop("config_keys").tolist(), raw.pop("config_values").tolist())}
        version = str(raw.pop("version"))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{what} weights {path} are unreadable ({exc}); reinstall sourcecheck or run {script}") from exc
    return raw, config, version
