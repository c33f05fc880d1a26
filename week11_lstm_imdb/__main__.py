"""`python -m week11_lstm_imdb [run] [--fast] [--seed N]` and `python -m week11_lstm_imdb predict "text" ...`."""

from shared.cli import week_main
from week11_lstm_imdb.cli import add_commands

if __name__ == "__main__":
    raise SystemExit(week_main("week11", add_commands=add_commands))
