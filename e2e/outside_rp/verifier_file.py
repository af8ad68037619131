"""The service's Flask-free verifier, loaded from its file the way an RP uses a copy of it.

The README lets a relying party copy ``app/pki/verifier.py`` into its own project. This RP
does not import the service's package: it loads that one file as a module of its own, so
that anything the file needed from the service would fail here.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

VERIFIER_FILE = Path(__file__).resolve().parents[2] / "app" / "pki" / "verifier.py"
MODULE_NAME = "outside_rp_verifier"


@cache
def verifier() -> ModuleType:
    """The verifier module (loaded once)."""
    spec = importlib.util.spec_from_file_location(MODULE_NAME, VERIFIER_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the file runs.
    sys.modules[MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module
