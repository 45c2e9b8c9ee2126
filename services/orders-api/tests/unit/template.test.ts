import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PENDING_EVENTS_INDEX } from '../../src/adapters/orderItems.js';
import { apiConfigSchema, authorizerConfigSchema, relayConfigSchema } from '../../src/config.js';
import { ROUTES } from '../../src/http/routes.js';
import { dig, readTemplate } from '../support/template.js';

const template = readTemplate();
const resource = (name: string) => {
  const found = template.Resources[name];
  if (!found) throw new Error(`template.yaml has no ${name}`);
  return found;
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
    expect(resource('OrderEventsQueue').Type).toBe('AWS::SQS::Queue');
    expect(resource('OrderEventsDeadLetterQueue').Type).toBe('AWS::SQS::Queue');
    expect(resource('SigningKeySecret').Type).toBe('AWS::SecretsManager::Secret');
    for (const output of [
      'ApiUrl',
      'OrdersTableName',
      'OrderEventsQueueUrl',
      'SigningSecretArn',
      'TokenCommand',
    ]) {
      expect(template.Outputs[output], output).toBeDefined();
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
      FunctionArn: { 'Fn::GetAtt': ['AuthorizerFunction', 'Arn'] },
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      Identity: { ReauthorizeEvery: 0 },
    });
  });

  it('gives each function exactly the variables its config requires, from the bundles', () => {
    // Prepare
    const functions = [
      ['OrdersApiFunction', 'api', apiConfigSchema.shape],
      ['AuthorizerFunction', 'authorizer', authorizerConfigSchema.shape],
      ['OutboxRelayFunction', 'outboxRelay', relayConfigSchema.shape],
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
    const secret = {
      AWSSecretsManagerGetSecretValuePolicy: { SecretArn: { Ref: 'SigningKeySecret' } },
    };

    // Act / Assess
    expect(apiPolicies).toEqual([
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:Query',
            ],
            Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] },
          },
        ],
      },
      { SQSSendMessagePolicy: { QueueName: { 'Fn::GetAtt': ['OrderEventsQueue', 'QueueName'] } } },
      secret,
    ]);
    expect(authorizerPolicies).toEqual([secret]);
    expect(resource('OutboxRelayFunction').Properties.Policies).toEqual([
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's !Sub syntax
            Resource: { 'Fn::Sub': '${OrdersTable.Arn}/index/PendingEvents' },
          },
        ],
      },
      { SQSSendMessagePolicy: { QueueName: { 'Fn::GetAtt': ['OrderEventsQueue', 'QueueName'] } } },
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
      VisibilityTimeout: 180,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['OrderEventsDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(resource('OrderEventsDeadLetterQueue').Properties.SqsManagedSseEnabled).toBe(true);
    expect(dlqAlarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(resource('SigningKeySecret').Properties.GenerateSecretString).toEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
  });

  it('runs the outbox relay on a schedule over the sparse PendingEvents index', () => {
    // Prepare
    const relay = resource('OutboxRelayFunction').Properties;
    const indexes = resource('OrdersTable').Properties.GlobalSecondaryIndexes;

    // Act / Assess
    expect(dig(relay, 'Events', 'EveryMinute')).toEqual({
      Type: 'Schedule',
      Properties: expect.objectContaining({ Schedule: 'rate(1 minute)' }),
    });
    expect(indexes).toEqual([
      {
        IndexName: PENDING_EVENTS_INDEX,
        KeySchema: [
          { AttributeName: 'outboxKey', KeyType: 'HASH' },
          { AttributeName: 'outboxSince', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('gives every function a log group with retention and an Errors alarm', () => {
    for (const name of ['OrdersApiFunction', 'AuthorizerFunction', 'OutboxRelayFunction']) {
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
});
