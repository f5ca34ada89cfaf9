"""The cross-article steps give the same store when they keep what they read across the articles
of a pass as when they read everything again for each article (regression tests for the shortcuts
taken for speed, issue 7)."""
import sqlite3

from storyline import statements, stories
from storyline.store import Store

# our own fictional paragraphs: one reprinted by far more outlets than stories.HOLDERS, one
# reworded by a few, and each report's own lead
WIRE = ("The ferry line between Orlen and the Sable Islands has run at half its timetable since the "
        "spring, when two of its four boats failed their hull inspections and the operator said it "
        "could not pay for the repairs before the end of the year.")
REWORDED = ("Island councillors have asked the regional assembly to lend the operator the money, a "
            "request the assembly turned down twice last year and has promised to look at again in May.")

PLACES = ("Arnholt", "Brisbay", "Carrow", "Dunmere", "Eskfield", "Farrowby", "Glenhaven", "Holloway", "Inchbrook",
          "Jarrow", "Kelderby", "Lanmouth", "Marrowick", "Northolt", "Ormskirk", "Pellingham", "Quarryton")


def _articles(n: int) -> list[tuple[str, str, str]]:
    out = []
    for i in range(n):
        lead = (f"ORLEN ({i}) - Report number {i} on the ferry line tells of passengers number {i} who "
                f"waited {i % 7 + 2} hours on the quay of harbour {i} for a boat that did not come.")
        reworded = REWORDED.replace("twice", "two times") if i % 3 else REWORDED
        # places named by some reports and not others: terms of every document frequency, so which
        # 40 terms are an article's strongest depends on the frequencies
        places = " and ".join(PLACES[(i * k) % len(PLACES)] for k in range(1, 2 + i % 9))
        paras = [lead, WIRE, f"Boats were also late at {places}."] + ([reworded] if i % 2 else [])
        # publication dates out of ingestion order, so later reports become the originals of earlier ones
        day = 28 - (i * 11) % 27
        out.append((f"ferry-{i:02d}", f"2025-03-{day:02d}", "\n\n".join(paras)))
    return out


def _marked(path: str, shared: bool, arts: list[tuple[str, str, str]]) -> tuple[list, list]:
    st = Store(path)
    db = st.db
    for aid, published, text in arts:
        db.execute("INSERT INTO articles (id, path, published, text) VALUES (?,?,?,?)", (aid, aid, published, text))
    kept: dict = {}
    recopied = set()
    for aid, published, text in sorted(arts, key=lambda a: (a[1], a[0])):
        recopied |= stories._mark_copies(db, aid, text, published, kept if shared else None)
    db.commit()
    out = (db.execute("SELECT * FROM copied_paragraphs ORDER BY article_id, start").fetchall(),
           db.execute("SELECT hash, article_id, start FROM paragraph_shingles ORDER BY rowid").fetchall(),
           sorted(recopied))
    st.close()
    return out


def test_copy_marks_with_shingles_kept_across_a_pass_equal_those_read_each_time(tmp_path):
    arts = _articles(2 * stories.HOLDERS + 5)
    kept = _marked(str(tmp_path / "kept.db"), True, arts)
    fresh = _marked(str(tmp_path / "fresh.db"), False, arts)
    assert kept == fresh
    copied, _, _ = kept
    # the reprint is marked in every report but its original, and the shortcut was exercised:
    # shingles with more than HOLDERS holders
    assert len({r[0] for r in copied}) >= 2 * stories.HOLDERS
    con = sqlite3.connect(str(tmp_path / "kept.db"))
    assert con.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM paragraph_shingles GROUP BY hash)"
                       ).fetchone()[0] > stories.HOLDERS
    con.close()


def _assigned(path: str, kept: bool, arts: list[tuple[str, str, str]]) -> tuple[list, ...]:
    st = Store(path)
    db = st.db
    one = stories._Kept(db) if kept else None
    for aid, published, text in sorted(arts, key=lambda a: (a[1], a[0])):
        stories._assign(db, aid, text[:40], text, published, one)
    db.commit()
    out = tuple(db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                for t in ("stories", "story_articles", "story_terms", "term_df"))
    st.close()
    return out


def test_story_assignment_with_vectors_kept_across_a_pass_equals_reading_them_each_time(tmp_path):
    # three subjects, two of them in the same weeks (and sharing a few words), so articles have
    # several candidate stories
    docks = [(f"dock-{i}", f"2025-03-{3 + i % 20:02d}",
              (f"Dockworkers at Kettle Bay walked out over night shifts and pay; their leader Mara Quill "
              f"addressed {i} colleagues at the union hall.")) for i in range(30)]
    votes = [(f"vote-{i}", f"2025-05-{1 + i:02d}",
              (f"Sable Islands voters elect council number {i} in May; the turnout was {40 + i} percent, "
              "the returning officer said.")) for i in range(12)]
    arts = _articles(40) + docks + votes
    kept = _assigned(str(tmp_path / "kept.db"), True, arts)
    fresh = _assigned(str(tmp_path / "fresh.db"), False, arts)
    assert kept == fresh
    stories_, members, _, _ = kept
    assert 2 < len(stories_) < len(members)  # stories were joined, not one per article


SAYINGS = ["We will keep the ferry running every day of the winter, whatever the weather brings us",
           "The islands cannot wait another year for a boat that the operator keeps promising to them",
           "No passenger will be left on the quay while there is a single seat free on the morning boat"]


def _statements(path: str, kept: bool, monkeypatch) -> tuple[list, list]:
    st = Store(path)
    db = st.db
    for who, kind in (("s1", "person"), ("s2", "person"), ("s3", "unnamed_source")):
        db.execute("INSERT INTO actors (id, name, kind, roles, aliases) VALUES (?,?,?,'[]','[]')", (who, who, kind))
    batches = []
    for p in range(2):  # two passes: quotes of the second join the statements of the first
        batch = []
        for i in range(12):
            aid = f"a{p}-{i:02d}"
            words = SAYINGS[i % 3].split()
            text = " ".join(words if i % 4 else words[2:12])  # whole, or a partial quote
            speaker = (None, "s1", "s2", "s3")[i % 4] if i % 3 == 0 else ("s1", "s2", "s3")[i % 3]
            db.execute("INSERT INTO quotes (id, article_id, kind, start, \"end\", text, speaker_id) VALUES (?,?,?,?,?,?,?)",
                       (f"q{p}-{i:02d}", aid, "direct" if i % 2 else "indirect", 10, 10 + len(text), text, speaker))
            batch.append(aid)
        batches.append(batch)
    db.commit()
    if not kept:  # every trigram and holder read again for every quote
        one = statements._candidates
        monkeypatch.setattr(statements, "_candidates", lambda db_, hashes, own, seen=None: one(db_, hashes, own))
    for batch in batches:
        statements.aggregate(st, batch)
    monkeypatch.undo()
    out = (db.execute("SELECT * FROM statements ORDER BY id").fetchall(),
           db.execute("SELECT * FROM statement_quotes ORDER BY quote_id").fetchall())
    st.close()
    return out


def test_statements_with_trigram_answers_kept_across_a_pass_equal_reading_them_each_time(tmp_path, monkeypatch):
    kept = _statements(str(tmp_path / "kept.db"), True, monkeypatch)
    fresh = _statements(str(tmp_path / "fresh.db"), False, monkeypatch)
    assert kept == fresh
    rows, members = kept
    assert 3 <= len(rows) < len(members)
