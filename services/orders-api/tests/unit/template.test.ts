import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HANDLED_FAILURES_METRIC } from '@shop/common/lambda';
import {
  dig,
  readTemplate,
  resourceProperties,
  rollbackAlarmProblems,
} from '@shop/testing/template';
import { describe, expect, it } from 'vitest';
import { BY_CREATED_AT_INDEX, ORDER_ENTITY } from '../../src/adapters/orderItems.js';
import { ROUTES } from '../../src/app/routes.js';
import {
  apiEnvironmentSchema,
  authorizerEnvironmentSchema,
  publisherEnvironmentSchema,
} from '../../src/config.js';
import { SERVICE } from '../../src/domain/constants.js';

const template = readTemplate();
const resource = (name: string) => {
  const found = template.Resources[name];
  if (!found) throw new Error(`template.yaml has no ${name}`);
  return { ...found, Properties: resourceProperties(name) };
};

const requiredVariables = (
  shape: Record<string, { safeParse(v: unknown): { success: boolean } }>,
) =>
  Object.entries(shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();

describe('template.yaml (orders-api)', () => {
  it('declares the resources other services rely on, by their fixed names', () => {
    // Act / Assess
    expect(resource('OrdersApi').Type).toBe('AWS::Serverless::HttpApi');
    expect(resource('OrdersApiFunction').Type).toBe('AWS::Serverless::Function');
    expect(resource('AuthorizerFunction').Type).toBe('AWS::Serverless::Function');
    expect(resource('OrdersTable').Type).toBe('AWS::DynamoDB::Table');
    expect(resource('OrderEventsPublisherFunction').Type).toBe('AWS::Serverless::Function');
    expect(resource('OrderEventsQueue').Type).toBe('AWS::SQS::Queue');
    expect(resource('OrderEventsDeadLetterQueue').Type).toBe('AWS::SQS::Queue');
    expect(resource('SigningKeySecret').Type).toBe('AWS::SecretsManager::Secret');
    expect(resource('CursorKeySecret').Type).toBe('AWS::SecretsManager::Secret');
    for (const output of [
      'ApiUrl',
      'OrdersTableName',
      'OrderEventsQueueUrl',
      'SigningSecretArn',
      'TokenCommand',
    ]) {
      expect(template.Outputs?.[output], output).toBeDefined();
    }
  });

  it("routes exactly the handler's routes to OrdersApiFunction, behind the authorizer", () => {
    // Prepare
    const events = dig(resource('OrdersApiFunction'), 'Properties', 'Events') as Record<
      string,
      unknown
    >;

    // Act
    const routes = Object.values(events).map((event) => {
      expect(dig(event, 'Type')).toBe('HttpApi');
      expect(dig(event, 'Properties', 'ApiId')).toEqual({ Ref: 'OrdersApi' });
      expect(dig(event, 'Properties', 'Auth')).toBeUndefined(); // no route opts out
      return `${dig(event, 'Properties', 'Method')} ${dig(event, 'Properties', 'Path')}`;
    });

    // Assess
    expect(routes.sort()).toEqual(Object.keys(ROUTES).sort());
    const auth = dig(resource('OrdersApi'), 'Properties', 'Auth');
    const name = dig(auth, 'DefaultAuthorizer') as string;
    expect(dig(auth, 'Authorizers', name)).toMatchObject({
      FunctionArn: { Ref: 'AuthorizerFunction.Alias' }, // the live alias, deployed gradually
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      // API Gateway answers 401 without the header and caches each token's answer.
      Identity: { Headers: ['Authorization'], ReauthorizeEvery: 300 },
    });
  });

  it('gives each function exactly the variables its config requires, from the bundles', () => {
    // Prepare
    const functions = [
      ['OrdersApiFunction', 'api', apiEnvironmentSchema.shape],
      ['AuthorizerFunction', 'authorizer', authorizerEnvironmentSchema.shape],
      ['OrderEventsPublisherFunction', 'publisher', publisherEnvironmentSchema.shape],
    ] as const;

    for (const [name, bundle, shape] of functions) {
      // Act
      const properties = resource(name).Properties;
      const variables = Object.keys(dig(properties, 'Environment', 'Variables') as object).sort();

      // Assess
      expect(variables, name).toEqual(requiredVariables(shape));
      expect(properties.CodeUri).toBe(`services/orders-api/dist/${bundle}/`);
      expect(properties.Handler).toBe('index.handler');
      const entry = fileURLToPath(new URL(`../../src/handlers/${bundle}.ts`, import.meta.url));
      expect(existsSync(entry)).toBe(true);
    }
  });

  it('scopes every permission to a single resource of this service', () => {
    // Prepare
    const apiPolicies = resource('OrdersApiFunction').Properties.Policies;
    const authorizerPolicies = resource('AuthorizerFunction').Properties.Policies;
    const signingKey = {
      AWSSecretsManagerGetSecretValuePolicy: { SecretArn: { Ref: 'SigningKeySecret' } },
    };
    const cursorKey = {
      AWSSecretsManagerGetSecretValuePolicy: { SecretArn: { Ref: 'CursorKeySecret' } },
    };

    // Act / Assess: the API writes DynamoDB only; no SQS, no deletes, no table scans.
    expect(apiPolicies).toEqual([
      {
        Statement: [
          {
            Sid: 'ReadWriteOrders',
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] },
          },
          {
            Sid: 'ListOrdersNewestFirst',
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: { 'Fn::Sub': `\${OrdersTable.Arn}/index/${BY_CREATED_AT_INDEX}` },
          },
          {
            Sid: 'IdempotencyRecords',
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
            ],
            Resource: { 'Fn::GetAtt': ['OrdersIdempotencyTable', 'Arn'] },
          },
        ],
      },
      cursorKey,
    ]);
    // Only the authorizer can read the key that signs tokens; the API reads its own key.
    expect(authorizerPolicies).toEqual([signingKey]);
    const apiVariables = dig(
      resource('OrdersApiFunction'),
      'Properties',
      'Environment',
      'Variables',
    );
    expect(apiVariables).toMatchObject({ CURSOR_SECRET_ID: { Ref: 'CursorKeySecret' } });
    expect(apiVariables).not.toHaveProperty('SIGNING_SECRET_ID');
    expect(resource('OrderEventsPublisherFunction').Properties.Policies).toEqual([
      { SQSSendMessagePolicy: { QueueName: { 'Fn::GetAtt': ['OrderEventsQueue', 'QueueName'] } } },
      {
        SQSSendMessagePolicy: {
          QueueName: { 'Fn::GetAtt': ['OrderEventsPublisherDeadLetterQueue', 'QueueName'] },
        },
      },
    ]);
  });

  it('keeps data encrypted and recoverable, and events redriven to an alarmed DLQ', () => {
    // Prepare
    const table = resource('OrdersTable').Properties;
    const queue = resource('OrderEventsQueue').Properties;
    const dlqAlarm = resource('OrderEventsDeadLetterQueueAlarm').Properties;

    // Act / Assess
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      VisibilityTimeout: 180,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['OrderEventsDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(resource('OrderEventsDeadLetterQueue').Properties).toMatchObject({
      FifoQueue: true, // a FIFO queue's DLQ must be FIFO
      SqsManagedSseEnabled: true,
    });
    expect(dlqAlarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    for (const secret of ['SigningKeySecret', 'CursorKeySecret']) {
      expect(resource(secret).Properties.GenerateSecretString).toEqual({
        PasswordLength: 64,
        ExcludePunctuation: true,
      });
    }
  });

  it('publishes events from the table stream: filtered, ordered, bounded, with a DLQ', () => {
    // Prepare
    const table = resource('OrdersTable').Properties;
    const stream = dig(
      resource('OrderEventsPublisherFunction'),
      'Properties',
      'Events',
      'OrdersStream',
    );
    const filters = (
      dig(stream, 'Properties', 'FilterCriteria', 'Filters') as { Pattern: string }[]
    ).map((filter) => JSON.parse(filter.Pattern));

    // Act / Assess
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.GlobalSecondaryIndexes).toBeUndefined(); // no hot outbox index
    expect(table.LocalSecondaryIndexes).toEqual([
      {
        IndexName: BY_CREATED_AT_INDEX,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(stream).toMatchObject({
      Type: 'DynamoDB',
      Properties: {
        Stream: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] },
        BisectBatchOnFunctionError: true,
        // Never give up on a record: a dropped OrderPlaced would let its OrderCancelled through;
        // but hand it to OnFailure an hour before the stream's 24 hours trim it unrecorded.
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: 82800,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: {
          OnFailure: {
            Type: 'SQS',
            Destination: { 'Fn::GetAtt': ['OrderEventsPublisherDeadLetterQueue', 'Arn'] },
          },
        },
      },
    });
    expect(filters).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: [ORDER_ENTITY] } } } },
      {
        eventName: ['MODIFY'],
        dynamodb: {
          OldImage: { status: { S: ['PLACED'] } },
          NewImage: { status: { S: ['CANCELLED'] } },
        },
      },
    ]);
    expect(resource('OrderEventsPublisherDeadLetterQueueAlarm').Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(template.Resources.OutboxRelayFunction).toBeUndefined();
  });

  it('gives every function a log group with retention and an Errors alarm', () => {
    for (const name of [
      'OrdersApiFunction',
      'AuthorizerFunction',
      'OrderEventsPublisherFunction',
    ]) {
      // Act
      const logGroup = dig(resource(name), 'Properties', 'LoggingConfig', 'LogGroup') as {
        Ref: string;
      };
      const alarm = resource(`${name}ErrorsAlarm`).Properties;

      // Assess
      expect(resource(logGroup.Ref).Properties.RetentionInDays).toEqual({
        Ref: 'LogRetentionInDays',
      });
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: name } }],
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
    }
  });

  it.each([
    ['OrdersApiFunction', '5xx answers'],
    ['OrderEventsPublisherFunction', 'records it reports as failed'],
  ])("rolls %s back on the new version's %s, not only on its errors", (functionId) => {
    // Assess: Lambda's Errors never counts an answered failure.
    expect(rollbackAlarmProblems(functionId, SERVICE.name, HANDLED_FAILURES_METRIC)).toEqual([]);
  });

  it('rolls the authorizer back on its errors only: a denial is an answer, not a failure', () => {
    // Act
    const problems = rollbackAlarmProblems(
      'AuthorizerFunction',
      SERVICE.name,
      HANDLED_FAILURES_METRIC,
    );

    // Assess
    expect(problems).toEqual([
      `AuthorizerFunction: no rollback alarm reads ${HANDLED_FAILURES_METRIC}`,
    ]);
  });
});
