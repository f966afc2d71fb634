"""Variety generator: seeded CEPLAN-style policy reports printed by independent producers.

Each variant carries its truth (matrix as printed, summary, claims of the text, the findings an
extractor must raise). Entry point: `variety.variant.make_variant(seed, producer, folder)`;
scores: scripts/robustness.py.
"""
