import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { LOCAL_CLIENT_SETTINGS } from '@shop/testing/awsLimits';
import { vi } from 'vitest';
import { loadSharp } from '../../src/adapters/loadSharp.js';
import { S3MediaStore } from '../../src/adapters/S3MediaStore.js';
import { SharpImageRenderer } from '../../src/adapters/SharpImageRenderer.js';
import { createS3EventHandler } from '../../src/app/createS3EventHandler.js';
import { AWS_LIMITS, loadThumbnailsConfig } from '../../src/config.js';

/**
 * ThumbnailsFunction wired as src/handlers/s3Event.ts wires it (config from `env`, the S3 store,
 * sharp, `lambdaHandler` with the S3 correlation id), with a logger at INFO and metrics on, so
 * tests read every log line and EMF metric. `s3` defaults to a client for a local endpoint
 * (aws-sdk-client-mock replaces its `send` in unit tests).
 *
 * @example
 * const handler = thumbnailsHandler({ THUMBNAILS_BUCKET: 'thumbs' });
 * await handler(s3Event({ bucket, key }), lambdaContext());
 */
export const thumbnailsHandler = (
  env: Record<string, string>,
  s3: S3Client = new S3Client(LOCAL_CLIENT_SETTINGS),
) => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const config = loadThumbnailsConfig(env);
  const logger = createLogger('thumbnails', { logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'Shop', serviceName: 'thumbnails' });
  const store = new S3MediaStore(s3, config);
  const renderer = new SharpImageRenderer(loadSharp(), {
    maxPixels: config.maxSourcePixels,
    webpQuality: config.webpQuality,
  });
  const { widths, maxSourceBytes } = config;
  return lambdaHandler(
    createS3EventHandler({
      sources: store,
      thumbnails: store,
      renderer,
      widths,
      maxSourceBytes,
      logger,
      metrics,
    }),
    {
      logger,
      metrics,
      correlationId: CORRELATION_IDS.s3,
      deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
    },
  );
};
