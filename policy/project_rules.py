"""Project rules on the transformed CloudFormation template (see README "Policy as code").

Checkov runs the generic checks on template.yaml; these are the rules that need more than one
resource at a time. Each finding names the rule, the resource and what to do. A finding can be
justified in place with resource Metadata:

    Metadata:
      shop-policy:
        skip:
          - id: SHOP001
            reason: why this resource is an exception

Usage: python policy/project_rules.py transformed.json   (exit 1 on findings)
"""

import json
import sys
from typing import Any, Iterator

# Actions that AWS only grants on Resource "*": they have no resource-level permissions.
STAR_RESOURCE_ACTIONS = {
    "xray:PutTraceSegments",  # X-Ray trace upload
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "cloudwatch:PutMetricData",  # scoped with the cloudwatch:namespace condition instead
}

# AWS managed policies that SAM attaches on its own and that grant on Resource "*": a role
# holding one needs a permissions boundary that caps it at the function's own resources.
WILDCARD_MANAGED_POLICIES = (
    "AWSLambdaBasicExecutionRole",  # logs:CreateLogGroup, CreateLogStream, PutLogEvents
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole",
)


def get_att_target(value: Any) -> str | None:
    """The logical id of `Fn::GetAtt` (list or dotted string form), else None."""
    get_att = value.get("Fn::GetAtt") if isinstance(value, dict) else None
    if isinstance(get_att, list) and get_att and isinstance(get_att[0], str):
        return get_att[0]
    if isinstance(get_att, str):
        return get_att.split(".")[0]
    return None


def sub_template(value: Any) -> str | None:
    """The template string of `Fn::Sub` (plain or [template, variables] form), else None."""
    sub = value.get("Fn::Sub") if isinstance(value, dict) else None
    template = sub[0] if isinstance(sub, list) and sub else sub
    return template if isinstance(template, str) else None


