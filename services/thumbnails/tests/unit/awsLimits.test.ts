import { S3Client } from '@aws-sdk/client-s3';
import { AwsDeadlineExceededError, createAwsClient } from '@shop/common/aws';
import { awsLimitsProblems, LOCAL_CLIENT_SETTINGS, stalledEndpoint } from '@shop/testing/awsLimits';
import { captureOutput } from '@shop/testing/capturedOutput';
import { lambdaContext } from '@shop/testing/lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordsFailedError } from '../../src/app/createS3EventHandler.js';
import { AWS_LIMITS } from '../../src/config.js';
import { thumbnailsHandler } from '../support/handler.js';
import { s3Event } from '../support/s3Events.js';

afterEach(() => vi.unstubAllEnvs());

describe('AWS_LIMITS', () => {
  it("lets one S3 call end before the invocation deadline, inside ThumbnailsFunction's timeout", () => {
    expect(awsLimitsProblems(AWS_LIMITS, 'ThumbnailsFunction')).toEqual([]);
  });

  it('ends an invocation whose S3 stalls at the deadline, not at the function timeout', async () => {
    // Prepare: an S3 that never answers; 1 s left for AWS calls
    const output = captureOutput();
    const stalled = await stalledEndpoint();
    const s3 = createAwsClient(S3Client, 'S3', {
      ...AWS_LIMITS.s3,
      ...LOCAL_CLIENT_SETTINGS,
      endpoint: stalled.url,
      forcePathStyle: true, // a bucket name cannot prefix 127.0.0.1
    });
    const handler = thumbnailsHandler({ THUMBNAILS_BUCKET: 'thumbs' }, s3);
    const remaining = AWS_LIMITS.deadlineMarginMs + 1_000;
    const started = Date.now();

    // Act
    const error = await handler(
      s3Event({ bucket: 'uploads', key: 'uploads/p-1/a.jpg', eTag: 'e1' }),
      lambdaContext({ timeoutMs: remaining }),
    ).catch((caught: unknown) => caught);
    stalled.close();
    output.restore();

    // Assess
    expect(error).toBeInstanceOf(RecordsFailedError);
    expect((error as RecordsFailedError).errors).toEqual([expect.any(AwsDeadlineExceededError)]);
    expect(stalled.requests).toBe(1);
    expect(Date.now() - started).toBeLessThan(AWS_LIMITS.s3.requestTimeoutMs);
  });
});
