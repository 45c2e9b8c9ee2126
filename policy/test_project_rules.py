"""Each project rule fails on a template that breaks it and passes on one that keeps it."""

import copy

from project_rules import Rules


def tls_only_queue_policy(queue: str) -> dict:
    """A queue policy that denies every request to `queue` made without TLS."""
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [{"Ref": queue}],
            "PolicyDocument": {
                "Statement": [
                    {"Effect": "Deny", "Action": "sqs:*", "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                ]
            },
        },
    }


GOOD = {
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {"LoggingConfig": {"LogGroup": {"Ref": "FnLogs"}}},
        },
        "FnLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
        "FnErrors": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}],
                "AlarmActions": [{"Ref": "Topic"}],
            },
        },
        "FnRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Policies": [
                    {
                        "PolicyDocument": {
                            "Statement": [
                                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}},
                                {"Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"},
                            ]
                        }
                    }
                ]
            },
        },
        "Queue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 5},
            },
        },
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": True}},
        "QueuePolicy": tls_only_queue_policy("Queue"),
        "DlqPolicy": tls_only_queue_policy("Dlq"),
        "FnDeploymentGroup": {
            "Type": "AWS::CodeDeploy::DeploymentGroup",
            "Properties": {
                "AlarmConfiguration": {"Alarms": [{"Name": {"Ref": "FnNewVersionErrors"}}], "Enabled": True},
                "ServiceRoleArn": {"Fn::GetAtt": ["FnDeploymentRole", "Arn"]},
            },
        },
        "FnDeploymentRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "codedeploy.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                                "ArnLike": {
                                    "aws:SourceArn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:${ServerlessDeploymentApplication}/*"
                                    }
                                },
                            },
                        }
                    ]
                },
                "Policies": [
                    {
                        "PolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["lambda:GetAlias", "lambda:UpdateAlias"],
                                    "Resource": [{"Fn::GetAtt": ["Fn", "Arn"]}, {"Fn::Sub": "${Fn.Arn}:live"}],
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": "cloudwatch:DescribeAlarms",
                                    "Resource": {"Fn::GetAtt": ["FnNewVersionErrors", "Arn"]},
                                },
                            ]
                        }
                    }
                ]
            },
        },
        "FnNewVersionErrors": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "Namespace": "AWS/Lambda",
                "MetricName": "Errors",
                "Dimensions": [
                    {"Name": "FunctionName", "Value": {"Ref": "Fn"}},
                    {"Name": "Resource", "Value": {"Fn::Sub": "${Fn}:live"}},
                    {"Name": "ExecutedVersion", "Value": {"Fn::GetAtt": ["FnVersion", "Version"]}},
                ],
            },
        },
        "DlqAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Dlq", "QueueName"]}}],
                "AlarmActions": [{"Ref": "Topic"}],
            },
        },
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        },
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
            },
        },
        "FnAlias": {
            "Type": "AWS::Lambda::Alias",
            "UpdatePolicy": {"CodeDeployLambdaAliasUpdate": {"DeploymentGroupName": {"Ref": "FnDeploymentGroup"}}},
            "Properties": {"Name": "live", "FunctionName": {"Ref": "Fn"}},
        },
        "FnS3Permission": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Ref": "FnAlias"},
                "Principal": "s3.amazonaws.com",
                "SourceAccount": {"Ref": "AWS::AccountId"},
                "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-bucket"},
            },
        },
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": {"Ref": "TopicKey"}}},
        "TopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": "Topic"}],
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": "Topic"},
                            "Condition": {"ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"}}},
                        },
                        {"Effect": "Deny", "Action": "sns:*", "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                    ]
                },
            },
        },
        "TopicKey": {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Resource": "*",
                        },
                    ]
                },
            },
        },
        "BucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "Bucket"},
                "PolicyDocument": {
                    "Statement": [
                        {"Effect": "Deny", "Action": "s3:*", "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                    ]
                },
            },
        },
    }
}


def findings(template):
    return Rules(template).run()


def broken(mutate):
    template = copy.deepcopy(GOOD)
    mutate(template["Resources"])
    return findings(template)


def test_a_compliant_template_has_no_findings():
    assert findings(GOOD) == []


