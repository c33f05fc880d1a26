"""The scraper against the faulty local news site: every fault counted, robots.txt obeyed, 304s on a second crawl."""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pandas as pd
import pytest

from shared.errors import DataError
from week16_pipeline.contract import validate
from week16_pipeline.data import load_ag_news
from week16_pipeline.news_site import NO_FAULTS, Faults, plan_faults, serve_news_site
from week16_pipeline.scraper import USER_AGENT, crawl, decode

PAGE_SIZE = 10
FAULTS = Faults(slow_s=3.0, crawl_delay_s=0.0)
FAST_CRAWL = {"delay_s": 0.0, "timeout_s": 0.5, "retries": 1, "backoff_s": 0.01, "progress": False}


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    """40 AG News items, 3 of them with non-ASCII text (so the charset faults change real characters)."""
    news = load_ag_news()
    non_ascii = news[~(news["title"] + news["description"]).map(str.isascii)].head(3)
    rest = news.drop(non_ascii.index).sample(37, random_state=0)
    return pd.concat([non_ascii, rest]).sample(frac=1, random_state=1).reset_index(drop=True)


@pytest.fixture(scope="module")
def crawled(items, tmp_path_factory):
    """Crawl the faulty site twice with one cache; returns (plan, log, first, second) crawls."""
    cache = tmp_path_factory.mktemp("cache")
    log = []
    with serve_news_site(items, faults=FAULTS, page_size=PAGE_SIZE, seed=3, log=log) as url:
        first = crawl(url, cache_dir=cache, **FAST_CRAWL)
        second_from = len(log)
        second = crawl(url, cache_dir=cache, **FAST_CRAWL)
    plan = plan_faults(items, FAULTS, page_size=PAGE_SIZE, seed=3)
    return plan, log, second_from, first, second


def test_every_fault_is_counted_and_none_stops_the_crawl(crawled, items):
    plan, _, _, (frame, report), _ = crawled
    n = lambda fault: len(plan.faulty[fault])  # noqa: E731
    lost = n("broken") + n("slow") + n("disallowed") + n("malformed")
    assert report.server_error == n("broken") == 2
    assert report.timeout == n("slow") == 1
    assert report.disallowed_skipped == n("disallowed") == 2
    assert report.redirect_loop == FAULTS.redirect_loops == 1
    assert report.client_error == FAULTS.dead_links == 1
    assert report.duplicate == n("duplicates") == 3
    assert report.parse_error == n("malformed") == 1
    assert report.decode_fallback == n("mislabelled") == 1
    assert report.non_utf8 == n("cp1252") == 1
    # each flaky page needed one retry; each broken or slow page used up its one retry
    assert report.retries == n("flaky") + n("broken") + n("slow")
    assert report.listing_pages == plan.n_pages == 4
    assert report.articles == len(frame) == len(items) - lost
    assert report.robots_status == 200


