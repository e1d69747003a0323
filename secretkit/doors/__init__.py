"""The ways into the model.

* :mod:`.inprocess`: genuine boto3 clients served in process (``cloud.client("ssm")``);
  importing it imports boto3, so nothing imports it until the first client is made.
* :mod:`.model_client`: a boto3-shaped client that calls a service model directly, with no
  botocore in between (what rotation functions get in their ``context``).

This package front imports neither, so ``import secretkit`` stays free of boto3.
"""

__all__: list[str] = []
