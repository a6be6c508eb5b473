"""An instance's network settings on an instance host, and the firewall rules made of them."""

from __future__ import annotations

import socket

import pytest
from ansible_collections.sagebox.notebook.plugins.module_utils import instance_network
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError


def resolver(addresses: dict):
    def resolve(host, port, family):
        assert family == socket.AF_INET
        if host not in addresses:
            raise socket.gaierror("unknown")
        return [(family, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses[host]]
    return resolve


def test_the_default_group_opens_jupyter_from_anywhere_and_direct_internet_access_is_kept():
    assert instance_network.policy("Enabled", [], {}, [], 8443) == {
        "direct_internet_access": "Enabled", "allowed": [],
        "ingress": [{"protocol": "tcp", "port": "8443", "cidr": "0.0.0.0/0"}]}


def test_groups_rules_are_joined_ipv6_left_out_and_host_names_resolved_on_the_server():
    groups = {"sg-a": [{"protocol": "udp", "port": "5000-5010", "cidr": "10.1.2.3/16"}],
              "sg-b": [{"protocol": "tcp", "port": 22, "cidr": "::/0"}, {"protocol": "icmp", "cidr": "192.0.2.1"}]}
    settings = instance_network.policy("Disabled", ["sg-a", "sg-b"], groups, ["pypi.internal", "192.0.2.0/25"],
                                       resolve=resolver({"pypi.internal": ["192.0.2.200", "192.0.2.201", "192.0.2.200"]}))
    assert settings == {"direct_internet_access": "Disabled",
                        "ingress": [{"protocol": "udp", "port": "5000-5010", "cidr": "10.1.0.0/16"},
                                    {"protocol": "icmp", "cidr": "192.0.2.1/32"}],
                        "allowed": ["192.0.2.0/25", "192.0.2.200/32", "192.0.2.201/32"]}


@pytest.mark.parametrize("port", ["0", "70000", "10-5", "http", ""])
def test_a_port_outside_1_to_65535_or_a_backwards_range_is_refused(port):
    with pytest.raises(RequestError, match="port %r must be a number or range" % port):
        instance_network.policy("Enabled", ["sg"], {"sg": [{"protocol": "tcp", "port": port, "cidr": "0.0.0.0/0"}]}, [])


def test_a_label_that_is_not_settings_reads_as_the_settings_instances_had_before():
    default = {"direct_internet_access": "Enabled", "allowed": [],
               "ingress": [{"protocol": "tcp", "port": "8443", "cidr": "0.0.0.0/0"}]}
    assert instance_network.parse_label(None) == instance_network.parse_label("{broken") == default
    settings = instance_network.policy("Disabled", [], {}, [])
    assert instance_network.parse_label(instance_network.label(settings)) == settings


def test_rules_count_running_instances_with_an_address_only():
    settings = instance_network.policy("Disabled", [], {}, ["192.0.2.9"])
    instances = {
        "alice": {"running": True, "address": "10.213.0.3", "network": settings},
        "bob": {"running": False, "address": "", "network": settings},
        "carol": {"running": True, "address": "", "network": settings},
        "dave": {"running": True, "address": "10.213.0.4; drop", "network": settings},
    }
    assert instance_network.rules(instances) == {
        "instance_ingress": ['ip daddr 10.213.0.3 ip saddr 0.0.0.0/0 tcp dport 8443 accept comment "alice"'],
        "instance_egress": ['ip saddr 10.213.0.3 ip daddr 192.0.2.9/32 accept comment "alice"']}
    assert instance_network.nft_script({}) == ("flush chain inet sagebox_instances instance_ingress\n"
                                               "flush chain inet sagebox_instances instance_egress\n")
