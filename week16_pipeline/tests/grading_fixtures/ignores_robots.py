"""Wrong on purpose: the crawler follows every link on the site, including those robots.txt disallows."""

from _common import crawl as _crawl
from _common import fit_baseline, predict_proba, validate  # noqa: F401 - the contract


def crawl(base_url, cache_dir, delay_s):
    return _crawl(base_url, cache_dir, delay_s, obey_robots=False)  # the mistake: a link is not a permission
