"""The ways into the model, from outside it.

* :mod:`.inprocess`: genuine boto3 clients served in process (``cloud.client("ssm")``);
  importing it imports boto3, so nothing imports it until the first client is made.
* :mod:`.protocols`: the wire protocols AWS services speak (JSON 1.1, query, REST-JSON),
  read and written from botocore's own service models; both doors decode with them.
* :mod:`.backend`: the one function both doors call, an operation by name served by the
  Cloud's model as a given principal, under one lock.
* :mod:`.http`: SigV4 verification and a threaded HTTP endpoint on 127.0.0.1.
* :mod:`.serving`: ``cloud.serve()``, a Cloud's endpoint with the keys the Cloud issued.

This package front imports none of them, so ``import secretkit`` stays free of boto3.
"""

__all__: list[str] = []
