import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { LazyImageRenderer } from '../adapters/LazyImageRenderer.js';
import { loadSharp } from '../adapters/loadSharp.js';
import { S3MediaStore } from '../adapters/S3MediaStore.js';
import { SharpImageRenderer } from '../adapters/SharpImageRenderer.js';
import { createS3EventHandler } from '../app/createS3EventHandler.js';
import { AWS_LIMITS, loadThumbnailsConfig } from '../config.js';

// ThumbnailsFunction: S3 notifications from UploadsBucket -> WebP thumbnails + outcome.json.
const config = loadThumbnailsConfig();
const logger = createLogger('thumbnails');
const metrics = new Metrics({ namespace: 'Shop', serviceName: 'thumbnails' });
const store = new S3MediaStore(createAwsClient(S3Client, 'S3', AWS_LIMITS.s3), config);
const sharpOptions = { maxPixels: config.maxSourcePixels, webpQuality: config.webpQuality };
// sharp's native module loads with the first image, not at cold start.
const renderer = new LazyImageRenderer(() => new SharpImageRenderer(loadSharp(), sharpOptions));
const ports = { sources: store, thumbnails: store, renderer, logger, metrics };

export const handler = lambdaHandler(createS3EventHandler({ ...ports, ...config }), {
  logger,
  metrics,
  correlationId: CORRELATION_IDS.s3,
  deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
});
