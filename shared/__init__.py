"""Utilities every week of ml-roadmap shares: seeding, data, results, plots, model cards and the CLI.

Each concern lives in its own small module; nothing heavy is imported here, so `import shared` is instant.
"""

__version__ = "0.1.0"
