"""Figures added to a running total already in conflict join its group without the total being
read again (claimgroups._join_conflicts). The groups it leaves must be the groups of building
every key again from nothing, row for row, and so must the story views that show them."""
import json
import os
import re
import shutil
import sqlite3

import pytest
from conftest import SAMPLE, UNSEEN
from test_story_view_parts import _rebuilt_whole, _view_rows

from storyline import api, claimgroups
from storyline.store import Store


def _groups(db_path: str) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db_path)
    try:
        return {
            "claim_groups": con.execute('SELECT id, counts, "where", period, verdict, explanation, claim_ids, '
                                        "decided_on FROM claim_groups ORDER BY id").fetchall(),
            "claim_keys": con.execute('SELECT claim_id, counts, part, "where", group_id FROM claim_keys '
                                      "ORDER BY claim_id").fetchall(),
        }
    finally:
        con.close()


def _regrouped_whole(db_path: str, tmp_path) -> dict[str, list[tuple]]:
    """The groups of a copy of the store after every key is built again from nothing."""
    copy = str(tmp_path / "regrouped.db")
    shutil.copy(db_path, copy)
    store = Store(copy)
    with store.db:
        store.db.execute("DELETE FROM claim_groups")
        store.db.execute("UPDATE claim_keys SET group_id=NULL")
    claimgroups._regroup(store, {(r[0], r[1]): None for r in
                                 store.db.execute("SELECT DISTINCT counts, part FROM claim_keys")}, record=False)
    store.close()
    return _groups(copy)


@pytest.fixture
def joined(monkeypatch):
    """The keys whose new figures joined a conflicting total without a regroup, per pass."""
    seen: list[list[tuple[str, str]]] = []
    real = claimgroups._join_conflicts

    def spy(store, added):  # type: ignore[no-untyped-def]
        done = real(store, added)
        seen.append(done)
        return done

    monkeypatch.setattr(claimgroups, "_join_conflicts", spy)
    return seen


@pytest.fixture
def regrouped(monkeypatch):
    """The keys each pass built again (``claimgroups._regroup``)."""
    seen: list[dict] = []
    real = claimgroups._regroup

    def spy(store, parts, record=True):  # type: ignore[no-untyped-def]
        seen.append(dict(parts))
        return real(store, parts, record)

    monkeypatch.setattr(claimgroups, "_regroup", spy)
    return seen


def _report(i: int, date: str, body: str) -> dict[str, str]:
    return {"id": f"toll-{i}", "outlet": "Lomen Courier", "published": date, "title": f"Dravik toll {i}",
            "text": f"LOMEN, {date[5:7]}/{date[8:]} (Lomen Courier) - {body}\n"}


def _ingest(tmp_path, arts, db):
    path = tmp_path / f"batch{len(os.listdir(tmp_path))}.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
    assert api.ingest([str(path)], db=db).failed == 0


def _passes(db: str) -> None:
    """The sample and held-out reports, ingested in four interleaved passes."""
    files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".txt"))
    held_out = sorted(os.path.join(UNSEEN, f) for f in os.listdir(UNSEEN) if f.endswith(".txt"))
    everything = files + held_out
    for batch in (everything[::4], everything[1::4], everything[2::4], everything[3::4]):
        assert api.ingest(batch, db=db).failed == 0


KILLED = ("killed", "total")
TOLL_1_2 = [
    _report(1, "2025-03-08", "The death toll in Dravik rose to 31 on Saturday, the Karesh Health Ministry said."),
    _report(2, "2025-03-10", "The Karesh Health Ministry put the death toll at 33 on Monday, most of them civilians."),
]


