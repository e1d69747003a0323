"""``cloud.serve()``: the Cloud on 127.0.0.1, for the AWS CLI and every other SDK.

>>> served = cloud.serve()                                      # doctest: +SKIP
export AWS_ENDPOINT_URL=http://127.0.0.1:50123
export AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... AWS_DEFAULT_REGION=us-east-1
>>> served.stop()                                               # doctest: +SKIP

The two printed lines are what a terminal needs; pasted there, ``aws secretsmanager
list-secrets`` lists the secrets the notebook made. What happens to one request:

1. the HTTP door (:mod:`secretkit.doors.http`) routes it to a service and checks its
   SigV4 signature against the secret key **the Cloud issued** for the access key id it
   names: the IAM directory's key lookup (:meth:`secretkit.iam.Directory.signing_key`)
   knows every key, the account root's, an IAM user's or an assumed role's temporary one,
   so a wrong secret key gets ``InvalidSignatureException`` (``SignatureDoesNotMatch`` in
   IAM, STS and CloudFormation) and a key the Cloud never issued
   ``UnrecognizedClientException`` / ``InvalidClientTokenId``, as from AWS;
2. it decodes the request with the shared protocol codecs and calls the Cloud's
   :class:`~secretkit.doors.backend.CloudBackend`, the very function the in-process boto3
   clients call, as the principal that owns the key (passed into the request context, where
   access control looks for it), in the region the request was signed for;
3. it encodes the model's answer, or its AWS error, as AWS would send it.

The AWS CLI v1 ignores ``AWS_ENDPOINT_URL`` for ``aws rds`` in us-east-1 (it has a fixed
``https://rds.amazonaws.com`` for that one region, which only ``--endpoint-url`` on the
command line overrides); in every other region, and for every other service, the printed
variable is enough.

The key printed is an access key of the account's **root user**, issued by the Cloud the
first time it is served (and reused after). Keys made with ``iam create-access-key`` work
the same way, for their users.

**A region that is down** (``cloud.outage("eu-west-1")``) answers nothing: the endpoint
closes the connection without a response, which is what a client sees of an endpoint it
cannot reach. botocore reports it as ``ConnectionClosedError`` after its retries, the AWS
CLI as ``Connection was closed before we received a valid response from endpoint URL``.
A request signed for a region the kit does not know gets AWS's answer to a wrong
credential scope, ``Credential should be scoped to a valid region``.

``/_secretkit/clock`` reads and advances the Cloud's simulated clock over HTTP (see
:mod:`secretkit.doors.http.clockapi`): the one thing AWS cannot do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..core.service import RegionUnavailableError
from .backend import CloudBackend, backend_of
from .http import Caller, Endpoint, IssuedKey, SignatureFailure, Unreachable
from .protocols import protocol_of

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["Serving", "serve"]


class Serving:
    """A running endpoint of one Cloud, and the credentials to use it.

    ``endpoint_url`` is where clients go; ``access_key_id`` and ``secret_access_key`` are
    the root user's key the Cloud issued; ``region`` the one printed for a terminal (any
    region the kit knows may be used: the request's signature names it). ``stop()`` (or
    leaving a ``with`` block) stops serving and joins every thread it started.
    """

    def __init__(self, endpoint: Endpoint, access_key_id: str, secret_access_key: str, region: str) -> None:
        self.endpoint = endpoint
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.region = region

    @property
    def endpoint_url(self) -> str:
        return self.endpoint.endpoint_url

    @property
    def port(self) -> int:
        return self.endpoint.port

    def environ(self) -> dict[str, str]:
        """The environment variables a shell (or ``os.environ`` before ``!aws``) needs."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_DEFAULT_REGION": self.region,
        }

    def exports(self) -> str:
        """The two ``export`` lines to paste into a terminal."""
        env = self.environ()
        return (
            f"export AWS_ENDPOINT_URL={env['AWS_ENDPOINT_URL']}\n"
            f"export AWS_ACCESS_KEY_ID={env['AWS_ACCESS_KEY_ID']} "
            f"AWS_SECRET_ACCESS_KEY={env['AWS_SECRET_ACCESS_KEY']} AWS_DEFAULT_REGION={env['AWS_DEFAULT_REGION']}"
        )

    def stop(self) -> None:
        """Stop serving; calls under way finish first. Stopping twice does nothing."""
        self.endpoint.stop()

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Serving({self.endpoint_url!r}, access_key_id={self.access_key_id!r})"


def _directory(cloud: Cloud) -> Any:
    """The Cloud's one directory of principals and credentials."""
    found = getattr(cloud, "directory", None)
    return found if found is not None else cloud.access_control()[0]


def _root_key(cloud: Cloud, backend: CloudBackend) -> tuple[str, str]:
    """The root user's first active access key, issued now if it has none."""
    directory = _directory(cloud)

    def find_or_issue() -> tuple[str, str]:
        root = directory.root()
        for key in root.access_keys:
            if key.status == "Active":
                return key.key_id, key.secret
        if len(root.access_keys) >= 2:  # IAM's quota of keys per user
            raise RuntimeError("the root user already has two (inactive) access keys: activate or delete one first")
        key = directory.new_access_key(root)
        return key.key_id, key.secret

    return backend.serialised(find_or_issue)  # type: ignore[no-any-return]


def serve(cloud: Cloud, port: int = 0, host: str = "127.0.0.1", *, region: str = "us-east-1",
          timeout: float = 30.0, quiet: bool = False) -> Serving:
    """Serve ``cloud`` over HTTP in a background thread (see the module's docstring).

    ``port=0`` picks a free port; ``host`` other than a loopback address warns that the
    Cloud's keys would be reachable by others; ``timeout`` bounds every read on a
    connection (seconds); ``quiet`` skips printing the two lines for a terminal.
    """
    cloud.env(region)  # a clear message for an unknown region
    backend = backend_of(cloud)
    directory = _directory(cloud)
    key_id, secret = _root_key(cloud, backend)

    def call(service: str, operation: str, params: dict[str, Any], who: Caller, signed_region: str) -> dict[str, Any]:
        try:
            cloud.env(signed_region)
        except ValueError:
            raise SignatureFailure(
                "signature", f"Credential should be scoped to a valid region, not '{signed_region}'. "
            ).error(protocol_of(service)) from None
        try:  # who.principal is None only for STS's unsigned operations
            return backend(service, operation, params, who.principal, signed_region)
        except RegionUnavailableError:
            raise Unreachable(signed_region) from None

    def keys(access_key_id: str) -> IssuedKey | None:
        found = backend.serialised(lambda: directory.signing_key(access_key_id))
        if found is None:
            return None
        secret_key, token, expired, principal = found
        return IssuedKey(secret_key, token, expired, principal)

    def clock(step: timedelta | None) -> datetime:
        def act() -> datetime:
            if step is not None:
                cloud.clock.advance(days=step.days, seconds=step.seconds + step.microseconds / 1e6)
            return cloud.clock.now

        return backend.serialised(act)  # type: ignore[no-any-return]

    endpoint = Endpoint(call, keys, clock=clock, host=host, port=port, timeout=timeout,
                        request_ids=lambda: backend.serialised(cloud.request_ids.uuid), default_region=region)
    endpoint.start()
    served = Serving(endpoint, key_id, secret, region)
    if not quiet:
        print(served.exports())
    return served
