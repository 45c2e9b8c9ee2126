import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AwsCallLimits,
  AwsDeadlineExceededError,
  createAwsClient,
  runWithDeadline,
  worstCaseCallMs,
} from '@shop/common/aws';
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../src/config.js';

/** IndexerFunction's Timeout in template.yaml, in milliseconds. */
const timeoutMs = (): number => {
  const template = readFileSync(new URL('../../../../template.yaml', import.meta.url), 'utf8');
  const resource = template
    .split(/\n {2}(?=\w+:\n)/)
    .find((block) => block.startsWith('IndexerFunction:'));
  return 1_000 * Number(resource?.match(/\n {6}Timeout: (\d+)/)?.[1]);
};

describe('AWS_LIMITS', () => {
  it('lets one call end before the invocation deadline, inside the function timeout', () => {
    // Prepare
    const { deadlineMarginMs, ...clients } = AWS_LIMITS;
    const budgetMs = timeoutMs() - deadlineMarginMs;

    // Assess
    expect(budgetMs).toBeGreaterThan(0);
    expect(deadlineMarginMs).toBeGreaterThanOrEqual(1_000);
    for (const client of Object.values(clients) as AwsCallLimits[]) {
      expect(worstCaseCallMs(client)).toBeLessThan(budgetMs);
    }
  });
});

describe('the catalog client', () => {
  it('ends a document-client call to a stalled DynamoDB at the deadline', async () => {
    // Prepare: a local endpoint that accepts and never answers
    let requests = 0;
    const server = createServer(() => {
      requests += 1;
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = DynamoDBDocumentClient.from(
      createAwsClient(DynamoDBClient, 'DynamoDB', {
        ...AWS_LIMITS.dynamodb,
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      }),
    );
    const started = performance.now();

    // Act
    const error = await runWithDeadline(Date.now() + 300, () =>
      client.send(new GetCommand({ TableName: 'media', Key: { pk: 'p', sk: 's' } })),
    ).catch((caught: unknown) => caught);

    // Assess
    const elapsedMs = performance.now() - started;
    server.closeAllConnections();
    server.close();
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect(requests).toBeLessThanOrEqual(1);
    expect(elapsedMs).toBeLessThan(AWS_LIMITS.dynamodb.requestTimeoutMs);
  });
});
