"""CloudFormation in the kit: templates checked by cfn-lint, stacks of modelled resources.

``CloudFormation`` (:mod:`.service`) is the regional service with AWS's operations;
:func:`.wiring.build` makes one from a Cloud. The package is not imported by
``import secretkit``; cfn-lint (the ``cloudformation`` extra) loads on the first template.
"""

from .dynamic import Resolvers
from .resources import REGISTRY, ResourceType, StackServices
from .service import CloudFormation
from .wiring import CloudServices, build

__all__ = ["CloudFormation", "CloudServices", "REGISTRY", "Resolvers", "ResourceType", "StackServices", "build"]
