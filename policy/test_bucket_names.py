"""Bucket names fit S3's rules for every value the template accepts, in every region.

S3 bucket names: 3-63 characters, lower-case letters, digits, hyphens (and dots), starting and
ending with a letter or digit. The template builds them with !Sub from BucketNamePrefix (its
AllowedPattern and MaxLength bound it), the account id and the region.
"""

import os
import re

from samcli.yamlhelper import yaml_parse

TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "template.yaml")
S3_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
# The longest region names (commercial, GovCloud, ISO partitions), with room to spare.
LONGEST_REGIONS = ["us-isof-south-1", "ap-southeast-5", "us-gov-west-1", "eusc-de-east-1", "x" * 16]
ACCOUNT = "123456789012"


def template():
    with open(TEMPLATE, encoding="utf-8") as handle:
        return yaml_parse(handle.read())


def bucket_name_subs(resources):
    for logical_id, resource in resources.items():
        if resource.get("Type") == "AWS::S3::Bucket":
            name = resource["Properties"]["BucketName"]
            assert isinstance(name, dict) and "Fn::Sub" in name, f"{logical_id}: BucketName must be a !Sub"
            yield logical_id, name["Fn::Sub"]


def longest_prefix(parameter):
    pattern = re.compile(parameter["AllowedPattern"])
    candidate = "a" * (parameter["MaxLength"] - 1) + "1"
    assert pattern.fullmatch(candidate)
    return candidate


def render(sub, prefix, region):
    return (
        sub.replace("${BucketNamePrefix}", prefix)
        .replace("${AWS::AccountId}", ACCOUNT)
        .replace("${AWS::Region}", region)
    )


def test_every_bucket_name_fits_for_the_longest_prefix_in_the_longest_regions():
    t = template()
    prefix = longest_prefix(t["Parameters"]["BucketNamePrefix"])
    names = list(bucket_name_subs(t["Resources"]))
    assert len(names) == 2
    for logical_id, sub in names:
        assert "${AWS::StackName}" not in sub, f"{logical_id}: stack names are unbounded; use BucketNamePrefix"
        for region in LONGEST_REGIONS:
            name = render(sub, prefix, region)
            assert len(name) <= 63, f"{logical_id} in {region}: {name} has {len(name)} characters"
            assert S3_NAME.fullmatch(name), f"{logical_id}: {name} is not a valid bucket name"


def test_the_prefix_pattern_refuses_what_s3_would():
    parameter = template()["Parameters"]["BucketNamePrefix"]
    pattern = re.compile(parameter["AllowedPattern"])
    for bad in ["Shop", "shop_dev", "-shop", "shop-", "shop.dev", ""]:
        assert not pattern.fullmatch(bad), bad
    for good in ["shop", "shop-dev", "a", "0", "a" * 22]:
        assert pattern.fullmatch(good), good
    assert parameter["MaxLength"] == 22
    assert pattern.fullmatch(parameter["Default"])