def test_reworded_explanations_keep_the_shortcut(tmp_path, joined, monkeypatch):
    """The day a conflict is decided on is stored with the group (``decided_on``), not read back
    out of its explanation: explanations worded otherwise (no date in brackets at the end) still
    let a figure join the total without a regroup, and the groups equal a regroup from nothing."""
    monkeypatch.setattr(claimgroups.Member, "said",
                        lambda self: f"on {self.date or 'an unknown day'} {self.source} gave {self.figure}")
    db = str(tmp_path / "reworded.db")
    _passes(db)
    groups = _groups(db)["claim_groups"]
    dravik = [g for g in groups if g[1] == "killed" and g[2] == "Dravik" and g[4] == "conflict"]
    assert dravik and all(g[7] == "2025-03-04" and "both cannot be right" in g[5]
                          and not g[5].endswith("(2025-03-04); both cannot be right at the same time, the figures "
                                                "conflict.") for g in dravik)
    joined.clear()
    _ingest(tmp_path, TOLL_1_2, db)
    assert joined == [[KILLED]]
    _ingest(tmp_path, [_report(4, "2025-03-04", "The death toll in Dravik stood at 9, a local doctor said.")], db)
    assert joined[-1] == [KILLED]
    changed = [g[5] for g in set(_groups(db)["claim_groups"]) - set(groups) if g[2] == "Dravik"]
    assert len(changed) == 1 and re.search(r"on 2025-03-04 [^;]* gave 9\b", changed[0])
    assert _groups(db) == _regrouped_whole(db, tmp_path)


def test_groups_of_an_older_store_are_built_again_then_joined(tmp_path, joined):
    """A store whose groups were written before ``decided_on`` was kept (the column added empty
    when it is opened): a figure of a conflicting total makes its key be built again, which stores
    the day, and the next figure joins without a regroup."""
    db = str(tmp_path / "older.db")
    _passes(db)
    con = sqlite3.connect(db)
    with con:
        assert con.execute("SELECT count(*) FROM claim_groups WHERE decided_on IS NOT NULL").fetchone()[0] > 0
        con.execute("UPDATE claim_groups SET decided_on=NULL")
    con.close()
    joined.clear()
    _ingest(tmp_path, TOLL_1_2[:1], db)
    assert joined == [[]]
    _ingest(tmp_path, TOLL_1_2[1:], db)
    assert joined[-1] == [KILLED]
    assert _groups(db) == _regrouped_whole(db, tmp_path)


def test_joined_conflicts_equal_a_full_regroup(tmp_path, joined):
    """The sample and held-out reports in interleaved passes (the death toll in Dravik conflicts
    on 4 March and runs to 12 March), then reports of the toll dated inside that period, placed and
    unplaced, which join it; one dated after it, which makes the key be built again; one on the
    conflicting day, which joins it and changes the explanation; then one more inside the longer
    period."""
    files = sorted(os.path.join(SAMPLE, f) for f in os.listdir(SAMPLE) if f.endswith(".txt"))
    held_out = sorted(os.path.join(UNSEEN, f) for f in os.listdir(UNSEEN) if f.endswith(".txt"))
    db = str(tmp_path / "passes.db")
    everything = files + held_out
    for batch in (everything[::4], everything[1::4], everything[2::4], everything[3::4]):
        assert api.ingest(batch, db=db).failed == 0
    killed = ("killed", "total")
    assert killed not in [k for done in joined for k in done]
    joined.clear()
    _ingest(tmp_path, [
        _report(1, "2025-03-08", "The death toll in Dravik rose to 31 on Saturday, the Karesh Health Ministry said."),
        _report(2, "2025-03-10", "The Karesh Health Ministry put the death toll at 33 on Monday, most of them civilians."),
    ], db)
    assert joined == [[killed]]
    _ingest(tmp_path, [
        _report(3, "2025-03-20", "The death toll in Dravik now stands at 35, the Karesh Health Ministry said."),
    ], db)
    assert joined[-1] == []
    before = _groups(db)["claim_groups"]
    _ingest(tmp_path, [_report(4, "2025-03-04", "The death toll in Dravik stood at 9, a local doctor said.")], db)
    assert joined[-1] == [killed]  # on the day it conflicts: the lowest figure of that day is now 9
    assert "says 9 (2025-03-04)" in str(set(_groups(db)["claim_groups"]) - set(before))
    _ingest(tmp_path, [
        _report(5, "2025-03-15", "The death toll in Dravik rose to 34, the Karesh Health Ministry said."),
    ], db)
    assert joined[-1] == [killed]
    con = sqlite3.connect(db)
    joined_ids = {r[0] for r in con.execute(
        "SELECT k.claim_id FROM claim_keys k JOIN claims c ON c.id=k.claim_id JOIN articles a ON a.id=c.article_id "
        "WHERE a.path IN ('toll-1', 'toll-2', 'toll-5') AND k.group_id IS NOT NULL")}
    con.close()
    assert len(joined_ids) == 3
    assert _groups(db) == _regrouped_whole(db, tmp_path)
    rows = _view_rows(db)
    assert rows["story_view_parts"] and not rows["story_view_stale"]
    assert rows == _rebuilt_whole(db, tmp_path)


