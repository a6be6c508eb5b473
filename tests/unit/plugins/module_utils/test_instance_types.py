"""SageMaker's notebook instance types as compute (module_utils/instance_types.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ansible_collections.sagebox.notebook.plugins.module_utils import instance_types as it
from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

# The InstanceType enum of SageMaker's service model (botocore 1.44.18, sagemaker 2017-07-24),
# which CreateNotebookInstance accepts.
ENUM = (Path(__file__).parent / "fixtures" / "sagemaker_instance_types.txt").read_text().split()


def test_the_table_has_exactly_the_names_sagemaker_accepts():
    assert sorted(it.SAGEMAKER_TYPES) == sorted(ENUM)


@pytest.mark.parametrize("name, vcpus, memory, gpus, kind", [
    ("ml.t3.medium", 2, 4, 0, ""), ("ml.m5.xlarge", 4, 16, 0, ""), ("ml.g4dn.xlarge", 4, 16, 1, "T4"),
    ("ml.g5.xlarge", 4, 16, 1, "A10G"), ("ml.g5.12xlarge", 48, 192, 4, "A10G"), ("ml.p3.8xlarge", 32, 244, 4, "V100"),
    ("ml.c4.xlarge", 4, 7.5, 0, ""), ("ml.c4.8xlarge", 36, 60, 0, ""), ("ml.r5.large", 2, 16, 0, ""), ("ml.g5.48xlarge", 192, 768, 8, "A10G"),
    ("ml.g6e.xlarge", 4, 32, 1, "L40S"), ("ml.p4d.24xlarge", 96, 1152, 8, "A100"),
])
def test_a_type_is_its_compute(name, vcpus, memory, gpus, kind):
    spec = it.resources(name)
    assert (spec["vcpus"], spec["memory_gib"], spec["gpus"], spec["gpu_kind"], spec["mig_profile"]) == \
        (vcpus, memory, gpus, kind, "")


def test_every_offered_type_has_compute():
    for name, spec in it.SAGEMAKER_TYPES.items():
        if spec["offered"]:
            assert spec["vcpus"] > 0 and spec["memory_gib"] > 0, name
            assert (spec["gpus"] > 0) == bool(spec["gpu_kind"]), name


def test_an_unknown_name_fails_in_sagemakers_words():
    with pytest.raises(RequestError) as raised:
        it.resources("ml.x9.huge")
    assert str(raised.value).startswith("1 validation error detected: Value 'ml.x9.huge' at 'instanceType' failed to "
                                        "satisfy constraint: Member must satisfy enum value set: [")


def test_a_type_without_nvidia_gpus_is_refused_on_instance_hosts():
    with pytest.raises(RequestError, match="'ml.inf2.xlarge' is SageMaker's but not offered on instance hosts"):
        it.resources("ml.inf2.xlarge")


def test_a_hosts_own_type_a_mig_slice():
    custom = {"ml.mig.1g-10gb": {"vcpus": 4, "memory_gib": 20, "gpus": 1, "gpu_kind": "H100", "mig_profile": "1g.10gb"}}
    spec = it.resources("ml.mig.1g-10gb", custom)
    assert (spec["vcpus"], spec["memory_gib"], spec["gpus"], spec["mig_profile"]) == (4, 20, 1, "1g.10gb")


@pytest.mark.parametrize("custom, message", [
    ({"ml.g5.xlarge": {"vcpus": 1, "memory_gib": 1}}, "'ml.g5.xlarge' is SageMaker's"),
    ({"big": {"vcpus": 1, "memory_gib": 1}}, "'big' must match"),
    ({"ml.my.box": {"vcpus": 0, "memory_gib": 1}}, "must be above 0"),
    ({"ml.my.box": {"memory_gib": 1}}, "needs numbers vcpus and memory_gib"),
    ({"ml.my.box": {"vcpus": 1, "memory_gib": 1, "gpus": 2, "mig_profile": "1g.10gb"}}, "gpus must be 1"),
])
def test_a_hosts_own_types_are_checked(custom, message):
    with pytest.raises(RequestError, match=message.replace("(", r"\(")):
        it.resources("ml.t3.medium", custom)


def test_the_docs_table_is_the_modules():
    """docs/instance-types.md lists every type with the module's figures."""
    doc = (Path(__file__).resolve().parents[4] / "docs" / "instance-types.md").read_text()
    rows = dict(re.findall(r"^\| `(ml\.[^`]+)` \| (.+) \|$", doc, re.M))
    assert sorted(rows) == sorted(it.SAGEMAKER_TYPES)
    for name, spec in it.SAGEMAKER_TYPES.items():
        expected = ("%g | %g | %s" % (spec["vcpus"], spec["memory_gib"],
                                      "%d × %s" % (spec["gpus"], spec["gpu_kind"]) if spec["gpus"] else "—")
                    if spec["offered"] else "— | — | not offered on instance hosts")
        assert rows[name] == expected, name
