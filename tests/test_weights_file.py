"""The shared reader of the linear models' .npz weight files: one-line errors that say what to do."""

import numpy as np
import pytest

from sourcecheck.errors import ModelError
from sourcecheck.weights_file import read_weights


def test_reads_arrays_config_and_version(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, version=np.array("1.2"), config_keys=np.array(["bits"]), config_values=np.array([18]), w=np.ones(3))
    raw, config, version = read_weights(path, what="test", script="scripts/x.py")
    assert version == "1.2" and config == {"bits": 18} and list(raw) == ["w"]


def test_missing_and_unreadable_files_say_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="test weights .* are missing; reinstall sourcecheck or run scripts/x.py"):
        read_weights(tmp_path / "none.npz", what="test", script="scripts/x.py")
    bad = tmp_path / "bad.npz"
    bad.write_text("not numpy")
    with pytest.raises(ModelError, match="are unreadable"):
        read_weights(bad, what="test", script="scripts/x.py")
    no_config = tmp_path / "no-config.npz"
    np.savez(no_config, w=np.ones(2))
    with pytest.raises(ModelError, match="are unreadable"):
        read_weights(no_config, what="test", script="scripts/x.py")
