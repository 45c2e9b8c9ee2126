import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@shop/common/logger';
import { type CreateThumbnailsDeps, createThumbnails } from './domain/createThumbnails.js';
import { deleteThumbnails } from './domain/deleteThumbnails.js';
import { SKIP_REASONS, type SkipReason } from './domain/skipReasons.js';
import type { S3Change } from './s3Changes.js';
import { parseS3Event } from './s3Changes.js';

export interface S3EventProcessorDeps extends CreateThumbnailsDeps {
  settings: { widths: readonly number[]; maxSourceBytes: number };
  logger: Logger;
  metrics: Metrics;
}

/** Metric names (namespace `Shop`, service `thumbnails`). */
export const METRICS = {
  created: 'ThumbnailsCreated',
  skipped: 'ThumbnailsSkipped',
  deleted: 'ThumbnailsDeleted',
} as const;

// Reasons that are normal operation rather than bad input: logged at info, not warn.
const BENIGN: ReadonlySet<SkipReason> = new Set([
  SKIP_REASONS.unchanged,
  SKIP_REASONS.superseded,
  SKIP_REASONS.sourceExists,
  SKIP_REASONS.sourceMissing,
]);

/** Thrown after every record ran when at least one failed for a retryable reason. */
export class RecordsFailedError extends AggregateError {
  constructor(errors: unknown[], total: number) {
    super(errors, `${errors.length} of ${total} record(s) failed; the invocation will be retried`);
    this.name = 'RecordsFailedError';
  }
}

const skip = (deps: S3EventProcessorDeps, reason: SkipReason, fields: Record<string, unknown>) => {
  // One line per skipped record, naming the reason.
  const log = BENIGN.has(reason) ? deps.logger.info : deps.logger.warn;
  log.call(deps.logger, 'thumbnails skipped', { reason, ...fields });
  const metric = deps.metrics.singleMetric();
  metric.addDimension('reason', reason);
  metric.addMetric(METRICS.skipped, MetricUnit.Count, 1);
};

const apply = async (deps: S3EventProcessorDeps, change: S3Change): Promise<void> => {
  if (change.action === 'ignored') {
    deps.logger.warn('record ignored', { eventName: change.eventName, problem: change.problem });
    return;
  }
  const fields = { eventName: change.eventName, bucket: change.bucket, key: change.key };
  if (change.action === 'removed') {
    const result = await deleteThumbnails(change, deps, deps.settings);
    if (result.status === 'skipped') return skip(deps, result.reason, fields);
    deps.logger.info('thumbnails deleted', { ...fields, thumbnails: result.keys });
    deps.metrics.addMetric(METRICS.deleted, MetricUnit.Count, result.keys.length);
    return;
  }
  const result = await createThumbnails(
    {
      bucket: change.bucket,
      key: change.key,
      ...(change.sequencer === undefined ? {} : { sequencer: change.sequencer }),
    },
    deps,
    deps.settings,
  );
  if (result.status === 'skipped') {
    const { status: _status, reason, ...details } = result;
    return skip(deps, reason, { ...fields, ...details });
  }
  deps.logger.info('thumbnails created', {
    ...fields,
    etag: result.etag,
    sourceBytes: result.sourceBytes,
    thumbnails: result.thumbnails,
  });
  deps.metrics.addMetric(METRICS.created, MetricUnit.Count, result.thumbnails.length);
};

/**
 * Process every record of an S3 notification, one after the other (one image in memory at a
 * time). Bad input is skipped inside `apply`; an infrastructure error fails only its record,
 * the others still run, and the invocation then throws so Lambda retries it (idempotency
 * makes the records that succeeded cheap to see again). Metrics are flushed every time.
 *
 * @example
 * const process = createS3EventProcessor(deps);
 * await process(event);
 */
export const createS3EventProcessor =
  (deps: S3EventProcessorDeps) =>
  async (event: unknown): Promise<void> => {
    const changes = parseS3Event(event);
    const failures: unknown[] = [];
    try {
      for (const change of changes) {
        try {
          await apply(deps, change);
        } catch (error) {
          failures.push(error);
          deps.logger.error('record failed', { ...change, error: error as Error });
        }
      }
    } finally {
      // Skips are emitted on their own (one metric per reason); flush the rest, if any.
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
    if (failures.length > 0) throw new RecordsFailedError(failures, changes.length);
  };