def test_backfill_stores_the_day_of_older_conflicts(tmp_path, joined):
    """``backfill_decided_on`` gives the conflicting groups of an older store their day once (the
    rows a regroup from nothing gives), so the first figure joining them needs no regroup."""
    db = str(tmp_path / "older.db")
    _passes(db)
    whole = _groups(db)
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE claim_groups SET decided_on=NULL")
    con.close()
    store = Store(db)
    try:
        assert claimgroups.backfill_decided_on(store) >= 1
        assert claimgroups.backfill_decided_on(store) == 0  # done once
    finally:
        store.close()
    assert _groups(db) == whole
    joined.clear()
    _ingest(tmp_path, TOLL_1_2, db)
    assert joined == [[KILLED]]
    assert _groups(db) == _regrouped_whole(db, tmp_path)


def test_undated_daily_figures_are_not_regrouped(tmp_path, regrouped):
    """A figure of a per-day class with no date (no date in the text, none given) can never be
    in a group: its key's undated figures are not read again, and the groups equal a regroup."""
    db = str(tmp_path / "daily.db")
    _passes(db)
    regrouped.clear()
    undated = [{"id": f"trucks-{i}", "title": f"Aid convoy {i}", "text": text} for i, text in enumerate([
        "Twelve aid trucks crossed into Dravik, the relief agency said.\n",
        "At least 30 aid trucks were waiting at the crossing, drivers said.\n"])]
    _ingest(tmp_path, undated, db)
    con = sqlite3.connect(db)
    keys = con.execute("SELECT k.counts, c.as_of, a.published FROM claim_keys k JOIN claims c ON c.id=k.claim_id "
                       "JOIN articles a ON a.id=c.article_id WHERE a.path LIKE 'trucks-%'").fetchall()
    con.close()
    assert keys and {k[0] for k in keys} == {"aid_trucks"} and all(k[1] is None and k[2] is None for k in keys)
    assert not any(k[0] == "aid_trucks" for parts in regrouped for k in parts)
    assert _groups(db) == _regrouped_whole(db, tmp_path)


@pytest.mark.parametrize("report, key", [
    # the Karesh military's 236 hostages of 4 March again (a group whose figures agree)
    (_report(8, "2025-03-04", "The Karesh military said 236 hostages were being held."), ("hostages", "total")),
    # Ilya Sarkisov's 1,300 evacuees of 10 March again (a group whose figure moved: an update)
    (_report(9, "2025-03-10", "About 1,300 people have been evacuated so far, Ilya Sarkisov said on Monday."),
     ("evacuees", "total")),
])
def test_repeated_figures_join_without_a_regroup(tmp_path, regrouped, report, key):
    """A figure repeating a grouped one (same source, figure, date and place) joins its group
    without the key being read again, whatever the group's verdict; the groups equal a regroup."""
    db = str(tmp_path / "repeat.db")
    _passes(db)
    regrouped.clear()
    before = _groups(db)["claim_groups"]
    _ingest(tmp_path, [report], db)
    con = sqlite3.connect(db)
    keyed = con.execute("SELECT k.counts, k.part, k.group_id FROM claim_keys k JOIN claims c ON c.id=k.claim_id "
                        "JOIN articles a ON a.id=c.article_id WHERE a.path=?", (report["id"],)).fetchall()
    con.close()
    assert [k[:2] for k in keyed] == [key] and keyed[0][2] is not None
    assert not any(key in parts for parts in regrouped)
    after = _groups(db)["claim_groups"]
    assert [g[:6] for g in after] == [g[:6] for g in before] and after != before  # only members changed
    assert _groups(db) == _regrouped_whole(db, tmp_path)