def refers_to(value: Any, logical_id: str) -> bool:
    """True when a Ref / GetAtt / Sub anywhere inside value names logical_id."""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        if get_att_target(value) == logical_id:
            return True
        template = sub_template(value)
        if template is not None and ("${" + logical_id + "}" in template or "${" + logical_id + "." in template):
            return True
        return any(refers_to(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(refers_to(v, logical_id) for v in value)
    return False


# What CodeDeploy needs to shift a Lambda alias (AWSCodeDeployRoleForLambdaLimited without S3,
# hooks and triggers, which these deployments do not use).
CODEDEPLOY_LAMBDA_ACTIONS = {
    "lambda:GetAlias",
    "lambda:UpdateAlias",
    "lambda:GetProvisionedConcurrencyConfig",
    "cloudwatch:DescribeAlarms",
}


def owned_by(resource: Any, owners: list) -> bool:
    """Whether an IAM Resource entry names one of these logical ids (each branch of an Fn::If)."""
    if isinstance(resource, dict) and isinstance(resource.get("Fn::If"), list) and len(resource["Fn::If"]) == 3:
        return all(owned_by(branch, owners) for branch in resource["Fn::If"][1:])
    if isinstance(resource, dict) and resource.get("Ref") == "AWS::NoValue":
        return True
    return isinstance(resource, dict) and any(owner and refers_to(resource, owner) for owner in owners)


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


# Condition operators that constrain a key to the values given (not their negations, not
# "...IfExists", which also allows a request without the key, nor set operators).
POSITIVE_CONDITION_OPERATORS = {"StringEquals", "StringLike", "ArnEquals", "ArnLike"}


def names_own_deployment_groups(arn: Any) -> bool:
    """Whether an aws:SourceArn condition value names deployment groups of this account only:
    an Fn::Sub of a CodeDeploy deployment group ARN in ${AWS::AccountId}."""
    templates = [sub_template(value) for value in as_list(arn)]
    return bool(templates) and all(
        template is not None and ":codedeploy:" in template and ":${AWS::AccountId}:deploymentgroup:" in template
        for template in templates
    )


def trusts_only_own_deployment_groups(role: dict) -> bool:
    """Whether the role's trust policy lets CodeDeploy, and only CodeDeploy, assume it, and
    only for this account (aws:SourceAccount) and its deployment groups (aws:SourceArn):
    CodeDeploy's documented guard against acting for another account's deployment with this
    role (confused deputy)."""
    document = role.get("Properties", {}).get("AssumeRolePolicyDocument") or {}
    allowed = 0
    for statement in as_list(document.get("Statement", [])):
        if not isinstance(statement, dict) or "Effect" not in statement:
            return False  # an Fn::If or other construct the rule cannot read
        if statement.get("Effect") != "Allow":
            continue
        allowed += 1
        principal = statement.get("Principal")
        if not isinstance(principal, dict) or set(principal) != {"Service"} or as_list(principal["Service"]) != ["codedeploy.amazonaws.com"]:
            return False
        keys = {}
        for operator, pairs in (statement.get("Condition") or {}).items():
            if operator in POSITIVE_CONDITION_OPERATORS and isinstance(pairs, dict):
                keys.update({str(key).lower(): value for key, value in pairs.items()})
        if keys.get("aws:sourceaccount") != {"Ref": "AWS::AccountId"} or not names_own_deployment_groups(keys.get("aws:sourcearn")):
            return False
    return allowed > 0


def is_tls_only_deny(statement: dict) -> bool:
    """A Deny of requests made without TLS (aws:SecureTransport false)."""
    condition = (statement.get("Condition") or {}).get("Bool", {})
    return statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport")).lower() == "false"


def allows_logs_everywhere(statement: dict) -> bool:
    """An Allow on Resource '*' that covers CloudWatch Logs actions (by Action, or by a NotAction without logs:*)."""
    if statement.get("Effect") != "Allow" or "*" not in as_list(statement.get("Resource", [])):
        return False
    if "NotAction" in statement:
        return "logs:*" not in as_list(statement["NotAction"])
    return any(str(action) == "*" or str(action).startswith("logs:") for action in as_list(statement.get("Action", [])))


def alarm_metrics(props: dict) -> list:
    """The metrics an alarm reads: its own (Namespace, MetricName, Dimensions), or each MetricStat of its metric math."""
    queries = props.get("Metrics")
    if not isinstance(queries, list):
        return [props]
    return [q["MetricStat"]["Metric"] for q in queries if isinstance(q, dict) and isinstance(q.get("MetricStat"), dict) and isinstance(q["MetricStat"].get("Metric"), dict)]


class Rules:
    def __init__(self, template: dict):
        self.resources: dict = template.get("Resources", {})
        self.findings: list[str] = []

    def of_type(self, resource_type: str) -> Iterator[tuple[str, dict]]:
        for logical_id, resource in self.resources.items():
            if resource.get("Type") == resource_type:
                yield logical_id, resource

    def report(self, rule: str, logical_id: str, message: str) -> None:
        skips = (self.resources.get(logical_id, {}).get("Metadata", {}) or {}).get("shop-policy", {})
        for skip in skips.get("skip", []) if isinstance(skips, dict) else []:
            if skip.get("id") == rule and skip.get("reason"):
                return
        self.findings.append(f"{rule} {logical_id}: {message}")

    def iam_statements(self) -> Iterator[tuple[str, dict]]:
        for logical_id, role in self.of_type("AWS::IAM::Role"):
            for policy in role.get("Properties", {}).get("Policies", []) or []:
                for statement in as_list(policy.get("PolicyDocument", {}).get("Statement", [])):
                    yield logical_id, statement
        for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for logical_id, policy in self.of_type(kind):
                for statement in as_list(policy.get("Properties", {}).get("PolicyDocument", {}).get("Statement", [])):
                    yield logical_id, statement

    def no_wildcard_resources(self) -> None:
        for logical_id, statement in self.iam_statements():
            if statement.get("Effect") != "Allow":
                continue
            if "*" not in as_list(statement.get("Resource", [])):
                continue
            actions = {a for a in as_list(statement.get("Action", [])) if isinstance(a, str)}
            extra = sorted(actions - STAR_RESOURCE_ACTIONS)
            if extra:
                self.report("SHOP001", logical_id, f"allows {', '.join(extra)} on Resource '*'; scope it to the resource ARN")

    def wildcard_managed_policies_are_bounded(self) -> None:
        for logical_id, role in self.of_type("AWS::IAM::Role"):
            props = role.get("Properties", {})
            arns = [a for a in props.get("ManagedPolicyArns", []) or [] if isinstance(a, str)]
            wide = [name for name in WILDCARD_MANAGED_POLICIES if any(a.endswith("/" + name) for a in arns)]
            boundary = props.get("PermissionsBoundary")
            if wide and not boundary:
                self.report("SHOP008", logical_id, f"holds {', '.join(wide)} (Resource '*') without a PermissionsBoundary capping it")
            elif "AWSLambdaBasicExecutionRole" in wide:
                boundary_id = boundary.get("Ref") if isinstance(boundary, dict) else None
                policy = self.resources.get(boundary_id or "", {}).get("Properties", {}).get("PolicyDocument", {})
                if any(allows_logs_everywhere(statement) for statement in as_list(policy.get("Statement", []))):
                    self.report("SHOP008", logical_id, "holds AWSLambdaBasicExecutionRole, and its boundary lets it log to every log group; cap logs at its own")

    def buckets_private_encrypted_tls_only(self) -> None:
        policies = list(self.of_type("AWS::S3::BucketPolicy"))
        for logical_id, bucket in self.of_type("AWS::S3::Bucket"):
            props = bucket.get("Properties", {})
            block = props.get("PublicAccessBlockConfiguration", {})
            flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
            if not all(block.get(flag) is True for flag in flags):
                self.report("SHOP002", logical_id, "public access is not fully blocked (PublicAccessBlockConfiguration, all four true)")
            if not props.get("BucketEncryption"):
                self.report("SHOP002", logical_id, "has no BucketEncryption")
            tls_only = False
            for _, policy in policies:
                policy_props = policy.get("Properties", {})
                if not refers_to(policy_props.get("Bucket"), logical_id) and not refers_to(policy_props.get("PolicyDocument"), logical_id):
                    continue
                for statement in as_list(policy_props.get("PolicyDocument", {}).get("Statement", [])):
                    if is_tls_only_deny(statement):
                        tls_only = True
            if not tls_only:
                self.report("SHOP002", logical_id, "no bucket policy denies requests without TLS (aws:SecureTransport false)")

    def queue_of(self, arn: Any) -> str | None:
        for logical_id, _ in self.of_type("AWS::SQS::Queue"):
            if refers_to(arn, logical_id):
                return logical_id
        return None

    def sqs_sources_have_partial_failures_and_dlq(self) -> None:
        for logical_id, mapping in self.of_type("AWS::Lambda::EventSourceMapping"):
            props = mapping.get("Properties", {})
            queue = self.queue_of(props.get("EventSourceArn"))
            if queue is None:
                continue
            if "ReportBatchItemFailures" not in (props.get("FunctionResponseTypes") or []):
                self.report("SHOP003", logical_id, "SQS event source without FunctionResponseTypes: [ReportBatchItemFailures]")
            if not self.resources[queue].get("Properties", {}).get("RedrivePolicy"):
                self.report("SHOP003", queue, "is consumed by a function but has no RedrivePolicy (dead-letter queue)")

    def dead_letter_queues_have_alarms(self) -> None:
        # Dead letters arrive by a queue's RedrivePolicy, a mapping's or an async invoke's
        # OnFailure destination, or a function's DeadLetterConfig. Each such queue needs an
        # alarm that notifies on its depth (messages visible): a count of messages sent or
        # deleted can stay at 0 while dead letters wait.
        alarms = list(self.of_type("AWS::CloudWatch::Alarm"))
        dlqs = set()
        for logical_id, queue in self.of_type("AWS::SQS::Queue"):
            redrive = queue.get("Properties", {}).get("RedrivePolicy")
            if not redrive:
                continue
            dlq = self.queue_of(redrive.get("deadLetterTargetArn") if isinstance(redrive, dict) else redrive)
            if dlq is None:
                self.report("SHOP004", logical_id, "RedrivePolicy does not target a queue in this template")
                continue
            dlqs.add(dlq)
        for kind in ("AWS::Lambda::EventSourceMapping", "AWS::Lambda::EventInvokeConfig"):
            for _, resource in self.of_type(kind):
                destination = ((resource.get("Properties", {}).get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
                dlq = self.queue_of(destination)
                if dlq is not None:
                    dlqs.add(dlq)
        for _, function in self.of_type("AWS::Lambda::Function"):
            dlq = self.queue_of((function.get("Properties", {}).get("DeadLetterConfig") or {}).get("TargetArn"))
            if dlq is not None:
                dlqs.add(dlq)
        for dlq in sorted(dlqs):
            alarmed = any(
                refers_to(props.get("Dimensions"), dlq)
                and props.get("MetricName") == "ApproximateNumberOfMessagesVisible"
                and props.get("Statistic", "Maximum") in ("Maximum", "Sum", "Average")
                and props.get("AlarmActions")
                for props in (alarm.get("Properties", {}) for _, alarm in alarms)
            )
            if not alarmed:
                self.report("SHOP004", dlq, "is a dead-letter queue without an alarm (with AlarmActions) on its depth (ApproximateNumberOfMessagesVisible)")

    def queues_encrypted_tls_only(self) -> None:
        policies = list(self.of_type("AWS::SQS::QueuePolicy"))
        for logical_id, queue in self.of_type("AWS::SQS::Queue"):
            props = queue.get("Properties", {})
            if props.get("SqsManagedSseEnabled") is not True and not props.get("KmsMasterKeyId"):
                self.report("SHOP005", logical_id, "is not encrypted (SqsManagedSseEnabled: true or KmsMasterKeyId)")
            tls_only = any(
                refers_to(policy.get("Properties", {}).get("Queues"), logical_id)
                and is_tls_only_deny(statement)
                for _, policy in policies
                for statement in as_list(policy.get("Properties", {}).get("PolicyDocument", {}).get("Statement", []))
            )
            if not tls_only:
                self.report("SHOP005", logical_id, "no queue policy denies requests without TLS (aws:SecureTransport false)")

    def functions_have_log_retention_and_error_alarms(self) -> None:
        alarms = list(self.of_type("AWS::CloudWatch::Alarm"))
        for logical_id, function in self.of_type("AWS::Lambda::Function"):
            log_group_ref = function.get("Properties", {}).get("LoggingConfig", {}).get("LogGroup")
            groups = [gid for gid, _ in self.of_type("AWS::Logs::LogGroup") if refers_to(log_group_ref, gid)]
            if not groups:
                self.report("SHOP006", logical_id, "has no LoggingConfig.LogGroup pointing at a log group in this template")
            elif not self.resources[groups[0]].get("Properties", {}).get("RetentionInDays"):
                self.report("SHOP006", groups[0], "has no RetentionInDays")
            has_errors_alarm = any(
                alarm.get("Properties", {}).get("MetricName") == "Errors"
                and refers_to(alarm.get("Properties", {}).get("Dimensions"), logical_id)
                and alarm.get("Properties", {}).get("AlarmActions")
                for _, alarm in alarms
            )
            if not has_errors_alarm:
                self.report("SHOP007", logical_id, "has no Errors alarm (with AlarmActions)")

    def lambda_permissions_name_their_source(self) -> None:
        # Services that invoke on behalf of a resource: without SourceArn, any such resource in
        # the account (any bucket, rule, topic) could invoke the function.
        for logical_id, permission in self.of_type("AWS::Lambda::Permission"):
            props = permission.get("Properties", {})
            principal = props.get("Principal")
            if principal in ("s3.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com", "apigateway.amazonaws.com"):
                if not props.get("SourceArn"):
                    self.report("SHOP009", logical_id, f"lets {principal} invoke without a SourceArn; name the bucket/rule/topic/API")
                # A bucket ARN names no account: another account's bucket of that name could
                # invoke (AWS: set SourceAccount too for S3).
                elif principal == "s3.amazonaws.com" and not props.get("SourceAccount"):
                    self.report("SHOP009", logical_id, "lets s3.amazonaws.com invoke without a SourceAccount; a bucket ARN names no account")

    def alarm_topics_are_publishable(self) -> None:
        # CloudWatch can publish to an encrypted topic only if the key policy lets
        # cloudwatch.amazonaws.com use the key; an AWS-managed key (alias/aws/sns) never does.
        topics = set()
        for _, alarm in self.of_type("AWS::CloudWatch::Alarm"):
            props = alarm.get("Properties", {})
            for action in as_list(props.get("AlarmActions", [])) + as_list(props.get("OKActions", [])):
                if isinstance(action, dict) and isinstance(action.get("Ref"), str):
                    topics.add(action["Ref"])
        for topic in sorted(topics):
            resource = self.resources.get(topic, {})
            if resource.get("Type") != "AWS::SNS::Topic":
                continue
            self.alarm_topic_policy(topic)
            key = resource.get("Properties", {}).get("KmsMasterKeyId")
            if not key:
                continue
            key_id = key.get("Ref") if isinstance(key, dict) else None
            if key_id is None:
                key_id = key.get("Fn::GetAtt", [None])[0] if isinstance(key, dict) else None
            key_resource = self.resources.get(key_id or "", {})
            if key_resource.get("Type") != "AWS::KMS::Key":
                self.report("SHOP010", topic, f"alarms notify it but its key {json.dumps(key)} is not a key of this template whose policy lets CloudWatch use it")
                continue
            statements = as_list(key_resource.get("Properties", {}).get("KeyPolicy", {}).get("Statement", []))
            allows = any(
                s.get("Effect") == "Allow"
                and "cloudwatch.amazonaws.com" in as_list((s.get("Principal") or {}).get("Service", []))
                and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(as_list(s.get("Action", [])))
                for s in statements
            )
            if not allows:
                self.report("SHOP010", key_id or topic, "encrypts an alarm topic but its policy does not allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*")
            if key_resource.get("Properties", {}).get("EnableKeyRotation") is not True:
                self.report("SHOP010", key_id or topic, "has no EnableKeyRotation: true")

    def alarm_topic_policy(self, topic: str) -> None:
        # SNS's default topic policy lets any principal of the account publish and takes plain
        # HTTP. An alarm topic's own policy denies requests without TLS and lets CloudWatch
        # publish only for alarms of this account (aws:SourceArn: the confused deputy).
        statements = [
            statement
            for _, policy in self.of_type("AWS::SNS::TopicPolicy")
            if any(refers_to(t, topic) for t in as_list(policy.get("Properties", {}).get("Topics", [])))
            for statement in as_list(policy.get("Properties", {}).get("PolicyDocument", {}).get("Statement", []))
        ]
        if not any(is_tls_only_deny(statement) for statement in statements):
            self.report("SHOP015", topic, "no topic policy denies requests without TLS (aws:SecureTransport false)")
        publishers = [
            statement
            for statement in statements
            if statement.get("Effect") == "Allow"
            and "cloudwatch.amazonaws.com" in as_list((statement.get("Principal") or {}).get("Service", []))
            and "sns:Publish" in as_list(statement.get("Action", []))
        ]
        if not publishers:
            self.report("SHOP015", topic, "no topic policy lets cloudwatch.amazonaws.com sns:Publish (for this account's alarms, aws:SourceArn)")
        elif not all(
            any("aws:SourceArn" in (block or {}) for block in (statement.get("Condition") or {}).values())
            for statement in publishers
        ):
            self.report("SHOP015", topic, "lets cloudwatch.amazonaws.com publish without an aws:SourceArn condition (confused deputy)")

    def aliases(self) -> Iterator[tuple[str, str | None, str | None]]:
        """Each alias: its logical id, its function's, and the CodeDeploy group that deploys it (or None)."""
        for alias_id, alias in self.of_type("AWS::Lambda::Alias"):
            name = alias.get("Properties", {}).get("FunctionName")
            function = name.get("Ref") if isinstance(name, dict) and isinstance(name.get("Ref"), str) else None
            group = (alias.get("UpdatePolicy", {}).get("CodeDeployLambdaAliasUpdate") or {}).get("DeploymentGroupName")
            yield alias_id, function, group.get("Ref") if isinstance(group, dict) else None

    def rollback_alarms(self, group: dict) -> Iterator[tuple[str | None, dict]]:
        """A deployment group's rollback alarms: each one's logical id and Properties."""
        config = group.get("Properties", {}).get("AlarmConfiguration") or {}
        for alarm in as_list(config.get("Alarms", [])):
            name = alarm.get("Name") if isinstance(alarm, dict) else None
            alarm_id = name.get("Ref") if isinstance(name, dict) else None
            yield alarm_id, self.resources.get(alarm_id or "", {}).get("Properties", {})

    def functions_deploy_gradually(self) -> None:
        # AutoPublishAlias + DeploymentPreference: an alias whose updates CodeDeploy controls.
        controlled = set()
        for _, alias in self.of_type("AWS::Lambda::Alias"):
            if alias.get("UpdatePolicy", {}).get("CodeDeployLambdaAliasUpdate"):
                name = alias.get("Properties", {}).get("FunctionName")
                if isinstance(name, dict) and isinstance(name.get("Ref"), str):
                    controlled.add(name["Ref"])
        for logical_id, _ in self.of_type("AWS::Lambda::Function"):
            if logical_id not in controlled:
                self.report("SHOP011", logical_id, "has no alias deployed through CodeDeploy (AutoPublishAlias + DeploymentPreference)")

    def rollback_alarms_watch_the_new_version(self) -> None:
        # A queue-depth alarm stays in ALARM while a message waits (a DLQ keeps it for days), and
        # a function's Errors alarm without ExecutedVersion counts the version being replaced:
        # as CodeDeploy rollback triggers both roll back the deploy of a fix.
        for logical_id, group in self.of_type("AWS::CodeDeploy::DeploymentGroup"):
            for alarm_id, props in self.rollback_alarms(group):
                for metric in alarm_metrics(props):
                    if metric.get("Namespace") == "AWS/SQS" or str(metric.get("MetricName", "")).startswith("ApproximateNumberOfMessages"):
                        self.report("SHOP012", logical_id, f"rolls back on {alarm_id}, a queue-depth alarm that stays in ALARM while messages wait; let it notify only")
                    dimensions = {d.get("Name") for d in as_list(metric.get("Dimensions", [])) if isinstance(d, dict)}
                    if metric.get("Namespace") == "AWS/Lambda" and "ExecutedVersion" not in dimensions:
                        self.report("SHOP012", logical_id, f"rolls back on {alarm_id}, which counts the replaced version's errors too; add the ExecutedVersion dimension")

    def rollbacks_see_reported_failures(self) -> None:
        # A function that reports failed records (ReportBatchItemFailures) returns normally when
        # they fail, and Lambda's Errors never counts them: a version failing every record would
        # be deployed to 100 %. Its rollback alarms must also read a failure metric of the
        # deployed version (one with a `version` dimension).
        function_of = {alias_id: function for alias_id, function, _ in self.aliases()}
        group_of = {function: group for _, function, group in self.aliases() if function and group}
        reported = set()
        for _, mapping in self.of_type("AWS::Lambda::EventSourceMapping"):
            props = mapping.get("Properties", {})
            if "ReportBatchItemFailures" not in as_list(props.get("FunctionResponseTypes", [])):
                continue
            target = props.get("FunctionName")
            ref = target.get("Ref") if isinstance(target, dict) else None
            if ref:
                reported.add(function_of.get(ref) or ref)
        for function in sorted(reported):
            group = self.resources.get(group_of.get(function) or "", {})
            if not group:
                continue  # not deployed through CodeDeploy (SHOP011 names it)
            sees = any(
                metric.get("Namespace") != "AWS/Lambda"
                and "version" in {d.get("Name") for d in as_list(metric.get("Dimensions", [])) if isinstance(d, dict)}
                for _, props in self.rollback_alarms(group)
                for metric in alarm_metrics(props)
            )
            if not sees:
                self.report("SHOP014", function, "reports failed records but rolls back on Lambda's Errors only; add a failure metric of the deployed version (version dimension) to its rollback alarm")

    def deployment_roles_are_scoped(self) -> None:
        # Without DeploymentPreference.Role, SAM creates one CodeDeployServiceRole holding
        # AWSCodeDeployRoleForLambda (Resource "*": every alias and alarm of the account). Each
        # deployment group gets a role of this template instead, allowed only what CodeDeploy
        # needs for a Lambda deployment, on its own function (its aliases and versions) and its
        # own rollback alarms.
        function_of = {group: function for _, function, group in self.aliases() if group}
        for logical_id, group in self.of_type("AWS::CodeDeploy::DeploymentGroup"):
            props = group.get("Properties", {})
            role_id = get_att_target(props.get("ServiceRoleArn"))
            role = self.resources.get(role_id or "", {})
            if role.get("Type") != "AWS::IAM::Role":
                self.report("SHOP013", logical_id, "has no service role of this template; set DeploymentPreference.Role to one scoped to the function")
                continue
            if role.get("Properties", {}).get("ManagedPolicyArns"):
                self.report("SHOP013", role_id, "holds managed policies (AWS's CodeDeploy ones allow Resource '*'); allow the function's alias and alarms inline only")
            if not trusts_only_own_deployment_groups(role):
                self.report("SHOP013", role_id, "is not assumable by codedeploy.amazonaws.com alone, for this account (aws:SourceAccount) and its deployment groups (aws:SourceArn) only (confused deputy)")
            function = function_of.get(logical_id)
            if function is None:
                continue  # no alias is deployed through this group (SHOP011 names the function)
            alarms = [alarm_id for alarm_id, _ in self.rollback_alarms(group) if alarm_id]
            owned = [function] + alarms
            for statement in self.role_statements(role_id):
                if statement.get("Effect") != "Allow":
                    continue
                if "NotAction" in statement or "NotResource" in statement:
                    self.report("SHOP013", role_id, "allows with NotAction or NotResource; name the actions and resources")
                    continue
                actions = sorted({str(a) for a in as_list(statement.get("Action", []))} - CODEDEPLOY_LAMBDA_ACTIONS)
                if actions:
                    self.report("SHOP013", role_id, f"allows {', '.join(actions)}, which a Lambda deployment does not need")
                for resource in as_list(statement.get("Resource", [])):
                    if not owned_by(resource, owned):
                        self.report("SHOP013", role_id, f"allows {json.dumps(resource)}, which is not {logical_id}'s function or one of its alarms")

    def role_statements(self, role_id: str) -> Iterator[dict]:
        """The statements of a role's inline policies and of the policies attached to it."""
        for policy in self.resources.get(role_id, {}).get("Properties", {}).get("Policies", []) or []:
            yield from as_list(policy.get("PolicyDocument", {}).get("Statement", []))
        for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for _, policy in self.of_type(kind):
                props = policy.get("Properties", {})
                if any(isinstance(r, dict) and r.get("Ref") == role_id for r in as_list(props.get("Roles", []))):
                    yield from as_list(props.get("PolicyDocument", {}).get("Statement", []))

    def run(self) -> list[str]:
        self.no_wildcard_resources()
        self.wildcard_managed_policies_are_bounded()
        self.buckets_private_encrypted_tls_only()
        self.sqs_sources_have_partial_failures_and_dlq()
        self.dead_letter_queues_have_alarms()
        self.queues_encrypted_tls_only()
        self.functions_have_log_retention_and_error_alarms()
        self.lambda_permissions_name_their_source()
        self.alarm_topics_are_publishable()
        self.functions_deploy_gradually()
        self.rollback_alarms_watch_the_new_version()
        self.deployment_roles_are_scoped()
        self.rollbacks_see_reported_failures()
        return self.findings


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        template = json.load(handle)
    findings = Rules(template).run()
    for finding in findings:
        print(finding)
    print(f"project rules: {len(findings)} finding(s) in {len(template.get('Resources', {}))} resources")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
