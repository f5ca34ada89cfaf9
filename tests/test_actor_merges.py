"""Actors merged after the store (knowledge.enrich): a one-word "organisation" that is the surname
of a person named in the same pass is that person. Names invented for these tests."""
import json

from storyline import knowledge
from storyline.store import Store


def _actor(db, aid, name, kind):
    db.execute("INSERT INTO actors (id, name, kind, roles, aliases, match_key) VALUES (?,?,?,?,?,?)",
               (aid, name, kind, "[]", json.dumps([name]), name.lower()))


def test_one_word_organisation_is_merged_into_the_person_with_that_surname(tmp_path):
    st = Store(str(tmp_path / "m.db"))
    db = st.db
    _actor(db, "p2", "Lena Voss", "person")
    _actor(db, "p1", "Karl Voss", "person")    # the same surname: the first by id is the one
    _actor(db, "p3", "Orsk", "person")         # one word: not a full name to merge into
    _actor(db, "p4", "Ida Brandt", "person")   # named only in an article of another pass
    _actor(db, "o1", "Voss", "organisation")
    _actor(db, "o2", "Vos", "organisation")     # the same key as Voss
    _actor(db, "o3", "Orsk", "organisation")
    _actor(db, "o4", "KRV", "organisation")     # an acronym stays
    _actor(db, "o5", "Brandt", "organisation")
    links = [("a1", "p2"), ("a1", "o1"), ("a2", "p1"), ("a2", "o2"), ("a2", "p3"), ("a2", "o3"), ("a2", "o4"),
             ("a3", "o5"), ("a9", "p4")]
    db.executemany("INSERT INTO article_actors VALUES (?,?,?)", [(a, f"{a}:{x}", x) for a, x in links])
    with db:
        knowledge._merge_surnames(db, ["o1", "o2", "o3", "o4", "o5", "p1", "p2"], ["a1", "a2", "a3"])
    left = {r[0] for r in db.execute("SELECT id FROM actors")}
    assert left == {"p1", "p2", "p3", "p4", "o3", "o4", "o5"}
    assert sorted(tuple(r) for r in db.execute(
        "SELECT article_id, actor_id FROM article_actors WHERE local_key LIKE '%:o%'")) == [
        ("a1", "p1"), ("a2", "o3"), ("a2", "o4"), ("a2", "p1"), ("a3", "o5")]
    st.close()
