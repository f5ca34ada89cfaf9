"""Lexicons kept as data (src/storyline/data/*.json), loaded once and cached."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load_lexicon(name: str) -> Any:
    with resources.files("storyline.data").joinpath(f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)
