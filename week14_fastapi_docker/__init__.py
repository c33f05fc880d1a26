"""Week 14: serve the week 12 sentiment model as a production-grade FastAPI service, load-tested and containerised."""
