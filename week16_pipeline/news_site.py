"""Extra code (scaffolding): a local news site, served on loopback, with the faults real sites have.

The scraper needs a site to crawl that the course controls: one that exists offline, never changes, and breaks in
known ways so a test can check that every fault is noticed. This module publishes AG News items as a small news
site (listing pages `/news?page=N` linking to article pages `/article/<id>`), with `robots.txt` and:

| fault (`Faults` field) | what the site does |
|---|---|
| `broken` | the article always answers 500 |
| `flaky` | the article answers 503 once, then 200 (a retry recovers it) |
| `slow` | the article answers only after `slow_s` seconds (a client timeout) |
| `duplicates` | the article is also linked as `/story/<id>`, same page, `<link rel="canonical">` to `/article/<id>` |
| `cp1252` | the page is windows-1252, declared as such (header and `<meta charset>`) |
| `mislabelled` | the page is windows-1252 but declared UTF-8 (a decoder must fall back) |
| `malformed` | the article page lost its headline (a parse error) |
| `uncategorised` | the article page has no category (the data contract quarantines it) |
| `disallowed` | the article lives under `/private/`, disallowed by robots.txt, yet linked from the listing |
| `redirect_loops` | a link `/loop/<k>` redirects to `/loop/<k>/b`, which redirects back |
| `dead_links` | a link to a page that does not exist (404) |

Every page carries an ETag and a Last-Modified date and answers conditional requests with 304, and the site logs
every request (path, user agent, status, time) into the `log` list a caller passes, so a test can prove that the
crawler never asked for a disallowed path and kept its rate. The home page `/` redirects (301) to `/news?page=1`.

It is `http.server` in a thread, the standard library's plain server: enough for one polite crawler on loopback.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

from shared.errors import DataError

DISALLOWED_PREFIX = "/private/"
SITE_NAME = "Loopback News"
FOOTER = "© Loopback News · Genève"  # non-ASCII on every page, so a mislabelled charset always shows
PUBLISHED = datetime(2004, 8, 1, tzinfo=UTC)  # AG News was crawled in 2004


@dataclass(frozen=True, kw_only=True)
class Faults:
    """How many pages of each kind are broken (counts, so a test can expect exact numbers), and robots' delay."""

    broken: int = 2  # articles that always answer 500
    flaky: int = 2  # articles that answer 503 once, then 200
    slow: int = 1  # articles that answer after `slow_s` (longer than a crawler's timeout)
    slow_s: float = 3.0  # how late a slow article answers
    duplicates: int = 3  # articles also linked under a second URL (/story/<id>) with a canonical link
    cp1252: int = 1  # articles encoded windows-1252 and declared so
    mislabelled: int = 1  # articles encoded windows-1252 but declared UTF-8
    malformed: int = 1  # article pages without a headline
    uncategorised: int = 1  # article pages without a category
    disallowed: int = 2  # articles under the robots.txt-disallowed path, linked from the listing
    redirect_loops: int = 1  # links into a two-step redirect loop
    dead_links: int = 1  # links to pages that do not exist
    crawl_delay_s: float = 0.02  # robots.txt Crawl-delay (a real site's is often 1–10 s; this one is ours)

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise DataError(f"Faults.{f.name} must be >= 0, got {getattr(self, f.name)}")


NO_FAULTS = Faults(**{f.name: 0 for f in fields(Faults) if f.name not in ("slow_s", "crawl_delay_s")})

# The per-article faults, each given to different articles.
_ARTICLE_FAULTS = ("broken", "flaky", "slow", "duplicates", "cp1252", "mislabelled", "malformed", "uncategorised",
                   "disallowed")  # fmt: skip


