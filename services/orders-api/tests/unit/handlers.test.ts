import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '@shop/testing/lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storedOrderToItem } from '../../src/adapters/orderItems.js';
import { apiEvent, customer, sampleOrder, validOrderBody } from '../support/fixtures.js';
import { KEY_1, signToken } from '../support/tokens.js';

// The real entry points, wired from the environment, with the AWS SDK mocked.

// Counts the Secrets Manager clients made: the API makes one only for its first cursor.
const made = vi.hoisted(() => ({ secretsManagerClients: 0 }));
vi.mock('@aws-sdk/client-secrets-manager', async (importOriginal) => {
  const sdk = await importOriginal<typeof import('@aws-sdk/client-secrets-manager')>();
  class CountedSecretsManagerClient extends sdk.SecretsManagerClient {
    constructor(...args: ConstructorParameters<typeof sdk.SecretsManagerClient>) {
      super(...args);
      made.secretsManagerClients += 1;
    }
  }
  return { ...sdk, SecretsManagerClient: CountedSecretsManagerClient };
});

const orderItem = (orderId: string) =>
  storedOrderToItem({ order: sampleOrder(orderId), customerEmail: customer.email });

const env = {
  ORDERS_TABLE_NAME: 'orders-table',
  IDEMPOTENCY_TABLE_NAME: 'orders-idempotency',
  ORDER_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/order-events.fifo',
  PUBLISHER_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/publisher-dlq',
  SIGNING_SECRET_ID: 'signing-key',
  CURSOR_SECRET_ID: 'cursor-key',
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

  it('makes its Secrets Manager client only when a listing page needs a cursor, for the cursor key', async () => {
    // Prepare
    stubEnv(env);
    made.secretsManagerClients = 0;
    const dynamo = mockClient(DynamoDBDocumentClient);
    const secrets = mockClient(SecretsManagerClient);
    dynamo.on(PutCommand).resolves({});
    dynamo.on(QueryCommand).resolves({
      Items: [orderItem('01JNR8W3D2C6VQ5B2T0Y8M4K1B'), orderItem('01JNR8W3D2C6VQ5B2T0Y8M4K1A')],
    });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY_1 });
    const { handler } = await import('../../src/handlers/api.js');

    // Act
    const atInit = made.secretsManagerClients;
    const placed = await handler(
      apiEvent('POST /orders', { body: validOrderBody() }),
      lambdaContext(),
    );
    const afterPlacing = made.secretsManagerClients;
    const page = await handler(apiEvent('GET /orders', { query: { limit: '1' } }), lambdaContext());

    // Assess
    expect([atInit, afterPlacing]).toEqual([0, 0]);
    expect(placed.statusCode).toBe(201);
    expect(page.statusCode).toBe(200);
    expect(JSON.parse(page.body ?? '{}').nextCursor).toEqual(expect.any(String));
    expect(made.secretsManagerClients).toBe(1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'cursor-key' });
    expect(secrets).not.toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'signing-key',
    });
    dynamo.restore();
    secrets.restore();
  });
});
