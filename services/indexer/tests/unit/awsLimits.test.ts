import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { AwsDeadlineExceededError, createAwsClient, runWithDeadline } from '@shop/common/aws';
import { awsLimitsProblems, LOCAL_CLIENT_SETTINGS, stalledEndpoint } from '@shop/testing/awsLimits';
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../src/config.js';

describe('AWS_LIMITS', () => {
  it.each(['IndexerFunction', 'MediaApiFunction'])(
    'lets one call end before the invocation deadline, inside the timeout of %s',
    (functionLogicalId) => {
      expect(awsLimitsProblems(AWS_LIMITS, functionLogicalId)).toEqual([]);
    },
  );
});

describe('the catalog client', () => {
  it('ends a document-client call to a stalled DynamoDB at the deadline', async () => {
    // Prepare: a local endpoint that accepts and never answers
    const stalled = await stalledEndpoint();
    const client = DynamoDBDocumentClient.from(
      createAwsClient(DynamoDBClient, 'DynamoDB', {
        ...AWS_LIMITS.dynamodb,
        ...LOCAL_CLIENT_SETTINGS,
        endpoint: stalled.url,
        // A client timeout far from the 300 ms deadline: only the deadline can end the call
        // in time, even on a machine busy enough to stretch the first call.
        requestTimeoutMs: 10_000,
        maxAttempts: 1,
      }),
    );
    const started = performance.now();

    // Act
    const error = await runWithDeadline(Date.now() + 300, () =>
      client.send(new GetCommand({ TableName: 'media', Key: { pk: 'p', sk: 's' } })),
    ).catch((caught: unknown) => caught);

    // Assess
    const elapsedMs = performance.now() - started;
    stalled.close();
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect(stalled.requests).toBeLessThanOrEqual(1);
    expect(elapsedMs).toBeLessThan(5_000);
  });
});
