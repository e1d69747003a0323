"""Networking resources AWS's example templates declare, accepted as *inert* records.

The kit models no network, but the examples for database secrets and rotation declare a
VPC, subnets, security groups and the like. These types are accepted so those examples
deploy: each gets an id of AWS's shape (``vpc-0a1b2c3d4e5f67890``), the Ref value and the
``Fn::GetAtt`` attributes AWS documents (taken from the properties where they come from
there), and nothing else happens. Changing a create-only property gives a new id, as a
replacement would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .base import Provisioned, ResourceContext, ResourceType, register

__all__ = ["INERT_TYPES"]

Attributes = Callable[[ResourceContext, str, dict[str, Any]], dict[str, Any]]


def _hex_id(ctx: ResourceContext, prefix: str) -> str:
    return f"{prefix}-{ctx.ids.hex(9)[:17]}"


def _vpc(ctx: ResourceContext, pid: str, props: dict[str, Any]) -> dict[str, Any]:
    cidr = str(props.get("CidrBlock", "10.0.0.0/16"))
    return {
        "VpcId": pid,
        "CidrBlock": cidr,
        "CidrBlockAssociations": [_hex_id(ctx, "vpc-cidr-assoc")],
        "DefaultNetworkAcl": _hex_id(ctx, "acl"),
        "DefaultSecurityGroup": _hex_id(ctx, "sg"),
        "Ipv6CidrBlocks": [],
    }


def _subnet(ctx: ResourceContext, pid: str, props: dict[str, Any]) -> dict[str, Any]:
    zone = str(props.get("AvailabilityZone") or f"{ctx.region}a")
    return {
        "SubnetId": pid,
        "VpcId": props.get("VpcId"),
        "CidrBlock": props.get("CidrBlock"),
        "AvailabilityZone": zone,
        "AvailabilityZoneId": f"use1-az{ord(zone[-1]) - ord('a') + 1}" if ctx.region == "us-east-1" else f"{ctx.region}-az1",
        "NetworkAclAssociationId": _hex_id(ctx, "aclassoc"),
        "Ipv6CidrBlocks": [],
        "OutpostArn": "",
    }


def _security_group(ctx: ResourceContext, pid: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"GroupId": pid, "Id": pid, "VpcId": props.get("VpcId")}


def _eip(ctx: ResourceContext, pid: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"AllocationId": _hex_id(ctx, "eipalloc"), "PublicIp": pid}


def _endpoint(ctx: ResourceContext, pid: str, props: dict[str, Any]) -> dict[str, Any]:
    service = str(props.get("ServiceName", ""))
    name = service.rsplit(".", 1)[-1] if service else "endpoint"
    return {
        "Id": pid,
        "DnsEntries": [f"Z7HUB22UULQXV:{pid}.{name}.{ctx.region}.vpce.amazonaws.com"],
        "NetworkInterfaceIds": [],
        "CreationTimestamp": "",
    }


def _none(ctx: ResourceContext, pid: str, props: dict[str, Any]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class _Shape:
    prefix: str
    attributes: Attributes = _none
    ref_is_name: bool = False
    name_property: str | None = None


INERT_TYPES: dict[str, _Shape] = {
    "AWS::EC2::VPC": _Shape("vpc", _vpc),
    "AWS::EC2::Subnet": _Shape("subnet", _subnet),
    "AWS::EC2::SecurityGroup": _Shape("sg", _security_group, name_property="GroupName"),
    "AWS::EC2::SecurityGroupIngress": _Shape("sgr"),
    "AWS::EC2::SecurityGroupEgress": _Shape("sgr"),
    "AWS::EC2::InternetGateway": _Shape("igw", lambda c, p, _: {"InternetGatewayId": p}),
    "AWS::EC2::VPCGatewayAttachment": _Shape("IGW"),
    "AWS::EC2::RouteTable": _Shape("rtb", lambda c, p, _: {"RouteTableId": p}),
    "AWS::EC2::Route": _Shape("rtb"),
    "AWS::EC2::SubnetRouteTableAssociation": _Shape("rtbassoc", lambda c, p, _: {"Id": p}),
    "AWS::EC2::NatGateway": _Shape("nat", lambda c, p, _: {"NatGatewayId": p}),
    "AWS::EC2::EIP": _Shape("eip", _eip),
    "AWS::EC2::VPCEndpoint": _Shape("vpce", _endpoint),
    "AWS::RDS::DBSubnetGroup": _Shape("", ref_is_name=True, name_property="DBSubnetGroupName"),
}


def _physical_id(ctx: ResourceContext, shape: _Shape, props: dict[str, Any]) -> str:
    if shape.ref_is_name:
        return str(props.get("DBSubnetGroupName") or ctx.generated_name()).lower()
    if shape.prefix == "eip":
        n = ctx.ids.rng.getrandbits(16)
        return f"203.0.{n >> 8}.{n & 0xFF}"
    return _hex_id(ctx, shape.prefix)


class _Inert(ResourceType):
    shape: _Shape

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        pid = _physical_id(ctx, self.shape, props)
        return Provisioned(pid, pid, self.shape.attributes(ctx, pid, props))

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        fresh = self.shape.attributes(ctx, current.physical_id, new)
        for key, value in current.attributes.items():
            if key not in new and key in fresh and isinstance(value, (str, list)):
                fresh[key] = value  # generated ids (default ACL, security group) stay as they were
        current.attributes = fresh
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        return None


for _type, _shape in INERT_TYPES.items():
    register(
        type(
            _type.replace("::", ""),
            (_Inert,),
            {"type_name": _type, "shape": _shape, "service_label": "EC2", "name_property": _shape.name_property},
        )
    )
