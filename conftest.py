"""Repository-wide pytest set-up.

Hypothesis profiles: by default every run explores new examples (that is how the CLI guards found their bugs);
`HYPOTHESIS_PROFILE=ci` (set by `.ci/run`) replays a fixed, seed-derived set so a merge gate never fails on an
example no developer has seen. A failure found locally prints the example to add as a regression test.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Deliberately wrong learner solutions that `roadmap grade` is tested against: data for tests, never tests.
collect_ignore_glob = ["*/grading_fixtures/*"]
