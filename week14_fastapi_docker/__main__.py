"""`python -m week14_fastapi_docker [run] [--fast] [--seed N]`: the benchmark. Serve with uvicorn (README)."""

from shared.cli import week_main

raise SystemExit(week_main("week14"))