def test_articles_are_the_published_ones_decoded_and_deduplicated(crawled, items):
    plan, _, _, (frame, _), _ = crawled
    ids = frame["url"].str.extract(r"/article/(\d+)$")[0].astype(int)
    lost = {i for f in ("broken", "slow", "disallowed", "malformed") for i in plan.faulty[f]}
    assert sorted(ids) == sorted(set(range(len(items))) - lost)  # each once: the /story/ copies were dropped
    expected = items.iloc[ids.to_numpy()].reset_index(drop=True)
    # the windows-1252 pages, declared or not, decode to the same characters as the UTF-8 ones
    assert frame["title"].tolist() == expected["title"].tolist()
    assert frame["description"].tolist() == expected["description"].tolist()
    charset_ids = set(plan.faulty["cp1252"] + plan.faulty["mislabelled"])
    assert not all(items.loc[i, "title"].isascii() and items.loc[i, "description"].isascii() for i in charset_ids)
    unlabelled = ids[frame["label"].isna()].tolist()
    assert unlabelled == list(plan.faulty["uncategorised"])
    assert frame["content_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_nothing_disallowed_is_requested_and_the_user_agent_is_ours(crawled):
    _, log, _, _, _ = crawled
    paths = [r.path for r in log]
    assert not [p for p in paths if p.startswith("/private/")]
    assert {r.user_agent for r in log} == {USER_AGENT}
    assert paths[0] == "/robots.txt"


def test_second_crawl_is_mostly_304s_and_gives_the_same_articles(crawled):
    plan, log, second_from, (frame, first), (frame2, second) = crawled
    assert second.fetched == 0
    assert second.not_modified == first.fetched
    too_late = {f"/article/{i}" for i in plan.faulty["slow"]}  # its 200 came after the crawler had given up
    answered = {r.path for r in log[:second_from] if r.status == 200} - too_late
    again = {r.path: r.status for r in log[second_from:]}
    assert {again[path] for path in answered} == {304}  # robots.txt included; errors and redirects are the rest
    pd.testing.assert_frame_equal(frame2, frame)


def test_scraped_rows_without_a_category_are_quarantined_by_the_contract(crawled):
    plan, _, _, (frame, _), _ = crawled
    clean, quarantined = validate(frame)
    assert len(clean) + len(quarantined) == len(frame)
    assert quarantined["url"].str.endswith(f"/article/{plan.faulty['uncategorised'][0]}").all()
    assert quarantined["reason"].tolist() == ["label: missing"]


def test_crawl_delay_from_robots_is_kept_between_requests(tmp_path, items):
    delay = 0.1
    log = []
    with serve_news_site(items.head(4), faults=replace(NO_FAULTS, crawl_delay_s=delay), page_size=2, log=log) as url:
        started = time.monotonic()
        frame, report = crawl(url, cache_dir=tmp_path, **FAST_CRAWL)
        elapsed = time.monotonic() - started
    assert len(frame) == 4
    assert elapsed >= (report.requests - 1) * delay  # our own clock: the limiter slept at least this long
    gaps = [b.time - a.time for a, b in zip(log, log[1:], strict=False)]
    assert min(gaps) > delay / 2  # the server's clock agrees (allowing for scheduling jitter)


def test_max_pages_bounds_the_crawl(tmp_path, items):
    with serve_news_site(items.head(12), faults=NO_FAULTS, page_size=4) as url:
        frame, report = crawl(url, cache_dir=tmp_path, max_pages=3, **FAST_CRAWL)
    assert report.fetched == 3  # the front page (via its redirect) and two more
    assert report.not_visited > 0
    assert len(frame) == report.articles == 2


def test_unreachable_robots_txt_means_nothing_is_crawled(tmp_path):
    class Down(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_error(503)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Down)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        frame, report = crawl(f"http://127.0.0.1:{server.server_port}", cache_dir=tmp_path, **FAST_CRAWL)
    finally:
        server.shutdown()
        server.server_close()
    assert frame.empty
    assert report.disallowed_skipped == 1
    assert report.requests == 2  # robots.txt and its one retry; no page


def test_site_answers_conditional_requests_and_loops_redirects(items):
    with serve_news_site(items, faults=NO_FAULTS, page_size=PAGE_SIZE) as url, httpx.Client(base_url=url) as client:
        page = client.get("/article/1")
        assert page.status_code == 200 and page.headers["ETag"]
        assert client.get("/article/1", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
        since = {"If-Modified-Since": page.headers["Last-Modified"]}
        assert client.get("/article/1", headers=since).status_code == 304
        assert client.get("/article/2", headers={"If-None-Match": page.headers["ETag"]}).status_code == 200
        assert client.get("/news", params={"page": "x"}).status_code == 400
    with serve_news_site(items, faults=FAULTS, page_size=PAGE_SIZE) as url, httpx.Client(base_url=url) as client:
        first = client.get("/loop/0")
        assert first.status_code == 302
        assert client.get(first.headers["Location"]).headers["Location"] == "/loop/0"


def test_decode_prefers_the_declared_charset_and_falls_back_by_detection():
    body = "Café — naïve".encode("cp1252")
    assert decode(body, "text/html; charset=windows-1252") == ("Café — naïve", "declared")
    text, how = decode(body * 20, "text/html; charset=utf-8")
    assert how == "fallback" and "Café" in text
    assert decode('<meta charset="utf-8">é'.encode(), "text/html") == ('<meta charset="utf-8">é', "utf-8")


def test_bad_site_settings_are_refused_clearly(items):
    with pytest.raises(DataError, match="must be >= 0"):
        Faults(broken=-1)
    with pytest.raises(DataError, match="distinct articles"), serve_news_site(items.head(5), faults=Faults()):
        pass
    with pytest.raises(DataError, match="missing"), serve_news_site(items[["title"]]):
        pass


def test_cache_survives_a_missing_body(tmp_path, items):
    with serve_news_site(items.head(3), faults=NO_FAULTS, page_size=3) as url:
        crawl(url, cache_dir=tmp_path, **FAST_CRAWL)
        for body in Path(tmp_path).glob("*.body"):
            body.unlink()
        frame, report = crawl(url, cache_dir=tmp_path, **FAST_CRAWL)
    assert len(frame) == 3 and report.not_modified == 0 and report.fetched > 0
