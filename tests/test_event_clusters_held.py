"""Event clusters held by a pass (event_clusters._Held): each touched cluster's members and summary
are read from the store once and then followed through every new cluster, join and merge, and the
members are written back at the end of the pass. The clusters must be those that writing every
change at once and reading every summary from the store gives."""
import json
import sqlite3

from conftest import SAMPLE, UNSEEN

from storyline import api, event_clusters, synth


class _AskEveryTime(event_clusters._Held):
    """The long way: every summary read from the store, every change written at once."""

    def summaries(self, clusters):
        return event_clusters._summaries(self.db, clusters)

    def new(self, cid, ev):
        super().new(cid, ev)
        self._write()

    def join(self, keep, rest, ev):
        super().join(keep, rest, ev)
        self._write()

    def _write(self):
        self.flush()
        self.members.clear()
        self.summary.clear()


def _clusters(db_path: str) -> tuple[list, list]:
    db = sqlite3.connect(db_path)
    try:
        return (db.execute("SELECT id, cluster_id FROM events ORDER BY id").fetchall(),
                db.execute("SELECT id, event_ids FROM event_clusters ORDER BY id").fetchall())
    finally:
        db.close()


def test_held_clusters_equal_clusters_written_and_read_at_every_event(tmp_path, monkeypatch):
    corpus = synth.write_folder(str(tmp_path / "synth"), 30)  # copies of one story's reports: large clusters
    held = str(tmp_path / "held.db")
    api.ingest([SAMPLE, UNSEEN, corpus], db=held)
    monkeypatch.setattr(event_clusters, "_Held", _AskEveryTime)
    asked = str(tmp_path / "asked.db")
    api.ingest([SAMPLE, UNSEEN, corpus], db=asked)
    got, want = _clusters(held), _clusters(asked)
    assert got == want
    events, clusters = got
    assert max(len(json.loads(ids)) for _, ids in clusters) >= 10  # events did join clusters, many of them
    # every cluster lists exactly the events that name it
    by_cluster: dict[str, set[str]] = {}
    for eid, cid in events:
        by_cluster.setdefault(cid, set()).add(eid)
    assert {cid: set(json.loads(ids)) for cid, ids in clusters} == by_cluster


class _Checked(event_clusters._Held):
    """Before writing back, every summary and member list held is what the store now says."""
    checked = 0

    def flush(self):
        for cid, summary in self.summary.items():
            assert summary == event_clusters._summaries(self.db, [cid])[cid], cid
            _Checked.checked += 1
        for cid, members in self.members.items():
            if cid not in self.gone:
                assert members == {r[0] for r in self.db.execute("SELECT id FROM events WHERE cluster_id=?", (cid,))}
        super().flush()


def test_what_a_pass_holds_is_what_the_store_says(tmp_path, monkeypatch):
    corpus = synth.write_folder(str(tmp_path / "synth"), 30)
    monkeypatch.setattr(event_clusters, "_Held", _Checked)
    api.ingest([SAMPLE, UNSEEN, corpus], db=str(tmp_path / "s.db"))
    assert _Checked.checked > 50
