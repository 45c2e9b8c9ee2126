import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, lambdaContext, validOrderBody } from '../support/fixtures.js';
import { KEY_1, signToken } from '../support/tokens.js';

// The real entry points, wired from the environment, with the AWS SDK mocked.

const env = {
  ORDERS_TABLE_NAME: 'orders-table',
  IDEMPOTENCY_TABLE_NAME: 'orders-idempotency',
  ORDER_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/order-events.fifo',
  PUBLISHER_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/publisher-dlq',
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
    stubEnv({ ...env, ORDERS_TABLE_NAME: '', IDEMPOTENCY_TABLE_NAME: '' });

    // Act / Assess
    await expect(import('../../src/handlers/api.js')).rejects.toThrow(
      /ORDERS_TABLE_NAME is required but not set; IDEMPOTENCY_TABLE_NAME is required but not set/,
    );
  });

  it('places an order with one conditional put, and never calls SQS', async () => {
    // Prepare
    stubEnv(env);
    const dynamo = mockClient(DynamoDBDocumentClient);
    const sqs = mockClient(SQSClient);
    dynamo.on(PutCommand).resolves({});
    const { handler } = await import('../../src/handlers/api.js');

    // Act
    const response = await handler(
      apiEvent('POST /orders', { body: validOrderBody() }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(201);
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'orders-table',
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(sqs.calls()).toHaveLength(0);
    dynamo.restore();
    sqs.restore();
  });

  it('publishes a stream record to the FIFO queue', async () => {
    // Prepare
    stubEnv(env);
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const { handler } = await import('../../src/handlers/publisher.js');
    const event = JSON.parse(
      readFileSync(
        new URL('../../../../events/orders-api/publisherOrderPlaced.json', import.meta.url),
        'utf8',
      ),
    );

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sqs).toHaveReceivedCommandWith(SendMessageBatchCommand, {
      QueueUrl: env.ORDER_EVENTS_QUEUE_URL,
    });
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
      context: { customerId: 'cust-ada' },
    });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'signing-key' });
    secrets.restore();
  });
});
