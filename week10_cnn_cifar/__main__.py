"""`python -m week10_cnn_cifar [run] [--fast] [--seed N]` or `python -m week10_cnn_cifar predict photo.jpg`."""

from shared.cli import week_main
from week10_cnn_cifar.cli import add_commands

raise SystemExit(week_main("week10", add_commands=add_commands))