def test_a_wildcard_resource_is_a_finding_unless_the_action_requires_it():
    def widen(r):
        r["FnRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = "*"

    result = broken(widen)
    assert len(result) == 1 and result[0].startswith("SHOP001 FnRole") and "sqs:SendMessage" in result[0]


def test_a_justified_exception_is_not_a_finding():
    def widen_and_justify(r):
        r["FnRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = "*"
        r["FnRole"]["Metadata"] = {"shop-policy": {"skip": [{"id": "SHOP001", "reason": "test"}]}}

    assert broken(widen_and_justify) == []


def test_a_bucket_without_tls_only_policy_or_public_block_is_a_finding():
    result = broken(lambda r: r.pop("BucketPolicy"))
    assert [f.split(":")[0] for f in result] == ["SHOP002 Bucket"]
    result = broken(lambda r: r["Bucket"]["Properties"]["PublicAccessBlockConfiguration"].update(BlockPublicPolicy=False))
    assert "public access" in result[0]
    result = broken(lambda r: r["Bucket"]["Properties"].pop("BucketEncryption"))
    assert "BucketEncryption" in result[0]


def test_an_sqs_source_without_partial_failures_or_dlq_is_a_finding():
    result = broken(lambda r: r["Mapping"]["Properties"].pop("FunctionResponseTypes"))
    assert result == ["SHOP003 Mapping: SQS event source without FunctionResponseTypes: [ReportBatchItemFailures]"]
    result = broken(lambda r: r["Queue"]["Properties"].pop("RedrivePolicy"))
    assert result[0].startswith("SHOP003 Queue")


def test_a_dlq_without_alarm_is_a_finding():
    result = broken(lambda r: r.pop("DlqAlarm"))
    assert result == ["SHOP004 Dlq: is a dead-letter queue without an alarm (with AlarmActions) on its depth (ApproximateNumberOfMessagesVisible)"]


def test_an_unencrypted_queue_is_a_finding():
    result = broken(lambda r: r["Dlq"]["Properties"].pop("SqsManagedSseEnabled"))
    assert result[0].startswith("SHOP005 Dlq")


def test_a_queue_without_tls_only_policy_is_a_finding():
    result = broken(lambda r: r.pop("DlqPolicy"))
    assert result == ["SHOP005 Dlq: no queue policy denies requests without TLS (aws:SecureTransport false)"]
    result = broken(lambda r: r["QueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0].update(Effect="Allow"))
    assert result == ["SHOP005 Queue: no queue policy denies requests without TLS (aws:SecureTransport false)"]


def test_a_queue_depth_alarm_as_rollback_trigger_is_a_finding():
    def roll_back_on_dlq(r):
        r["FnDeploymentGroup"]["Properties"]["AlarmConfiguration"]["Alarms"].append({"Name": {"Ref": "DlqAlarm"}})

    result = broken(roll_back_on_dlq)
    assert len(result) == 1 and result[0].startswith("SHOP012 FnDeploymentGroup: rolls back on DlqAlarm")


def test_a_rollback_on_errors_of_every_version_is_a_finding():
    def roll_back_on_all_errors(r):
        r["FnDeploymentGroup"]["Properties"]["AlarmConfiguration"]["Alarms"] = [{"Name": {"Ref": "FnErrors"}}]
        r["FnErrors"]["Properties"]["Namespace"] = "AWS/Lambda"
        statement = r["FnDeploymentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][1]
        statement["Resource"] = {"Fn::GetAtt": ["FnErrors", "Arn"]}

    result = broken(roll_back_on_all_errors)
    assert result == [
        "SHOP012 FnDeploymentGroup: rolls back on FnErrors, which counts the replaced version's errors too; add the ExecutedVersion dimension"
    ]


def test_a_batch_function_rolling_back_on_errors_only_is_a_finding():
    def report_failures(r):
        r["Mapping"]["Properties"]["FunctionName"] = {"Ref": "FnAlias"}

    assert broken(report_failures) == [
        "SHOP014 Fn: reports failed records but rolls back on Lambda's Errors only; add a failure metric of the deployed version (version dimension) to its rollback alarm"
    ]


def test_a_rollback_alarm_reading_failures_of_the_version_is_not_a_finding():
    def report_and_count_failures(r):
        r["Mapping"]["Properties"]["FunctionName"] = {"Ref": "FnAlias"}
        errors = r["FnNewVersionErrors"]["Properties"]
        version = {"Fn::GetAtt": ["FnVersion", "Version"]}
        r["FnNewVersionErrors"]["Properties"] = {
            "Metrics": [
                {"Id": "errors", "MetricStat": {"Metric": {k: errors[k] for k in ("Namespace", "MetricName", "Dimensions")}}},
                {
                    "Id": "handled",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "Shop",
                            "MetricName": "HandledFailures",
                            "Dimensions": [{"Name": "function_name", "Value": {"Ref": "Fn"}}, {"Name": "version", "Value": version}],
                        }
                    },
                },
                {"Id": "failures", "Expression": "FILL(errors, 0) + FILL(handled, 0)"},
            ]
        }

    assert broken(report_and_count_failures) == []


def test_metric_math_rollback_alarms_are_checked_metric_by_metric():
    def all_versions_in_math(r):
        errors = r["FnNewVersionErrors"]["Properties"]
        metric = {k: errors[k] for k in ("Namespace", "MetricName")}
        metric["Dimensions"] = [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}]
        r["FnNewVersionErrors"]["Properties"] = {"Metrics": [{"Id": "errors", "MetricStat": {"Metric": metric}}]}

    assert broken(all_versions_in_math) == [
        "SHOP012 FnDeploymentGroup: rolls back on FnNewVersionErrors, which counts the replaced version's errors too; add the ExecutedVersion dimension"
    ]


def test_an_alarm_topic_without_its_own_policy_is_a_finding():
    assert broken(lambda r: r.pop("TopicPolicy")) == [
        "SHOP015 Topic: no topic policy denies requests without TLS (aws:SecureTransport false)",
        "SHOP015 Topic: no topic policy lets cloudwatch.amazonaws.com sns:Publish (for this account's alarms, aws:SourceArn)",
    ]


def test_an_alarm_topic_cloudwatch_may_publish_to_for_any_account_is_a_finding():
    def any_alarm(r):
        del r["TopicPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Condition"]

    assert broken(any_alarm) == [
        "SHOP015 Topic: lets cloudwatch.amazonaws.com publish without an aws:SourceArn condition (confused deputy)"
    ]


def test_dead_letters_of_destinations_need_a_depth_alarm_too():
    def on_failure_queue(r):
        r["Mapping"]["Properties"]["DestinationConfig"] = {"OnFailure": {"Destination": {"Fn::GetAtt": ["Failures", "Arn"]}}}
        r["Failures"] = {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": True}}
        r["FailuresPolicy"] = tls_only_queue_policy("Failures")

    assert broken(on_failure_queue) == [
        "SHOP004 Failures: is a dead-letter queue without an alarm (with AlarmActions) on its depth (ApproximateNumberOfMessagesVisible)"
    ]


def test_a_dlq_alarm_on_another_metric_is_a_finding():
    def count_deletes(r):
        r["DlqAlarm"]["Properties"]["MetricName"] = "NumberOfMessagesDeleted"

    assert broken(count_deletes) == [
        "SHOP004 Dlq: is a dead-letter queue without an alarm (with AlarmActions) on its depth (ApproximateNumberOfMessagesVisible)"
    ]


def test_an_s3_permission_without_source_account_is_a_finding():
    assert broken(lambda r: r["FnS3Permission"]["Properties"].pop("SourceAccount")) == [
        "SHOP009 FnS3Permission: lets s3.amazonaws.com invoke without a SourceAccount; a bucket ARN names no account"
    ]


def test_logging_everywhere_needs_a_boundary_that_caps_it():
    basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

    def unbounded(r):
        r["FnRole"]["Properties"]["ManagedPolicyArns"] = [basic]

    def bounded_but_not_logs(r):
        unbounded(r)
        r["FnRole"]["Properties"]["PermissionsBoundary"] = {"Ref": "FnBoundary"}
        r["FnBoundary"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {"PolicyDocument": {"Statement": [{"Effect": "Allow", "NotAction": "sqs:*", "Resource": "*"}]}},
        }

    def bounded(r):
        bounded_but_not_logs(r)
        r["FnBoundary"]["Properties"]["PolicyDocument"]["Statement"] = [
            {"Effect": "Allow", "NotAction": ["sqs:*", "logs:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": {"Fn::GetAtt": ["FnLogs", "Arn"]}},
        ]

    assert broken(unbounded) == [
        "SHOP008 FnRole: holds AWSLambdaBasicExecutionRole (Resource '*') without a PermissionsBoundary capping it"
    ]
    assert broken(bounded_but_not_logs) == [
        "SHOP008 FnRole: holds AWSLambdaBasicExecutionRole, and its boundary lets it log to every log group; cap logs at its own"
    ]
    assert broken(bounded) == []


def test_a_function_without_log_retention_or_errors_alarm_is_a_finding():
    assert broken(lambda r: r["FnLogs"]["Properties"].pop("RetentionInDays")) == ["SHOP006 FnLogs: has no RetentionInDays"]
    assert broken(lambda r: r.pop("FnErrors"))[0].startswith("SHOP007 Fn")
    assert broken(lambda r: r["Fn"]["Properties"].pop("LoggingConfig"))[0].startswith("SHOP006 Fn")


def test_a_wildcard_managed_policy_needs_a_permissions_boundary():
    def attach(r):
        r["FnRole"]["Properties"]["ManagedPolicyArns"] = [
            "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"
        ]

    assert broken(attach)[0].startswith("SHOP008 FnRole")

    def attach_stream_role(r):
        r["FnRole"]["Properties"]["ManagedPolicyArns"] = [
            "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"
        ]

    assert broken(attach_stream_role)[0].startswith("SHOP008 FnRole: holds AWSLambdaDynamoDBExecutionRole")

    def attach_bounded(r):
        attach(r)
        r["FnRole"]["Properties"]["PermissionsBoundary"] = {"Ref": "Boundary"}

    assert broken(attach_bounded) == []


def test_a_lambda_permission_without_source_arn_is_a_finding():
    result = broken(lambda r: r["FnS3Permission"]["Properties"].pop("SourceArn"))
    assert result == ["SHOP009 FnS3Permission: lets s3.amazonaws.com invoke without a SourceArn; name the bucket/rule/topic/API"]


def test_an_alarm_topic_cloudwatch_cannot_publish_to_is_a_finding():
    result = broken(lambda r: r["Topic"]["Properties"].update(KmsMasterKeyId="alias/aws/sns"))
    assert len(result) == 1 and result[0].startswith("SHOP010 Topic")
    result = broken(lambda r: r["TopicKey"]["Properties"]["KeyPolicy"]["Statement"].pop(1))
    assert len(result) == 1 and result[0].startswith("SHOP010 TopicKey") and "cloudwatch.amazonaws.com" in result[0]
    result = broken(lambda r: r["TopicKey"]["Properties"].pop("EnableKeyRotation"))
    assert result == ["SHOP010 TopicKey: has no EnableKeyRotation: true"]


def test_an_unencrypted_alarm_topic_is_not_a_finding_here():
    assert broken(lambda r: r["Topic"]["Properties"].pop("KmsMasterKeyId")) == []


def test_a_function_without_a_gradual_deployment_is_a_finding():
    result = broken(lambda r: r["FnAlias"].pop("UpdatePolicy"))
    assert result == ["SHOP011 Fn: has no alias deployed through CodeDeploy (AutoPublishAlias + DeploymentPreference)"]


def deployment_statements(r) -> list:
    return r["FnDeploymentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def test_a_deployment_group_under_the_role_sam_would_create_is_a_finding():
    # What SAM generates without DeploymentPreference.Role: one role for every group, holding
    # AWS's managed CodeDeploy policy.
    def sam_default(r):
        r["CodeDeployServiceRole"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda"]},
        }
        r["FnDeploymentGroup"]["Properties"]["ServiceRoleArn"] = {"Fn::GetAtt": ["CodeDeployServiceRole", "Arn"]}
        del r["FnDeploymentRole"]

    assert broken(sam_default) == [
        "SHOP013 CodeDeployServiceRole: holds managed policies (AWS's CodeDeploy ones allow Resource '*'); allow the function's alias and alarms inline only",
        "SHOP013 CodeDeployServiceRole: is not assumable by codedeploy.amazonaws.com alone, for this account (aws:SourceAccount) and its deployment groups (aws:SourceArn) only (confused deputy)",
    ]


def test_a_deployment_group_without_a_role_of_the_template_is_a_finding():
    result = broken(lambda r: r["FnDeploymentGroup"]["Properties"].pop("ServiceRoleArn"))
    assert result == [
        "SHOP013 FnDeploymentGroup: has no service role of this template; set DeploymentPreference.Role to one scoped to the function"
    ]


def test_a_deployment_role_allowed_on_another_function_is_a_finding():
    def widen(r):
        deployment_statements(r)[0]["Resource"].append({"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*"})

    result = broken(widen)
    assert len(result) == 1 and result[0].startswith("SHOP013 FnDeploymentRole: allows") and "function:*" in result[0]


def test_a_deployment_role_with_more_actions_than_a_deployment_needs_is_a_finding():
    result = broken(lambda r: deployment_statements(r)[0].update(Action="lambda:*"))
    assert result == ["SHOP013 FnDeploymentRole: allows lambda:*, which a Lambda deployment does not need"]


def test_a_deployment_role_with_not_resource_or_a_wildcard_branch_is_a_finding():
    def not_resource(r):
        statement = deployment_statements(r)[1]
        statement["NotResource"] = statement.pop("Resource")

    assert broken(not_resource) == ["SHOP013 FnDeploymentRole: allows with NotAction or NotResource; name the actions and resources"]

    def wildcard_branch(r):
        deployment_statements(r)[1]["Resource"] = {"Fn::If": ["IsDev", "*", {"Fn::GetAtt": ["FnNewVersionErrors", "Arn"]}]}

    result = broken(wildcard_branch)
    assert len(result) == 1 and result[0].startswith("SHOP013 FnDeploymentRole: allows {\"Fn::If\"")


def trust(r) -> dict:
    return r["FnDeploymentRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]


def test_a_deployment_role_any_caller_of_codedeploy_could_have_assumed_is_a_finding():
    unscoped = "SHOP013 FnDeploymentRole: is not assumable by codedeploy.amazonaws.com alone, for this account (aws:SourceAccount) and its deployment groups (aws:SourceArn) only (confused deputy)"
    any_account = "arn:aws:codedeploy:*:*:deploymentgroup:*"
    statements = lambda r: r["FnDeploymentRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]  # noqa: E731
    mutations = [
        lambda r: trust(r).pop("Condition"),
        lambda r: trust(r)["Condition"].pop("StringEquals"),
        lambda r: trust(r)["Condition"].pop("ArnLike"),
        lambda r: trust(r)["Condition"]["ArnLike"].update({"aws:SourceArn": "*"}),
        lambda r: trust(r)["Condition"]["ArnLike"].update({"aws:SourceArn": any_account}),
        lambda r: trust(r)["Condition"]["ArnLike"].update({"aws:SourceArn": {"Fn::Sub": any_account}}),
        lambda r: trust(r)["Condition"]["StringEquals"].update({"aws:SourceAccount": "*"}),
        # Negated, IfExists and set operators do not constrain the caller to these values.
        lambda r: trust(r)["Condition"].update(StringNotEquals=trust(r)["Condition"].pop("StringEquals")),
        lambda r: trust(r)["Condition"].update(ArnLikeIfExists=trust(r)["Condition"].pop("ArnLike")),
        lambda r: trust(r)["Condition"].update({"ForAnyValue:StringEquals": trust(r)["Condition"].pop("StringEquals")}),
        # Another principal, or a statement the rule cannot read.
        lambda r: trust(r).update(Principal="*"),
        lambda r: trust(r).update(Principal={"Service": "codedeploy.amazonaws.com", "AWS": "*"}),
        lambda r: statements(r).append({"Fn::If": ["IsDev", {"Effect": "Allow"}, {"Ref": "AWS::NoValue"}]}),
        # A second statement without the condition opens the role as much as none.
        lambda r: statements(r).append(
            {"Effect": "Allow", "Principal": {"Service": ["codedeploy.amazonaws.com"]}, "Action": "sts:AssumeRole"}
        ),
    ]
    for number, mutate in enumerate(mutations):
        assert (number, broken(mutate)) == (number, [unscoped])


def test_a_deployment_role_scoped_in_other_spellings_is_not_a_finding():
    def one_group(r):
        trust(r)["Principal"] = {"Service": ["codedeploy.amazonaws.com"]}
        trust(r)["Condition"] = {
            "StringEquals": {
                "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                "aws:SourceArn": {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:${App}/${Group}",
                        {"App": "shop", "Group": "orders"},
                    ]
                },
            }
        }

    assert broken(one_group) == []


def test_a_deployment_role_policy_attached_separately_is_checked_too():
    def attach(r):
        r["FnDeploymentExtra"] = {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "Roles": [{"Ref": "FnDeploymentRole"}],
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "cloudwatch:DescribeAlarms", "Resource": {"Fn::GetAtt": ["DlqAlarm", "Arn"]}}]},
            },
        }

    result = broken(attach)
    assert len(result) == 1 and "DlqAlarm" in result[0] and result[0].startswith("SHOP013 FnDeploymentRole")


def test_deployment_roles_in_other_spellings_are_not_findings():
    def respell(r):
        r["FnDeploymentGroup"]["Properties"]["ServiceRoleArn"] = {"Fn::GetAtt": "FnDeploymentRole.Arn"}
        r["FnDeploymentGroup"]["Properties"]["AlarmConfiguration"]["Alarms"].append({"Name": "an-alarm-by-name"})

    assert broken(respell) == []