@dataclass(frozen=True)
class SitePlan:
    """Which article (row position in `items`) has which fault; drawn once from the seed."""

    n_items: int
    page_size: int
    faulty: dict[str, tuple[int, ...]]  # fault name → article ids
    redirect_loops: int
    dead_links: int

    def fault_of(self, article_id: int) -> str | None:
        return next((name for name, ids in self.faulty.items() if article_id in ids), None)

    @property
    def n_pages(self) -> int:
        return -(-self.n_items // self.page_size)


def plan_faults(items: pd.DataFrame, faults: Faults, *, page_size: int, seed: int) -> SitePlan:
    """Choose distinct articles for each fault (charset faults prefer non-ASCII text, where they matter)."""
    wanted = sum(getattr(faults, name) for name in _ARTICLE_FAULTS)
    if wanted > len(items):
        raise DataError(f"the faults need {wanted} distinct articles but there are only {len(items)} items")
    rng = np.random.default_rng(seed)
    text = items["title"].astype(str) + items["description"].astype(str)
    non_ascii = [i for i, t in enumerate(text) if not t.isascii()]
    rng.shuffle(non_ascii)
    order = [int(i) for i in rng.permutation(len(items))]
    taken: set[int] = set()
    faulty: dict[str, tuple[int, ...]] = {}
    for name in _ARTICLE_FAULTS:
        preferred = non_ascii if name in ("cp1252", "mislabelled") else []
        pool = list(dict.fromkeys(i for i in [*preferred, *order] if i not in taken))
        chosen = tuple(sorted(pool[: getattr(faults, name)]))
        taken.update(chosen)
        faulty[name] = chosen
    return SitePlan(len(items), page_size, faulty, faults.redirect_loops, faults.dead_links)


@dataclass
class ServedRequest:
    """One request the site answered: what a server access log holds."""

    path: str
    user_agent: str
    status: int
    time: float  # time.monotonic() when the request arrived


# --- pages ---------------------------------------------------------------------------------------------------------


def _page(title: str, body: str, *, charset: str = "utf-8", canonical: str | None = None) -> str:
    link = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="{charset}">'
        f"<title>{html.escape(title)} | {SITE_NAME}</title>{link}</head>\n"
        f'<body><nav><a href="/news?page=1">All news</a></nav>\n{body}\n<footer>{FOOTER}</footer></body></html>\n'
    )


def article_path(plan: SitePlan, article_id: int) -> str:
    prefix = DISALLOWED_PREFIX if article_id in plan.faulty["disallowed"] else "/article/"
    return f"{prefix}{article_id}"


def _listing(plan: SitePlan, page: int) -> str:
    start = (page - 1) * plan.page_size
    ids = range(start, min(start + plan.page_size, plan.n_items))
    links = [f'<li><a href="{article_path(plan, i)}">Article {i}</a></li>' for i in ids]
    extra = [f'<li><a href="/story/{i}">Story {i} (feed link)</a></li>' for i in ids if i in plan.faulty["duplicates"]]
    if page == 1:  # the site-wide broken links sit on the front page
        extra += [f'<li><a href="/loop/{k}">Moved story {k}</a></li>' for k in range(plan.redirect_loops)]
        extra += [f'<li><a href="/article/missing-{k}">Old story {k}</a></li>' for k in range(plan.dead_links)]
    pager = f'<a rel="next" href="/news?page={page + 1}">Next page</a>' if page < plan.n_pages else ""
    body = f'<h1>News, page {page} of {plan.n_pages}</h1>\n<ul class="articles">\n' + "\n".join(links + extra)
    return _page(f"News, page {page}", body + f"\n</ul>\n{pager}")


def _article(item: pd.Series, article_id: int, fault: str | None, base_url: str) -> str:
    headline = "" if fault == "malformed" else f'<h1 class="headline">{html.escape(str(item["title"]))}</h1>'
    category = "" if fault == "uncategorised" else f'<p class="category">{html.escape(str(item["label"]))}</p>'
    body = f'<article>{headline}{category}<p class="description">{html.escape(str(item["description"]))}</p></article>'
    charset = "windows-1252" if fault == "cp1252" else "utf-8"  # `mislabelled` claims UTF-8 but is not
    return _page(str(item["title"]), body, charset=charset, canonical=f"{base_url}/article/{article_id}")


# --- the server ----------------------------------------------------------------------------------------------------


