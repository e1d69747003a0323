"""EventBridge in the model: scheduled rules whose targets are Lambda functions.

``rules`` holds the records (a rule, its targets, the scheduled event a firing sends);
``service`` is the API (PutRule, PutTargets, ... one per region) and the firing itself, which
invokes each target through the Lambda service of its region.
"""

from .rules import Rule, Target
from .service import EventBridge

__all__ = ["EventBridge", "Rule", "Target"]
