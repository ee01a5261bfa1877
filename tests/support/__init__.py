"""Helpers shared by tests, ``bench/`` and ``scripts/``; never imported by the package."""
