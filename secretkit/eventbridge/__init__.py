"""EventBridge-style scheduled rules that invoke functions (see :mod:`.rules`)."""

from .rules import Rule, Rules

__all__ = ["Rule", "Rules"]
