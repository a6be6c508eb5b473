# Copyright: sagebox.notebook contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags, as SageMaker's AddTags, DeleteTags and ListTags see them (stdlib only)."""

from __future__ import annotations

from ansible_collections.sagebox.notebook.plugins.module_utils.request_error import RequestError

TAGS_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256


def tags_as_pairs(tags) -> list:
    """Return tags given as a dict or as SageMaker's [{Key, Value}] / [{key, value}] as (key, value) pairs."""
    if not tags:
        return []
    if isinstance(tags, dict):
        return list(tags.items())
    pairs = []
    for tag in tags:
        if not isinstance(tag, dict):
            raise RequestError("tag %r must be a mapping with key and value" % (tag,))
        pairs.append((tag.get("Key", tag.get("key")), tag.get("Value", tag.get("value", ""))))
    return pairs


def check_key(key) -> None:
    if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX:
        raise RequestError("tag key %r must be 1 to %d characters" % (key, TAG_KEY_MAX))


def check_tags(tags) -> None:
    """Raise RequestError when `tags` (a dict or a list of {key, value}) break SageMaker's limits."""
    pairs = tags_as_pairs(tags)
    if len(pairs) > TAGS_MAX:
        raise RequestError("tags has %d entries: at most %d are allowed" % (len(pairs), TAGS_MAX))
    for key, value in pairs:
        check_key(key)
        if key.lower().startswith("aws:"):
            raise RequestError("tag key %r must not start with 'aws:' (reserved)" % key)
        if not isinstance(value, str) or len(value) > TAG_VALUE_MAX:
            raise RequestError("tag %r value %r must be a string of at most %d characters" % (key, value, TAG_VALUE_MAX))


def as_list(tags) -> list:
    """The tags as the record keeps them: SageMaker's [{Key, Value}]."""
    return [{"Key": k, "Value": v} for k, v in tags_as_pairs(tags)]


def record_tags(record: dict) -> dict:
    """Return a record's tags as a dict (key: value), in their order."""
    return {tag["Key"]: tag.get("Value", "") for tag in (record or {}).get("Tags") or []}


def retagged(record: dict, add=None, remove=None, purge: bool = False) -> dict:
    """Return the tags after AddTags (`add`, a dict or [{Key, Value}]) and DeleteTags (`remove`, keys).

    With `purge`, the tags become `add` alone. Raises RequestError when `add` or the result breaks
    SageMaker's limits (at most 50 tags, keys 1-128 characters without 'aws:', values at most 256).
    """
    check_tags(add)
    for key in remove or []:
        check_key(key)
    tags = {} if purge else record_tags(record)
    tags.update(dict(tags_as_pairs(add)))
    for key in remove or []:
        tags.pop(key, None)
    if len(tags) > TAGS_MAX:
        raise RequestError("the instance would have %d tags: at most %d are allowed (delete some first)"
                           % (len(tags), TAGS_MAX))
    return tags


def with_tags(record: dict, tags: dict) -> dict:
    """Return a copy of `record` with these tags (LastModifiedTime kept: tags are not an update)."""
    record = dict(record)
    record["Tags"] = as_list(tags)
    return record
