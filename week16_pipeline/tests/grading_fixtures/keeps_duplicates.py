"""Wrong on purpose: an article linked under two URLs is kept twice (its canonical link is ignored)."""

from _common import crawl as _crawl
from _common import fit_baseline, predict_proba, validate  # noqa: F401 - the contract


def crawl(base_url, cache_dir, delay_s):
    return _crawl(base_url, cache_dir, delay_s, keep_duplicates=True)  # the mistake: /story/<id> is /article/<id>
