import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, lambdaContext, validOrderBody } from '../support/fixtures.js';
import { KEY_1, signToken } from '../support/tokens.js';

// The real entry points, wired from the environment, with the AWS SDK mocked.

const env = {
  ORDERS_TABLE_NAME: 'orders-table',
  ORDER_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/order-events',
  SIGNING_SECRET_ID: 'signing-key',
  JWT_ISSUER: 'shop-auth',
  JWT_AUDIENCE: 'shop-orders-api',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const stubEnv = (values: Record<string, string>) => {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
};

describe('handler entry points', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails at cold start naming every missing variable', async () => {
    // Prepare
    stubEnv({ ...env, ORDERS_TABLE_NAME: '', ORDER_EVENTS_QUEUE_URL: '' });

    // Act / Assess
    await expect(import('../../src/handlers/api.js')).rejects.toThrow(
      /ORDERS_TABLE_NAME is required but not set; ORDER_EVENTS_QUEUE_URL is required but not set/,
    );
  });

  it('places an order through DynamoDB and SQS', async () => {
    // Prepare
    stubEnv(env);
    const dynamo = mockClient(DynamoDBDocumentClient);
    const sqs = mockClient(SQSClient);
    const stored: Record<string, unknown>[] = [];
    dynamo.on(PutCommand).callsFake((input) => {
      stored.push(input.Item);
      return {};
    });
    dynamo.on(GetCommand).callsFake(() => ({ Item: stored.at(-1) }));
    dynamo.on(UpdateCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const { handler } = await import('../../src/handlers/api.js');

    // Act
    const response = await handler(
      apiEvent('POST /orders', { body: validOrderBody() }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(201);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: env.ORDER_EVENTS_QUEUE_URL,
    });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, { TableName: 'orders-table' });
    dynamo.restore();
    sqs.restore();
  });

  it('verifies tokens against the signing secret', async () => {
    // Prepare
    stubEnv(env);
    const secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: 'signing-key' })
      .resolves({ SecretString: KEY_1 });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'signing-key', VersionStage: 'AWSPREVIOUS' })
      .rejects(Object.assign(new Error('no previous'), { name: 'ResourceNotFoundException' }));
    const { handler } = await import('../../src/handlers/authorizer.js');
    const authorization = `Bearer ${await signToken(KEY_1)}`;

    // Act
    const result = await handler(
      { type: 'REQUEST', headers: { authorization }, routeArn: 'arn' } as never,
      lambdaContext(),
    );

    // Assess
    expect(result).toMatchObject({
      isAuthorized: true,
      context: { authenticated: true, customerId: 'cust-ada' },
    });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'signing-key' });
    secrets.restore();
  });
});
