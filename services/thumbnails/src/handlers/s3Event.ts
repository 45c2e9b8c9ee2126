import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import type { Context, S3Event } from 'aws-lambda';
import { loadSharp } from '../adapters/loadSharp.js';
import { S3MediaStore } from '../adapters/S3MediaStore.js';
import { SharpImageRenderer } from '../adapters/SharpImageRenderer.js';
import { AWS_LIMITS, readConfig } from '../config.js';
import { createS3EventProcessor } from '../processS3Event.js';

// Cold start: config, clients and sharp once per execution environment.
const config = readConfig();
const logger = createLogger('thumbnails');
const metrics = new Metrics({ namespace: 'Shop', serviceName: 'thumbnails' });
const store = new S3MediaStore(createAwsClient(S3Client, 'S3', AWS_LIMITS.s3), {
  thumbnailsBucket: config.thumbnailsBucket,
  cacheControl: config.cacheControl,
});
const renderer = new SharpImageRenderer(loadSharp(), {
  maxPixels: config.maxSourcePixels,
  webpQuality: config.webpQuality,
});

const processEvent = createS3EventProcessor({
  sources: store,
  thumbnails: store,
  renderer,
  settings: { widths: config.widths, maxSourceBytes: config.maxSourceBytes },
  logger,
  metrics,
});

/** S3 notifications from UploadsBucket (ObjectCreated:* and ObjectRemoved:* under uploads/). */
export const handler = withDeadline(
  async (event: S3Event, context: Context): Promise<void> => {
    logger.addContext(context);
    await processEvent(event);
  },
  { marginMs: AWS_LIMITS.deadlineMarginMs },
);
