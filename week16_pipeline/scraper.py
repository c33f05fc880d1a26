"""A polite web crawler for news articles: robots.txt, a per-host rate, retries, conditional requests, a cache.

The lesson is what makes a scraper a good citizen and robust to the web as it is, so the crawl loop is
written out here; the libraries do the parts that are not the lesson:

- **httpx** sends the requests (one connection pool, keep-alive, timeouts); redirects are followed by hand so a
  redirect loop is noticed and every hop is checked against robots.txt and the rate limit.
- **urllib.robotparser** reads robots.txt; nothing it disallows is ever requested. Unreachable robots.txt (5xx,
  timeout) means "disallow everything" (RFC 9309); a missing one (4xx) means "allow everything".
- **Politeness:** one request at a time per host, at least `max(delay_s, Crawl-delay)` seconds apart, with a user
  agent that names the project and links to it, so a site owner knows who to contact.
- **Retries** with exponential backoff on 5xx and timeouts, bounded by `retries` (and `Retry-After`, capped).
- **Conditional requests:** each page's ETag / Last-Modified and body are cached on disk; the next crawl sends
  If-None-Match / If-Modified-Since and a 304 reuses the cached body, so a second crawl costs the site almost
  nothing.
- **Charsets:** the declared charset (header, then `<meta charset>`) is tried strictly; a body that is not valid
  in it is decoded by detection (charset-normalizer) and counted as a fallback.
- **BeautifulSoup** parses the HTML; articles are deduplicated by canonical URL, then by content hash.

No fault stops the crawl: every page ends in exactly one outcome of `ScrapeReport`, and the report counts them.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import time
import urllib.robotparser
from collections import deque
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pandas as pd
from bs4 import BeautifulSoup
from tqdm.auto import tqdm

try:
    __version__ = version("ml-roadmap")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

REPOSITORY = "https://github.com/ml-roadmap/ml-roadmap"
USER_AGENT = f"ml-roadmap-week16/{__version__} (+{REPOSITORY})"
COLUMNS = ["url", "title", "description", "label", "content_sha256"]
MAX_REDIRECTS = 5  # hops before a chain counts as a loop even if it never repeats a URL
MAX_RETRY_AFTER_S = 30.0  # a server's Retry-After is honoured up to this
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass
class ScrapeReport:
    """What the crawl met, as counts.

    Each URL taken from the queue is counted once in `fetched` … `offsite_skipped` (a link to an article already
    held under that canonical URL is counted as `duplicate` instead, without a request). What a page that answered
    turned out to be (duplicate, parse error, decoding, listing, not HTML) is counted in the fields after those.
    """

    fetched: int = 0  # 200: the page was downloaded and parsed (listing or article)
    not_modified: int = 0  # 304: the cached copy was still current and was reused
    server_error: int = 0  # still 5xx after every retry
    timeout: int = 0  # still no answer within timeout_s after every retry
    client_error: int = 0  # 4xx, e.g. a dead link (404)
    connection_error: int = 0  # no connection at all after every retry
    disallowed_skipped: int = 0  # robots.txt disallows it: never requested
    redirect_loop: int = 0  # a redirect chain came back on itself, or exceeded MAX_REDIRECTS hops
    offsite_skipped: int = 0  # a redirect to another host: not followed
    duplicate: int = 0  # an article already kept under the same canonical URL or with the same content
    parse_error: int = 0  # an article page without its headline or description
    decode_fallback: int = 0  # the body was not valid in its declared charset; decoded by detection instead
    non_utf8: int = 0  # decoded with a declared charset other than UTF-8 (e.g. windows-1252)
    retries: int = 0  # extra attempts after a 5xx or a timeout (a recovered page counts here, not as an error)
    requests: int = 0  # HTTP requests sent, robots.txt and redirects included
    listing_pages: int = 0  # pages that were not articles (listings)
    not_html: int = 0  # answered, but not an HTML page (a PDF, an image): not parsed
    articles: int = 0  # rows in the returned table
    not_visited: int = 0  # links still queued when max_pages stopped the crawl
    robots_status: int = 0  # HTTP status of robots.txt (0: no answer)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Page:
    outcome: str  # a ScrapeReport field name
    url: str  # the URL that answered (after redirects)
    body: bytes = b""
    content_type: str = ""


# --- the on-disk cache of validators and bodies ---------------------------------------------------------------------


class PageCache:
    """ETag, Last-Modified and body of every page that answered 200, one JSON + one body file per URL."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def get(self, url: str) -> dict | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["body"] = body_path.read_bytes()
        except (OSError, ValueError):  # no entry, or a damaged one: fetch in full
            return None
        return meta if meta.get("url") == url else None

    def put(self, url: str, response: httpx.Response) -> None:
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if not (etag or modified):
            return  # nothing to make a conditional request with
        meta_path, body_path = self._paths(url)
        _replace(body_path, response.content)  # body first: a meta file always has its body
        meta = {"url": url, "etag": etag, "last_modified": modified,
                "content_type": response.headers.get("Content-Type", "")}  # fmt: skip
        _replace(meta_path, json.dumps(meta).encode())

    def forget(self, url: str) -> None:
        self._paths(url)[0].unlink(missing_ok=True)

    def conditional_headers(self, url: str) -> dict[str, str]:
        entry = self.get(url)
        if entry is None:
            return {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers


def _replace(path: Path, data: bytes) -> None:
    """Write a temp file and rename it over `path`: readers see the old or the new file, never half of one.

    Unlike `shared.atomic`, no fsync: a cache entry lost in a power cut is only downloaded again, and an fsync
    per page cost ~15 ms here, longer than the request itself.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- politeness: robots.txt and the per-host rate -------------------------------------------------------------------


class RateLimiter:
    """At least `delay` seconds between the starts of two requests to one host (robots.txt may ask for more)."""

    def __init__(self, delay_s: float):
        self.delay_s = delay_s
        self.delays: dict[str, float] = {}  # per-host Crawl-delay, once robots.txt has been read
        self.last: dict[str, float] = {}  # when the last request to each host started (monotonic clock)

    def wait(self, host: str) -> None:
        if host in self.last:
            ready = self.last[host] + max(self.delay_s, self.delays.get(host, 0.0))
            if (pause := ready - time.monotonic()) > 0:
                time.sleep(pause)
        self.last[host] = time.monotonic()


def crawl_delay(robots: urllib.robotparser.RobotFileParser, robots_text: str) -> float:
    """robots.txt's Crawl-delay for us. robotparser reads whole seconds only, so "0.5" is read here too."""
    delay = robots.crawl_delay(USER_AGENT)
    if delay is not None:
        return float(delay)
    match = re.search(r"(?im)^\s*crawl-delay\s*:\s*([0-9]*\.?[0-9]+)\s*$", robots_text)
    return float(match.group(1)) if match else 0.0


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


# --- decoding and parsing -------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def declared_charset(content_type: str, body: bytes) -> str | None:
    """The charset the page declares: the Content-Type header first, then a `<meta charset>` near the top."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type, re.IGNORECASE)
    if match is None:
        match = _META_CHARSET.search(body[:2048])
        name = match.group(1).decode("ascii") if match else None
    else:
        name = match.group(1)
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:  # a charset Python does not know: treat as undeclared
        return None


def decode(body: bytes, content_type: str) -> tuple[str, str]:
    """(text, how): how is "utf-8", "declared" (another declared charset) or "fallback" (detected)."""
    charset = declared_charset(content_type, body) or "utf-8"
    try:
        text = body.decode(charset)
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        text = str(best) if best is not None else body.decode("utf-8", errors="replace")
        return text, "fallback"
    return text, "utf-8" if charset == "utf-8" else "declared"


def parse_article(soup: BeautifulSoup) -> dict[str, str | None] | None:
    """Headline, description, category and canonical URL of an article page; None if headline/description lack."""
    title, description = soup.select_one("article h1"), soup.select_one("article .description")
    if title is None or description is None:
        return None
    category = soup.select_one("article .category")
    canonical = soup.find("link", rel="canonical")
    return {
        "title": title.get_text(" ", strip=True),
        "description": description.get_text(" ", strip=True),
        "label": category.get_text(" ", strip=True) if category else None,
        "canonical": canonical.get("href") if canonical else None,
    }


def content_sha256(title: str, description: str) -> str:
    """The article's identity for deduplication and for the data's provenance: sha256 of its text."""
    return hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()


def _links(soup: BeautifulSoup, page_url: str) -> list[str]:
    host = _host(page_url)
    found = []
    for anchor in soup.find_all("a", href=True):
        url = urldefrag(urljoin(page_url, anchor["href"])).url
        if url.startswith(("http://", "https://")) and _host(url) == host:
            found.append(url)
    return found


# --- the crawler ----------------------------------------------------------------------------------------------------


class _Crawler:
    def __init__(self, client: httpx.Client, cache: PageCache, limiter: RateLimiter, report: ScrapeReport,
                 *, retries: int, backoff_s: float):  # fmt: skip
        self.client, self.cache, self.limiter, self.report = client, cache, limiter, report
        self.retries, self.backoff_s = retries, backoff_s
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def _send(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response | str:
        """One polite request, retried on 5xx/timeouts; returns the response or "timeout"/"connection_error"."""
        for attempt in range(self.retries + 1):
            if attempt:
                self.report.retries += 1
            self.limiter.wait(_host(url))
            self.report.requests += 1
            try:
                response = self.client.get(url, headers=headers)
            except httpx.TimeoutException:
                outcome, wait = "timeout", self.backoff_s * 2**attempt
            except httpx.TransportError:
                outcome, wait = "connection_error", self.backoff_s * 2**attempt
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                outcome, wait = response, max(self.backoff_s * 2**attempt, _retry_after(response))
            if attempt < self.retries:
                time.sleep(wait)
        return outcome

    def allowed(self, url: str) -> bool:
        host = _host(url)
        if host not in self.robots:
            self.robots[host] = self._read_robots(url)
        return self.robots[host].can_fetch(USER_AGENT, url)

    def _read_robots(self, url: str) -> urllib.robotparser.RobotFileParser:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        robots = urllib.robotparser.RobotFileParser(robots_url)
        response = self._send(robots_url, self.cache.conditional_headers(robots_url))
        status = response.status_code if isinstance(response, httpx.Response) else 0
        self.report.robots_status = status
        cached = self.cache.get(robots_url) if status == 304 else None
        if cached is not None:
            status, text = 200, cached["body"].decode("utf-8", errors="replace")
        elif 200 <= status < 300:
            text = response.text
            self.cache.put(robots_url, response)
        if 200 <= status < 300:
            robots.parse(text.splitlines())
            self.limiter.delays[_host(url)] = crawl_delay(robots, text)
        elif 400 <= status < 500:
            robots.allow_all = True  # no robots.txt: everything is allowed
        else:
            robots.disallow_all = True  # unreachable robots.txt: assume everything is disallowed (RFC 9309)
        return robots

    def fetch(self, url: str) -> _Page:
        """Follow redirects by hand (each hop robots-checked and rate-limited); use the cache for 304s."""
        chain = [url]
        while True:
            cached_headers = self.cache.conditional_headers(url)
            response = self._send(url, cached_headers)
            if isinstance(response, str):
                return _Page(response, url)
            status = response.status_code
            if status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                target = urldefrag(urljoin(url, response.headers["Location"])).url
                if target in chain or len(chain) > MAX_REDIRECTS:
                    return _Page("redirect_loop", url)
                if _host(target) != _host(url):
                    return _Page("offsite_skipped", target)
                if not self.allowed(target):
                    return _Page("disallowed_skipped", target)
                chain.append(target)
                url = target
                continue
            if status == 304:
                entry = self.cache.get(url)
                if entry is None and cached_headers:  # the cache lost the body since we asked: ask again in full
                    self.cache.forget(url)
                    continue
                if entry is None:  # a 304 to an unconditional request: a broken server
                    return _Page("client_error", url)
                return _Page("not_modified", url, entry["body"], entry["content_type"])
            if status >= 500:
                return _Page("server_error", url)
            if status >= 400:
                return _Page("client_error", url)
            self.cache.put(url, response)
            return _Page("fetched", url, response.content, response.headers.get("Content-Type", ""))


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    return min(float(value), MAX_RETRY_AFTER_S) if value.strip().isdigit() else 0.0


def crawl(
    base_url: str,
    *,
    cache_dir: Path,
    max_pages: int | None = None,
    delay_s: float = 1.0,
    timeout_s: float = 10.0,
    retries: int = 3,
    progress: bool = True,
    backoff_s: float = 0.5,
) -> tuple[pd.DataFrame, ScrapeReport]:
    """Crawl the site at `base_url`, following same-host links breadth-first; return (articles, report).

    `delay_s` is our own minimum gap between requests to one host; robots.txt's Crawl-delay wins when larger.
    `max_pages` bounds the URLs requested (robots.txt and redirect hops not counted). Articles are the pages
    with an `<article>` holding a headline and a description; the table has columns `COLUMNS`, in crawl order.
    """
    report = ScrapeReport()
    rows: list[dict] = []
    kept_canonical: set[str] = set()
    kept_hashes: set[str] = set()
    start = urldefrag(base_url if urlsplit(base_url).path else base_url + "/").url
    queue, queued = deque([start]), {start}
    limiter = RateLimiter(delay_s)
    timeout = httpx.Timeout(timeout_s)
    with (
        httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=timeout, follow_redirects=False) as client,
        tqdm(total=max_pages, unit="page", desc="crawl", disable=not progress) as bar,
    ):
        crawler = _Crawler(client, PageCache(cache_dir), limiter, report, retries=retries, backoff_s=backoff_s)
        visited = 0
        while queue and (max_pages is None or visited < max_pages):
            url = queue.popleft()
            if not crawler.allowed(url):
                report.disallowed_skipped += 1
                continue
            if url in kept_canonical:  # a link to an article we already hold under its canonical URL
                report.duplicate += 1
                continue
            visited += 1
            bar.update()
            page = crawler.fetch(url)
            queued.add(page.url)  # a redirect's target is visited now, not again from a link
            setattr(report, page.outcome, getattr(report, page.outcome) + 1)
            if page.outcome not in ("fetched", "not_modified"):
                continue
            if page.content_type and "html" not in page.content_type.lower():
                report.not_html += 1  # a PDF or an image linked from a page: not an article
                continue
            text, how = decode(page.body, page.content_type)
            report.decode_fallback += how == "fallback"
            report.non_utf8 += how == "declared"
            soup = BeautifulSoup(text, "html.parser")
            for link in _links(soup, page.url):
                if link not in queued:
                    queued.add(link)
                    queue.append(link)
            if soup.find("article") is None:
                report.listing_pages += 1
                continue
            article = parse_article(soup)
            if article is None:
                report.parse_error += 1
                continue
            canonical = urljoin(page.url, article.pop("canonical") or page.url)
            digest = content_sha256(article["title"], article["description"])
            if canonical in kept_canonical or digest in kept_hashes:
                report.duplicate += 1
                continue
            kept_canonical.add(canonical)
            kept_hashes.add(digest)
            rows.append({"url": canonical, **article, "content_sha256": digest})
            bar.set_postfix(articles=len(rows), queued=len(queue))
        report.not_visited = len(queue)
    report.articles = len(rows)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({c: "str" for c in COLUMNS if c != "label"}), report
