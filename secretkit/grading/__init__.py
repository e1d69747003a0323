"""Grading submitted labs (placeholder docstring; the full one follows)."""
__all__: list[str] = []
