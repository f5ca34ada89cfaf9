"""The HTTP API and web pages, against a real store served by a real uvicorn on 127.0.0.1."""
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest
from conftest import HOSTILE, SAMPLE, UNSEEN, Served

ENDPOINTS = ["stories", "articles", "quotes", "claims", "events", "actors"]


def items(served, path):
    status, body = served.get(path)
    assert status == 200, (path, body)
    assert {"total", "limit", "offset", "items"} <= set(body)
    return body


def test_openapi_lists_every_endpoint(served):
    status, spec = served.get("/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    for e in ENDPOINTS:
        assert f"/api/{e}" in spec["paths"] and f"/api/{e}/{{record_id}}" in spec["paths"]
        names = {p["name"] for p in spec["paths"][f"/api/{e}"]["get"]["parameters"]}
        assert {"actor", "outlet", "date_from", "date_to", "type", "limit", "offset", "q"} <= names


def test_docs_page_is_ours_and_offline(served):
    status, page = served.get("/docs")
    assert status == 200 and "/api/quotes" in page and "/openapi.json" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the docs page must not load anything remote"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_pages(served, endpoint):
    full = items(served, f"/api/{endpoint}?limit=500")
    assert full["total"] == len(full["items"]) and full["total"] >= 2
    a = items(served, f"/api/{endpoint}?limit=1&offset=0")["items"]
    b = items(served, f"/api/{endpoint}?limit=1&offset=1")["items"]
    assert len(a) == len(b) == 1 and a[0]["id"] != b[0]["id"]
    assert [x["id"] for x in full["items"][:2]] == [a[0]["id"], b[0]["id"]]
    rid = full["items"][0]["id"]
    status, one = served.get(f"/api/{endpoint}/{rid}")
    assert status == 200 and one["id"] == rid
    status, err = served.get(f"/api/{endpoint}/no-such-id")
    assert status == 404 and "no-such-id" in err["detail"]


def test_stories_cluster_and_filter(served):
    allst = items(served, "/api/stories")["items"]
    dravik = [s for s in allst if "Dravik" in (s["summary"] or "") or "Karesh" in (s["title"] or "")]
    ostmere = [s for s in allst if "Ostmere" in (s["title"] or "") or "trawler" in (s["title"] or "").lower()]
    assert dravik and ostmere
    assert len(max(dravik, key=lambda s: len(s["article_ids"]))["article_ids"]) >= 8
    by_actor = items(served, "/api/stories?actor=Korvel")["items"]
    assert by_actor and all(s["first_date"] >= "2025" for s in by_actor)
    by_date = items(served, "/api/stories?date_from=2024-10-01&date_to=2024-10-31")["items"]
    assert by_date and all(s["first_date"] <= "2024-10-31" and s["last_date"] >= "2024-10-01" for s in by_date)
    assert all(s["id"] not in {x["id"] for x in by_date} for s in by_actor)
    by_outlet = items(served, "/api/stories?outlet=nordpress")["items"]
    assert by_outlet and all("Nordpress" in s["outlets"] for s in by_outlet)
    multi = items(served, "/api/stories?type=multi_outlet")["items"]
    single = items(served, "/api/stories?type=single_outlet")["items"]
    assert all(len(s["outlets"]) > 1 for s in multi) and all(len(s["outlets"]) <= 1 for s in single)
    assert len(multi) + len(single) == len(allst)
    assert items(served, "/api/stories?q=trawler")["total"] >= 1


def test_story_view(served):
    sid = items(served, "/api/stories?actor=Korvel")["items"][0]["id"]
    status, s = served.get(f"/api/stories/{sid}")
    assert status == 200
    kinds = {i["kind"] for i in s["timeline"]}
    assert {"article", "statement", "event"} <= kinds
    st = [i for i in s["timeline"] if i.get("statement_id") == "st-1"]
    assert len(st) == 1 and st[0]["text"] == "civilians first" and st[0]["who"] == "Anna Korvel"
    assert not [i for i in s["timeline"] if i["kind"] == "statement" and i["id"] == st[0]["id"]
                and not i.get("statement_id")], "a quote inside a statement is not listed twice"
    dates = [i["date"] for i in s["timeline"] if i["date"] != "undated"]
    assert dates == sorted(dates)
    g = [g for g in s["claim_groups"] if g["id"] == "cg-killed"]
    assert g and g[0]["verdict"] == "conflict" and any(c["conflict"] for c in g[0]["claims"])
    assert {"actor": "Anna Korvel", "event_type": "ACCUSE"}.items() <= s["graph"][0].items()
    assert s["speakers"] and all(q["article_id"] in s["article_ids"] for sp in s["speakers"] for q in sp["quotes"])


def test_articles_search_and_filters(served):
    res = items(served, "/api/articles?q=hostages")
    assert res["total"] >= 3
    for a in res["items"]:
        assert "\x02" in a["snippet"] and "hostage" in a["snippet"].lower()
    assert items(served, "/api/articles?q=" + "zzqx%20nothing")["total"] == 0
    assert items(served, "/api/articles?q=%22unbalanced%20(quote")["total"] == 0  # no syntax error
    kna = items(served, "/api/articles?outlet=KNA")["items"]
    assert kna and all(a["outlet"] == "KNA" for a in kna)
    rng = items(served, "/api/articles?date_from=2025-03-05&date_to=2025-03-08")["items"]
    assert rng and all("2025-03-05" <= a["published"] <= "2025-03-08" for a in rng)
    korvel = items(served, "/api/articles?actor=Korvel")["items"]
    assert korvel and all(a["published"] and a["published"] >= "2025-03" for a in korvel)
    copied = items(served, "/api/articles?type=copied")["items"]
    original = items(served, "/api/articles?type=original")
    assert copied and len(copied) + original["total"] == items(served, "/api/articles")["total"]
    sid = copied[0]["story_id"]
    in_story = items(served, f"/api/articles?story={sid}")["items"]
    assert in_story and all(a["story_id"] == sid for a in in_story)
    status, err = served.get("/api/articles?type=bogus")
    assert status == 400 and "original" in err["detail"]


def test_article_record_has_spans(served):
    aid = items(served, "/api/quotes?actor=Korvel")["items"][0]["article_id"]
    status, a = served.get(f"/api/articles/{aid}")
    assert status == 200 and a["quotes"] and a["story"]
    for q in a["quotes"]:
        assert a["text"][q["start"]:q["end"]] == q["text"]
    ev_article = items(served, "/api/events?type=ACCUSE")["items"][0]["article_id"]
    assert [e["id"] for e in served.get(f"/api/articles/{ev_article}")[1]["events"]] == ["ev-accuse-1", "ev-request-2"]


def test_quotes_filters(served):
    korvel = items(served, "/api/quotes?actor=Korvel&limit=500")["items"]
    assert korvel and all(q["speaker_name"] == "Anna Korvel" for q in korvel)
    direct = items(served, "/api/quotes?type=direct&limit=500")["items"]
    assert direct and all(q["kind"] == "direct" for q in direct)
    nord = items(served, "/api/quotes?outlet=Nordpress&limit=500")["items"]
    assert nord and all(q["outlet"] == "Nordpress" for q in nord)
    day = items(served, "/api/quotes?date_from=2025-03-04&date_to=2025-03-04&limit=500")["items"]
    assert day and all(q["published"] == "2025-03-04" for q in day)
    aid = korvel[0]["article_id"]
    one = items(served, f"/api/quotes?article={aid}&limit=500")["items"]
    assert one and all(q["article_id"] == aid for q in one)
    assert items(served, "/api/quotes?q=priority")["total"] >= 1
    both = items(served, "/api/quotes?actor=Korvel&type=direct&outlet=Nordpress")["items"]
    assert both and all(q["kind"] == "direct" and q["outlet"] == "Nordpress" for q in both)


def test_claims_filters(served):
    killed = items(served, "/api/claims?type=killed")["items"]
    assert killed and all(c["counts"] == "killed" for c in killed)
    kna = items(served, "/api/claims?outlet=KNA&limit=500")["items"]
    assert kna and all(c["outlet"] == "KNA" for c in kna)
    rng = items(served, "/api/claims?date_from=2025-03-10&limit=500")["items"]
    assert rng and all(c["published"] >= "2025-03-10" for c in rng)
    by = [c for c in items(served, "/api/claims?limit=500")["items"] if c["claimed_by_name"]]
    name = by[0]["claimed_by_name"]
    mine = items(served, f"/api/claims?actor={name.replace(' ', '%20')}&limit=500")["items"]
    assert mine and all(c["claimed_by_name"] == name for c in mine)


def test_events_filters(served):
    assert items(served, "/api/events")["total"] == 2
    acc = items(served, "/api/events?type=accuse")["items"]
    assert [e["id"] for e in acc] == ["ev-accuse-1"]
    assert items(served, "/api/events?actor=Korvel")["total"] == 2
    assert items(served, "/api/events?actor=Sarkisov")["total"] == 0
    assert [e["id"] for e in items(served, "/api/events?date_from=2025-03-05")["items"]] == ["ev-request-2"]
    assert items(served, "/api/events?date_to=2025-03-04")["total"] == 1
    outlet = items(served, "/api/events")["items"][0]["outlet"]
    assert items(served, f"/api/events?outlet={outlet}")["total"] == 2
    assert items(served, "/api/events?outlet=Nowhere%20Times")["total"] == 0


def test_actors_filters(served):
    persons = items(served, "/api/actors?type=person&limit=500")["items"]
    assert persons and all(a["kind"] == "person" for a in persons)
    sark = items(served, "/api/actors?actor=Sarkissov")["items"]  # an alias spelling
    assert [a["name"] for a in sark] == ["Ilya Sarkisov"]
    kna = {a["id"] for a in items(served, "/api/actors?outlet=KNA&limit=500")["items"]}
    alla = {a["id"] for a in items(served, "/api/actors?limit=500")["items"]}
    assert kna and kna < alla
    oct_ = {a["name"] for a in items(served, "/api/actors?date_from=2024-10-01&date_to=2024-10-31&limit=500")["items"]}
    assert oct_ and "Anna Korvel" not in oct_


@pytest.mark.parametrize("query,status", [("date_from=yesterday", 400), ("limit=0", 422), ("offset=-1", 422),
                                          ("limit=501", 422)])
def test_bad_parameters_say_what_to_do(served, query, status):
    code, body = served.get(f"/api/quotes?{query}")
    assert code == status
    if status == 400:
        assert "YYYY-MM-DD" in body["detail"]


def test_real_records_are_served(sample_db):
    """What the stages really extracted from the sample corpus is what the API serves."""
    import sqlite3

    con = sqlite3.connect(sample_db)
    want = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("events", "quotes", "claims")}
    con.close()
    assert want["events"] > 0
    s = Served(sample_db)
    try:
        for t, n in want.items():
            assert items(s, f"/api/{t}")["total"] == n, t
    finally:
        s.stop()


