"""'The militants' of a report that never names them are the armed group its neighbours name
(storyline.unnamed_groups). Every text is written for these tests; all names are invented."""
import sqlite3

from storyline import api

NAMED = ("Gunmen seize school in Lorne\n\n"
         "Fighters of the Grey Hill Front seized a school in the Tarvian town of Lorne on {day}, Tarvian Interior "
         "Minister Pavel Orsk said. The Grey Hill Front demanded the release of {n} prisoners.\n")
FOLLOW = ("Talks stall in Lorne\n\n"
          "Tarvian Interior Minister Pavel Orsk said on Friday that talks in Lorne had stalled after the militants "
          "refused to let doctors into the school.\n")


def _ingest(tmp_path, texts):
    src = tmp_path / "in"
    src.mkdir()
    for i, t in enumerate(texts):
        (src / f"{i:02d}.txt").write_text(t, encoding="utf-8")
    db = str(tmp_path / "g.db")
    assert api.ingest([str(src)], db=db).failed == 0
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return con


def _refusal(con):
    return con.execute("SELECT e.actor_text, ac.name FROM events e JOIN articles a ON a.id=e.article_id "
                       "LEFT JOIN actors ac ON ac.id=e.actor_id WHERE a.path LIKE '%02.txt' "
                       "AND e.event_type='REJECT'").fetchone()


def test_the_militants_of_a_follow_up_are_the_group_its_neighbours_name(tmp_path):
    con = _ingest(tmp_path, [NAMED.format(day="Monday", n=20), NAMED.format(day="Tuesday", n=30), FOLLOW])
    row = _refusal(con)
    assert row["actor_text"] == "the militants" and row["name"] == "Grey Hill Front"


def test_one_neighbour_is_not_enough(tmp_path):
    con = _ingest(tmp_path, [NAMED.format(day="Monday", n=20), "Unrelated\n\nThe weather was fine.\n", FOLLOW])
    assert _refusal(con)["name"] is None


def test_the_group_of_a_report_without_militants_is_left_alone(tmp_path):
    # regression: a donors' "group" in a politics report was given the armed group of other reports
    other = ("Donors back campaign\n\nTarvian Interior Minister Pavel Orsk visited a school in the town of Lorne on "
             "Friday. He said the donors had refused to fund the group.\n")
    con = _ingest(tmp_path, [NAMED.format(day="Monday", n=20), NAMED.format(day="Tuesday", n=30), other])
    rows = con.execute("SELECT e.recipient_text, e.recipient_id FROM events e JOIN articles a ON a.id=e.article_id "
                       "WHERE a.path LIKE '%02.txt' AND e.recipient_text='the group'").fetchall()
    assert rows and all(r["recipient_id"] is None for r in rows)
