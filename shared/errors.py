"""One exception type for every mistake a user can fix (bad input, missing data, wrong file).

The CLIs catch `RoadmapError` and print its message without a traceback: a traceback tells a learner
*where* our code noticed the problem, while the message must tell them *what to do about it*.
"""


class RoadmapError(Exception):
    """A problem the user can fix; its message says how."""


class DataError(RoadmapError):
    """A dataset is missing, corrupt or malformed."""
