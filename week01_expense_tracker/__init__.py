"""Week 1: a personal expense tracker CLI (Python basics done carefully: exact money, safe files)."""
