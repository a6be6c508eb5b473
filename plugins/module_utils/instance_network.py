# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notebook instance's network settings on an instance host, applied by the server's firewall (stdlib only):
its security groups' inbound rules and its DirectInternetAccess, which root inside the instance cannot change.

Each instance's container carries its settings (the label io.sagebox.instance.network, written when it is made:
SageMaker changes neither after a create). The instance host's table `inet sagebox_instances` has two chains
that say, by the instances' current addresses, what may reach each instance (instance_ingress) and where each
may go besides other instances (instance_egress); they are empty when the table is loaded, so an instance not
written in yet gets nothing (fail closed). `nft_script` writes them again, in one transaction, from the running
containers: after each start, stop and removal (notebook_instance_container), at boot and after each load of
the table (sagebox-instances).
docs/instance-hosts.md, "The instances' network and the server's firewall".
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket

from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

LABEL = "io.sagebox.instance.network"
TABLE = "inet sagebox_instances"
PROTOCOLS = ("tcp", "udp", "icmp")
# SageMaker's DirectInternetAccess values.
ACCESS = ("Enabled", "Disabled")


def default_ingress(jupyter_port: int) -> list:
    """The default group's inbound rules, as on a VM: Jupyter's port from anywhere (IPv4: instances have no IPv6)."""
    return [{"protocol": "tcp", "port": str(jupyter_port), "cidr": "0.0.0.0/0"}]


def _network(value, what: str) -> str:
    try:
        return str(ipaddress.ip_network(str(value), strict=False))
    except ValueError as exc:
        raise RequestError("%s %r is not an IPv4 or IPv6 address or network (such as 10.0.0.0/16)" % (what, value)) from exc


def _port(rule: dict) -> str:
    port = str(rule.get("port", ""))
    if not re.fullmatch(r"[0-9]{1,5}(-[0-9]{1,5})?", port):
        raise RequestError("inbound rule %s: port %r must be a number or range from 1 to 65535 (none for icmp)"
                           % (json.dumps(rule, sort_keys=True), port))
    bounds = [int(p) for p in port.split("-")]
    if not all(1 <= p <= 65535 for p in bounds) or bounds != sorted(bounds):
        raise RequestError("inbound rule %s: port %r must be a number or range from 1 to 65535"
                           % (json.dumps(rule, sort_keys=True), port))
    return port


def policy(direct_internet_access: str, security_group_ids: list, security_groups: dict, allowed_destinations: list,
           jupyter_port: int = 8443, resolve=socket.getaddrinfo) -> dict:
    """The instance's network settings as its container keeps them: {direct_internet_access, ingress: [{protocol,
    port, cidr}], allowed: [networks]}. RequestError naming each value that breaks a rule, all at once.
    IPv6 networks are left out: an instance has no IPv6 (the firewall drops it). Host names among the allowed
    destinations are resolved now, on the server."""
    problems = []
    if direct_internet_access not in ACCESS:
        problems.append("DirectInternetAccess %r must be Enabled or Disabled" % (direct_internet_access,))
    undefined = [group for group in security_group_ids if group not in security_groups]
    if undefined:
        problems.append("SecurityGroupIds %s: not defined in notebook_instance_security_groups (defined: %s)"
                        % (", ".join(undefined), ", ".join(sorted(security_groups)) or "none"))
    rules = [rule for group in security_group_ids if group in security_groups for rule in security_groups[group] or []] \
        if security_group_ids else default_ingress(jupyter_port)
    ingress = []
    for rule in rules:
        try:
            if not isinstance(rule, dict) or rule.get("protocol") not in PROTOCOLS:
                raise RequestError("inbound rule %s: protocol must be one of %s" % (json.dumps(rule, sort_keys=True),
                                                                                    ", ".join(PROTOCOLS)))
            cidr = _network(rule.get("cidr", ""), "inbound rule cidr")
            entry = {"protocol": rule["protocol"], "cidr": cidr}
            if rule["protocol"] != "icmp":
                entry["port"] = _port(rule)
            if ipaddress.ip_network(cidr).version == 4:
                ingress.append(entry)
        except RequestError as exc:
            problems.append(str(exc))
    allowed = []
    for destination in allowed_destinations:
        try:
            allowed.append(_network(destination, "allowed destination"))
        except RequestError:
            try:
                found = sorted({info[4][0] for info in resolve(str(destination), None, socket.AF_INET)})
            except (OSError, UnicodeError):
                found = []
            if not found:
                problems.append("allowed destination %r is neither a network nor a host name the server resolves"
                                % (destination,))
            allowed.extend(_network(address, "allowed destination") for address in found)
    if problems:
        raise RequestError("; ".join(problems))
    return {"direct_internet_access": direct_internet_access, "ingress": ingress,
            "allowed": sorted({a for a in allowed if ipaddress.ip_network(a).version == 4})}


def label(settings: dict) -> str:
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def parse_label(text: str | None, jupyter_port: int = 8443) -> dict:
    """The settings in a container's label. A container made before instances had them, or whose label is not
    readable, gets the default group and direct internet access, as instances had then."""
    try:
        settings = json.loads(text or "")
        if isinstance(settings, dict) and settings.get("direct_internet_access") in ACCESS:
            return settings
    except ValueError:
        pass
    return {"direct_internet_access": "Enabled", "ingress": default_ingress(jupyter_port), "allowed": []}


def rules(instances: dict) -> dict:
    """The rules of the chains instance_ingress and instance_egress from the instances' containers ({name:
    container}, instance_container.parse_inspect): only running containers with an address count."""
    found = {"instance_ingress": [], "instance_egress": []}
    for name, container in sorted(instances.items()):
        address = container.get("address")
        if not (container.get("running") and address):
            continue
        try:
            address = str(ipaddress.IPv4Address(address))
        except ValueError:
            continue
        settings = container.get("network") or parse_label(None)
        for rule in settings.get("ingress", []):
            match = "meta l4proto icmp" if rule["protocol"] == "icmp" else "%s dport %s" % (rule["protocol"], rule["port"])
            found["instance_ingress"].append('ip daddr %s ip saddr %s %s accept comment "%s"'
                                             % (address, rule["cidr"], match, name))
        if settings["direct_internet_access"] == "Enabled":
            found["instance_egress"].append('ip saddr %s accept comment "%s: DirectInternetAccess Enabled"' % (address, name))
        for network in settings.get("allowed", []):
            found["instance_egress"].append('ip saddr %s ip daddr %s accept comment "%s"' % (address, network, name))
    return found


def nft_script(instances: dict) -> str:
    """The nft transaction (one, atomic) that makes the two chains say what the running instances may do."""
    lines = []
    for chain, chain_rules in rules(instances).items():
        lines.append("flush chain %s %s" % (TABLE, chain))
        lines += ["add rule %s %s %s" % (TABLE, chain, rule) for rule in chain_rules]
    return "\n".join(lines) + "\n"