def _older_store(sample_db: str, tmp_path, *tables: str) -> str:  # type: ignore[no-untyped-def]
    """A copy of the sample store as a store built before ``tables`` existed (and so before the
    stored story views, which are built from them)."""
    import shutil
    import sqlite3

    db = str(tmp_path / "old.db")
    shutil.copy(sample_db, db)
    con = sqlite3.connect(db)
    con.executescript("".join(f"DROP TABLE {t};" for t in tables) + "DROP TABLE IF EXISTS story_views;")
    con.close()
    return db


def test_missing_tables_are_empty(sample_db, tmp_path):
    """A store without the events or claim-group tables (other stages not run) still serves."""
    s = Served(_older_store(sample_db, tmp_path, "events", "event_clusters", "claim_groups", "statements"))
    try:
        assert items(s, "/api/events")["total"] == 0
        sid = items(s, "/api/stories")["items"][0]["id"]
        code, story = s.get(f"/api/stories/{sid}")
        assert code == 200 and story["graph"] == []
        code, page = s.get(f"/stories/{sid}")
        assert code == 200 and "No events extracted" in page
    finally:
        s.stop()


def test_store_from_before_story_outlets_still_serves(sample_db, tmp_path):
    """A store whose stories were built before `story_outlets` existed: outlets come from the articles."""
    s = Served(_older_store(sample_db, tmp_path, "story_outlets"))
    try:
        stories = items(s, "/api/stories")["items"]
        assert max(len(x["outlets"]) for x in stories) >= 3
        assert items(s, "/api/stories?type=multi_outlet")["total"] >= 1
        assert items(s, "/api/stories?outlet=KNA")["total"] >= 1
        assert s.get("/")[0] == 200
    finally:
        s.stop()


