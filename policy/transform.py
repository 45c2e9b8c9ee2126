"""Transform template.yaml into plain CloudFormation with the SAM translator (no AWS calls).

Usage: python policy/transform.py template.yaml > transformed.json
Runs with the SAM CLI's Python (it ships samtranslator and the YAML loader for CFN tags).
"""

import json
import os
import sys

# The translator expands a few ARNs with the session region; any region will do offline.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samcli.yamlhelper import yaml_parse
from samtranslator.translator.transform import transform


class OfflinePolicyLoader:
    """SAM only asks for AWS managed policy ARNs by name; answer from a fixed map, offline."""

    def load(self):
        return {
            "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "AWSLambdaSQSQueueExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
            "AWSLambdaDynamoDBExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        }


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        template = yaml_parse(handle.read())
    # `sam package` would upload local code folders and put S3 URIs here; the translator only
    # accepts the latter, and the policy rules do not look at code locations.
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        for field in ("CodeUri", "ContentUri", "DefinitionUri"):
            if isinstance(properties.get(field), str) and not properties[field].startswith("s3://"):
                properties[field] = "s3://local-code/" + properties[field].strip("/")
    transformed = transform(template, {}, OfflinePolicyLoader())
    json.dump(transformed, sys.stdout, indent=2, default=str)


if __name__ == "__main__":
    main()
