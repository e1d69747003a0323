"""Doors: the ways a request reaches the Cloud from outside the model (boto3 in process, HTTP)."""