class _Tags(HTMLParser):
    """Every element and attribute name a browser would parse (attribute values, escaped text excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: set[str] = set()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.attrs.update(name for name, _ in attrs)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._in_script = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_script:
            self.scripts.append(data)


def _no_live_markup(page: str) -> None:
    tags = _Tags()
    tags.feed(page)
    assert "onerror" not in tags.attrs, "an onerror attribute reached the HTML"
    assert not any("alert(" in js for js in tags.scripts), "the article's script reached the HTML"
    assert "&lt;script&gt;alert(" in page


def test_hostile_article_renders_as_text(served):
    aid = items(served, "/api/articles?q=leaflet")["items"][0]["id"]
    code, page = served.get(f"/articles/{aid}")
    assert code == 200
    _no_live_markup(page)
    assert "&lt;img src=x onerror=alert(" in page
    code, art = served.get(f"/api/articles/{aid}")
    assert art["title"] == HOSTILE["title"]
    code, page = served.get(f"/stories/{art['story']['id']}")
    _no_live_markup(page)
    code, page = served.get("/search?q=leaflet")
    assert "<mark>leaflet</mark>" in page.lower() or "<mark>Leaflet</mark>" in page
    _no_live_markup(page)
    code, page = served.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in page


def test_ui_pages(served):
    code, page = served.get("/")
    assert code == 200 and 'href="/stories/' in page
    code, page = served.get("/?actor=Korvel")
    assert code == 200 and page.count('class="card"') == items(served, "/api/stories?actor=Korvel")["total"]
    code, page = served.get("/articles/no-such-article")
    assert code == 404 and "no-such-article" in page
    code, css = served.get("/static/app.css")
    assert code == 200 and "mark.hl" in css
    assert served.get("/static/../conftest.py")[0] == 404


def test_report_is_self_contained(web_db, tmp_path):
    out = tmp_path / "report.html"
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "report", "--db", web_db, "-o", str(out)],
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link " not in page and "<script src" not in page and "<style>" in page
    _no_live_markup(page)
    # every quote link of the report lands on an anchor inside the report
    targets = set(re.findall(r'href="#(quote-[0-9a-f]+)"', page))
    assert targets and all(f'id="{t}"' in page for t in targets)
    r = subprocess.run([sys.executable, "-m", "storyline.cli", "report", "--db", web_db, "--story", "nope",
                        "-o", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 2 and "no story nope" in r.stderr


def test_serve_answers_while_another_process_ingests(tmp_path):
    from storyline import api

    db = str(tmp_path / "live.db")
    api.ingest([os.path.join(SAMPLE, "01_dravik_seized.txt")], db=db)
    s = Served(db)
    try:
        before = items(s, "/api/articles")["total"]
        proc = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", SAMPLE, UNSEEN, "--db", db, "-q"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answered, seen = 0, set()
        while proc.poll() is None:
            body = items(s, "/api/articles?limit=1")
            seen.add(body["total"])
            items(s, "/api/quotes?limit=5")
            answered += 1
            time.sleep(0.05)
        assert proc.returncode == 0, proc.stderr.read()
        after = items(s, "/api/articles")["total"]
        assert answered > 5 and after > before
        assert items(s, "/api/stories")["total"] >= 2
    finally:
        s.stop()


@pytest.mark.parametrize("query", [f"/api/{e}?" for e in ENDPOINTS] + [
    "/api/articles?q=Dravik&", "/api/quotes?type=direct&", "/api/claims?outlet=KNA&", "/api/actors?type=person&",
    "/api/quotes?actor=Korvel&"])
def test_keyset_pages_return_every_row_once(served, query):
    """Following `next` (after=) walks the same rows, in the same order, as one big page."""
    full = items(served, query + "limit=500")
    assert full["next"] is None and full["total"] >= 2
    seen: list[str] = []
    page = items(served, query + "limit=2")
    pages = 1
    while True:
        seen += [x["id"] for x in page["items"]]
        if page["next"] is None:
            break
        page = items(served, query + f"limit=2&after={page['next']}")
        pages += 1
        assert pages <= full["total"], "paging does not end"
    assert seen == [x["id"] for x in full["items"]] and len(set(seen)) == len(seen) == full["total"]
    # offsets (read through the rowids first) still give the same pages
    by_offset = [x["id"] for k in range(0, full["total"], 3) for x in items(served, query + f"limit=3&offset={k}")["items"]]
    assert by_offset == seen


def test_keyset_paging_across_undated_rows(served):
    """Rows with no date sort first (ascending lists) or last (descending): the cursor holds a
    NULL and the next page still starts right after it."""
    arts = items(served, "/api/articles?limit=500")["items"]
    assert any(a["published"] is None for a in arts) and any(a["published"] for a in arts)
    seen: list[str] = []
    after = ""
    while True:
        page = items(served, "/api/articles?limit=3" + after)
        seen += [x["id"] for x in page["items"]]
        if not page["next"]:
            break
        after = f"&after={page['next']}"
    assert seen == [a["id"] for a in arts]


@pytest.mark.parametrize("query", ["/api/quotes?after=garbage", "/api/quotes?after=WzFd",
                                   "/api/quotes?after=WzFd&offset=3"])
def test_bad_cursor_says_what_to_do(served, query):
    status, body = served.get(query)
    assert status == 400 and ("next" in body["detail"] or "not both" in body["detail"])