class _Site:
    """The site's state: the items, the fault plan, the request log, the flaky pages already answered once."""

    def __init__(self, items: pd.DataFrame, plan: SitePlan, faults: Faults, log: list[ServedRequest] | None):
        self.items, self.plan, self.faults = items.reset_index(drop=True), plan, faults
        self.log = log if log is not None else []
        self.lock = threading.Lock()
        self.flaky_seen: set[str] = set()
        self.stopping = threading.Event()
        self.base_url = ""

    def respond(self, path: str, query: str) -> tuple[int, dict[str, str], bytes, datetime | None]:
        """(status, headers, body, last modified) for a GET of `path`."""
        if path == "/":
            return 301, {"Location": "/news?page=1"}, b"", None
        if path == "/robots.txt":
            robots = (
                f"User-agent: *\nDisallow: {DISALLOWED_PREFIX}\nCrawl-delay: {self.faults.crawl_delay_s:g}\n"
                f"# {SITE_NAME}: please crawl politely.\n"
            )
            return 200, {"Content-Type": "text/plain; charset=utf-8"}, robots.encode(), PUBLISHED
        if path == "/news":
            try:
                page = int(parse_qs(query).get("page", ["1"])[0])
            except ValueError:
                return 400, {}, b"page must be a whole number", None
            if not 1 <= page <= self.plan.n_pages:
                return 404, {}, b"no such page", None
            modified = PUBLISHED + timedelta(hours=min(page * self.plan.page_size, self.plan.n_items))
            return 200, {}, _listing(self.plan, page).encode(), modified
        if path.startswith("/loop/"):
            target = path[: -len("/b")] if path.endswith("/b") else path + "/b"
            return 302, {"Location": target}, b"", None
        for prefix in ("/article/", "/story/", DISALLOWED_PREFIX):
            if path.startswith(prefix) and path[len(prefix) :].isdigit():
                return self._article_response(int(path[len(prefix) :]), path, prefix)
        return 404, {}, b"not found", None

    def _article_response(self, article_id: int, path: str, prefix: str):
        if not 0 <= article_id < self.plan.n_items or path != self._expected_path(article_id, prefix):
            return 404, {}, b"not found", None
        fault = self.plan.fault_of(article_id)
        if fault == "broken":
            return 500, {}, b"internal server error", None
        if fault == "flaky":
            with self.lock:
                first = path not in self.flaky_seen
                self.flaky_seen.add(path)
            if first:
                return 503, {"Retry-After": "0"}, b"temporarily unavailable", None
        if fault == "slow":
            self.stopping.wait(self.faults.slow_s)  # answers late; shutting down ends the wait
        text = _article(self.items.iloc[article_id], article_id, fault, self.base_url)
        encoding = "cp1252" if fault in ("cp1252", "mislabelled") else "utf-8"
        declared = "windows-1252" if fault == "cp1252" else "utf-8"
        headers = {"Content-Type": f"text/html; charset={declared}"}
        return 200, headers, text.encode(encoding, errors="xmlcharrefreplace"), PUBLISHED + timedelta(hours=article_id)

    def _expected_path(self, article_id: int, prefix: str) -> str:
        if prefix == "/story/":
            return f"/story/{article_id}" if article_id in self.plan.faulty["duplicates"] else ""
        return article_path(self.plan, article_id)


def _handler(site: _Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a crawler's connection pool expects
        server_version = "LoopbackNews/1.0"
        disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (Nagle + delayed ACK)

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            arrived = time.monotonic()
            parts = urlsplit(self.path)
            status, headers, body, modified = site.respond(parts.path, parts.query)
            if status == 200:
                status, headers, body = self._conditional(headers, body, modified)
            with site.lock:
                site.log.append(ServedRequest(self.path, self.headers.get("User-Agent", ""), status, arrived))
            self.send_response(status)
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout): its choice
                pass

        def _conditional(self, headers: dict[str, str], body: bytes, modified: datetime | None):
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            headers = {**headers, "ETag": etag}
            if modified is not None:
                headers["Last-Modified"] = email.utils.format_datetime(modified, usegmt=True)
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
                if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*":
                    return 304, headers, b""
            elif modified is not None and (since := self.headers.get("If-Modified-Since")):
                try:
                    if modified <= email.utils.parsedate_to_datetime(since):
                        return 304, headers, b""
                except (TypeError, ValueError):
                    pass  # an unreadable date: answer in full
            return 200, headers, body

        def log_message(self, format, *args) -> None:  # noqa: A002 - http.server's signature
            pass  # the site keeps its own log

    return Handler


@contextmanager
def serve_news_site(
    items: pd.DataFrame,
    *,
    faults: Faults = Faults(),  # noqa: B008 - a frozen dataclass: safe as a default
    page_size: int = 50,
    seed: int = 0,
    log: list[ServedRequest] | None = None,
) -> Iterator[str]:
    """Serve `items` (title, description, label) as a news site on 127.0.0.1; yields its base URL.

    Pass a list as `log` to receive one `ServedRequest` per request. The server stops when the block ends.
    """
    missing = [c for c in ("title", "description", "label") if c not in items.columns]
    if missing:
        raise DataError(f"the news site needs columns title, description, label; missing {missing}")
    if len(items) == 0:
        raise DataError("the news site needs at least one item")
    if page_size < 1:
        raise DataError(f"page_size must be at least 1, got {page_size}")
    plan = plan_faults(items, faults, page_size=page_size, seed=seed)
    site = _Site(items, plan, faults, log)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="news-site", daemon=True)
    thread.start()
    try:
        yield site.base_url
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
