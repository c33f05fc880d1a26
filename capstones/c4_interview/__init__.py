"""Capstone 4: interview readiness — the 25 readiness tasks and nine checkpoint questions, each solved and checked."""
