"""`python -m week10_cnn_cifar [run] [--fast]` and `python -m week10_cnn_cifar predict image.jpg`."""

from shared.cli import week_main
from week10_cnn_cifar.predict import add_commands

raise SystemExit(week_main("week10", add_commands=add_commands))
