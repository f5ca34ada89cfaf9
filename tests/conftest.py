import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "src", "storyline", "sample")
UNSEEN = os.path.join(ROOT, "tests", "fixtures", "unseen")


@pytest.fixture(scope="session")
def nlp():
    from storyline.nlp import load

    return load()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    """The bundled sample corpus ingested once into a real SQLite file."""
    from storyline import api

    db = str(tmp_path_factory.mktemp("sample") / "sample.db")
    rep = api.ingest([SAMPLE], db=db)
    assert rep.failed == 0, rep.failures
    return db


def analyze(text: str):
    from storyline.api import analyze_texts

    return analyze_texts([text])[0]
