import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@shop/common/logger';
import type { S3Event } from 'aws-lambda';
import { METRICS, ROUTINE_SKIP_REASONS, SKIP_REASON_DIMENSION } from '../domain/constants.js';
import { type CreateThumbnailsDeps, createThumbnails } from '../domain/createThumbnails.js';
import { deleteThumbnails } from '../domain/deleteThumbnails.js';
import type { SkipReason } from '../domain/skipReasons.js';
import { parseS3Event, type S3Change } from './s3Changes.js';

/** What the S3 event handler needs: the use cases' ports and settings, plus telemetry. */
export interface S3EventHandlerDeps extends CreateThumbnailsDeps {
  logger: Logger;
  metrics: Metrics;
}

/** Thrown after every record ran when at least one failed for a retryable reason. */
export class RecordsFailedError extends AggregateError {
  constructor(errors: unknown[], total: number) {
    // The first cause in the message: Lambda's error line for the invocation then says why
    // (e.g. sharp missing from the layer, now that sharp loads with the first image).
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
    super(
      errors,
      `${errors.length} of ${total} record(s) failed; the invocation will be retried (first: ${first.slice(0, 300)})`,
    );
    this.name = 'RecordsFailedError';
  }
}

const skip = (deps: S3EventHandlerDeps, reason: SkipReason, fields: Record<string, unknown>) => {
  // One line per skipped record, naming the reason.
  const log = ROUTINE_SKIP_REASONS.has(reason) ? deps.logger.info : deps.logger.warn;
  log.call(deps.logger, 'thumbnails skipped', { reason, ...fields });
  // Emitted on its own line: one metric per reason, as a dimension.
  const metric = deps.metrics.singleMetric();
  metric.addDimension(SKIP_REASON_DIMENSION, reason);
  metric.addMetric(METRICS.skipped, MetricUnit.Count, 1);
};

const apply = async (deps: S3EventHandlerDeps, change: S3Change): Promise<void> => {
  if (change.action === 'ignored') {
    deps.logger.warn('record ignored', { problem: change.problem });
    return;
  }
  if (change.action === 'removed') {
    const result = await deleteThumbnails(change, deps);
    if (result.status === 'skipped') return skip(deps, result.reason, {});
    deps.logger.info('thumbnails deleted', { thumbnails: result.keys });
    deps.metrics.addMetric(METRICS.deleted, MetricUnit.Count, result.keys.length);
    return;
  }
  const { action: _action, eventName: _eventName, ...object } = change;
  const result = await createThumbnails(object, deps);
  if (result.status === 'skipped') {
    const { status: _status, reason, ...details } = result;
    return skip(deps, reason, details);
  }
  deps.logger.info('thumbnails created', {
    etag: result.etag,
    sourceBytes: result.sourceBytes,
    thumbnails: result.thumbnails,
  });
  deps.metrics.addMetric(METRICS.created, MetricUnit.Count, result.thumbnails.length);
};

/** The log keys of one record: every line written while it runs carries them. */
const recordKeys = (change: S3Change): Record<string, string> =>
  change.action === 'ignored'
    ? { eventName: change.eventName }
    : {
        eventName: change.eventName,
        bucket: change.bucket,
        key: change.key,
        ...(change.sequencer === undefined ? {} : { sequencer: change.sequencer }),
      };

/**
 * The handler of ThumbnailsFunction's S3 notifications (ObjectCreated:* and ObjectRemoved:*
 * under `uploads/`): every record, one after the other (one image in memory at a time), each
 * with its object key and sequencer in the log keys. Bad input is skipped (one log line, one
 * metric, a `skipped` outcome); an infrastructure error fails only its record, the others still
 * run, and the invocation then throws {@link RecordsFailedError} so Lambda retries it
 * (idempotency makes the records that succeeded cheap to see again). Metrics are flushed by
 * `lambdaHandler`.
 *
 * @example
 * export const handler = lambdaHandler(createS3EventHandler(deps), { logger, metrics, ... });
 */
export const createS3EventHandler =
  (deps: S3EventHandlerDeps) =>
  async (event: S3Event): Promise<void> => {
    const changes = parseS3Event(event);
    const failures: unknown[] = [];
    for (const change of changes) {
      const keys = recordKeys(change);
      deps.logger.appendKeys(keys);
      try {
        await apply(deps, change);
      } catch (error) {
        failures.push(error);
        deps.logger.error('record failed', { action: change.action, error: error as Error });
      } finally {
        deps.logger.removeKeys(Object.keys(keys));
      }
    }
    if (failures.length > 0) throw new RecordsFailedError(failures, changes.length);
  };
