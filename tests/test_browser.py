"""The web UI in a real browser: Debian's chromium driven by Playwright (no browser download).

`.ci/run` installs chromium; without it these tests fail and say how to install it.
Screenshots go to $STORYLINE_SCREENSHOTS (default: out/screenshots in the repo).
"""
import os
import re

import pytest
from conftest import ROOT

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = os.environ.get("STORYLINE_SCREENSHOTS", os.path.join(ROOT, "out", "screenshots"))


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium is missing at {CHROMIUM}: install it with `apt-get install -y chromium` "
                    "(.ci/run does) or set STORYLINE_CHROMIUM to its path")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, served):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    external = []
    pg.on("request", lambda r: None if r.url.startswith(served.url) else external.append(r.url))
    pg.dialogs, pg.external = dialogs, external
    yield pg
    assert not dialogs, f"a script from article text ran: {dialogs}"
    assert not external, f"the page requested something outside the server: {external}"
    ctx.close()


def shot(pg, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name)
    pg.screenshot(path=path, full_page=False)
    print(f"screenshot: {path}")
    return path


def test_click_a_quote_lands_on_its_highlighted_span(page, served):
    _, stories = served.get("/api/stories?actor=Korvel")
    sid = stories["items"][0]["id"]
    page.goto(f"{served.url}/stories/{sid}")
    assert page.locator("h1").first.inner_text() == stories["items"][0]["title"]
    assert page.locator("svg.chart").count() >= 1 and page.locator("svg.graph").count() == 1
    shot(page, "story.png")
    for part in ("figures", "graph"):
        path = os.path.join(SHOTS, f"story-{part}.png")
        page.locator(f"#{part}-{sid}").screenshot(path=path)
        print(f"screenshot: {path}")
    link = page.locator(f"#quotes-{sid} a.quote-link").nth(1)
    qid = link.get_attribute("data-quote-id")
    _, quote = served.get(f"/api/quotes/{qid}")
    link.click()
    page.wait_for_url(re.compile(rf"/articles/{quote['article_id']}#quote-{qid}$"))
    mark = page.locator(f"#quote-{qid}")
    assert mark.evaluate("el => el.tagName") == "MARK"
    assert mark.text_content() == quote["text"]
    assert page.evaluate("document.querySelector(':target').id") == f"quote-{qid}"
    # it is visibly highlighted (the landing colour) and in view, and its record is marked in the panel
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 213, 77)"
    assert mark.is_visible()
    assert "active" in page.locator(f"#rec-quote-{qid}").get_attribute("class")
    shot(page, "article.png")


def test_clicking_a_span_marks_its_record(page, served):
    _, claims = served.get("/api/claims?type=killed")
    c = claims["items"][0]
    page.goto(f"{served.url}/articles/{c['article_id']}")
    page.locator(f"#claim-{c['id']}").click()
    assert "active" in page.locator(f"#rec-claim-{c['id']}").get_attribute("class")


def test_hostile_text_stays_text_in_the_browser(page, served):
    _, res = served.get("/api/articles?q=leaflet")
    aid = res["items"][0]["id"]
    page.goto(f"{served.url}/articles/{aid}")
    assert "<img src=x onerror=alert('img')>" in page.locator(".text").inner_text()
    assert page.locator(".text img, .text script").count() == 0
    page.goto(f"{served.url}/search?q=leaflet")
    assert page.locator(".results li").count() == 1
    shot(page, "search.png")
