import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { batchOutcome } from './streamEvents.js';

/** How a mapping handles failures (the event source mapping's settings). */
export interface StreamDeliveryConfig {
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the records expire. */
  maximumRetryAttempts: number;
  /** -1: no limit. */
  maximumRecordAgeSeconds: number;
  /** Pause before each retry. */
  retryDelayMs: number;
}

/** One invocation's result, as the delivery needs it. */
export interface StreamInvokeResult {
  ok: boolean;
  payload?: string | undefined;
  requestId: string;
  error?: { errorType?: string } | undefined;
}

/** Why records were discarded, for the on-failure destination. */
export interface DiscardInfo {
  condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  approximateInvokeCount: number;
  requestId: string;
  functionError?: string;
}

/** What the delivery calls out to (the poller wires the function pool and SQS; tests, fakes). */
export interface StreamDeliveryDeps {
  invoke(records: StreamRecord[]): Promise<StreamInvokeResult>;
  discard(records: StreamRecord[], info: DiscardInfo): Promise<void>;
  /** After each invocation: how many records, and how many of them failed. */
  delivered?(records: StreamRecord[], failed: number): void;
  /** A step failed for the runner's own reason (the destination unreachable): it is retried. */
  stepFailed?(error: Error): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  aborted(): boolean;
}

interface Part {
  records: StreamRecord[];
  /** Retries so far (a bisection counts as a retry of both halves). */
  attempts: number;
  /** Invocations that carried these records. */
  invokes: number;
  lastRequestId?: string;
  lastError?: string;
}

const sequence = (record: StreamRecord) => record.dynamodb?.SequenceNumber ?? '';
/** When a record was written (epoch ms); a record without the time counts as newest. */
export const createdMs = (record: StreamRecord) =>
  record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Number.POSITIVE_INFINITY;

/**
 * Run a step until it succeeds (or the poller stops: `undefined`). A step failing is the
 * runner's problem, not the function's: it is retried where it stands, so the records before it
 * are not invoked again and the retry counts go on (Lambda never re-sends what it has
 * checkpointed).
 */
const untilDone = async <T>(
  step: () => Promise<T>,
  config: StreamDeliveryConfig,
  deps: StreamDeliveryDeps,
): Promise<{ value: T } | undefined> => {
  while (!deps.aborted()) {
    try {
      return { value: await step() };
    } catch (error) {
      if (deps.aborted()) break;
      deps.stepFailed?.(error as Error);
      await deps.sleep(config.retryDelayMs);
    }
  }
  return undefined;
};

/**
 * Deliver one batch of a shard, in order, as Lambda does for stream event sources: a failed
 * batch is retried before anything after it (MaximumRetryAttempts, then discarded to the
 * on-failure destination); ReportBatchItemFailures resumes from the lowest reported record;
 * BisectBatchOnFunctionError splits a failing batch in two and delivers the halves in order;
 * records older than MaximumRecordAgeInSeconds are discarded before an invocation. Resolves
 * once every record has succeeded or been discarded (or the poller stops); never rejects: an
 * invocation or a discard that throws is retried in place ({@link untilDone}).
 */
export const deliverStreamBatch = async (
  records: StreamRecord[],
  config: StreamDeliveryConfig,
  deps: StreamDeliveryDeps,
): Promise<void> => {
  const pending: Part[] = [{ records, attempts: 0, invokes: 0 }];
  while (pending.length > 0 && !deps.aborted()) {
    const part = pending[0] as Part;
    if (config.maximumRecordAgeSeconds >= 0) {
      const oldest = deps.now() - config.maximumRecordAgeSeconds * 1000;
      const expired = part.records.filter((record) => createdMs(record) < oldest);
      if (expired.length > 0) {
        const info: DiscardInfo = {
          condition: 'RecordAgeExceeded',
          approximateInvokeCount: part.invokes,
          requestId: part.lastRequestId ?? '',
          ...(part.lastError ? { functionError: part.lastError } : {}),
        };
        if (!(await untilDone(() => deps.discard(expired, info), config, deps))) return;
        part.records = part.records.filter((record) => !expired.includes(record));
        if (part.records.length === 0) {
          pending.shift();
          continue;
        }
      }
    }
    const invoked = await untilDone(() => deps.invoke(part.records), config, deps);
    if (invoked === undefined) return;
    const result = invoked.value;
    part.invokes++;
    part.lastRequestId = result.requestId;
    if (!result.ok) part.lastError = 'Unhandled';
    const outcome = batchOutcome(
      result,
      part.records.map(sequence),
      config.reportBatchItemFailures,
    );
    const failed =
      outcome.kind === 'success'
        ? []
        : outcome.kind === 'partial'
          ? part.records.slice(outcome.from)
          : part.records;
    deps.delivered?.(part.records, failed.length);
    if (failed.length === 0) {
      pending.shift();
      continue;
    }
    if (config.maximumRetryAttempts >= 0 && part.attempts >= config.maximumRetryAttempts) {
      const info: DiscardInfo = {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: part.invokes,
        requestId: result.requestId,
        ...(result.ok ? {} : { functionError: 'Unhandled' }),
      };
      if (!(await untilDone(() => deps.discard(failed, info), config, deps))) return;
      pending.shift();
      continue;
    }
    await deps.sleep(config.retryDelayMs);
    if (outcome.kind === 'partial') {
      // The records before the reported one succeeded: Lambda checkpoints there.
      part.records = failed;
      part.attempts++;
    } else if (config.bisectBatchOnFunctionError && part.records.length > 1) {
      const middle = Math.ceil(part.records.length / 2);
      const halves = [part.records.slice(0, middle), part.records.slice(middle)].map(
        (half): Part => ({ ...part, records: half, attempts: part.attempts + 1 }),
      );
      pending.splice(0, 1, ...halves);
    } else {
      part.attempts++;
    }
  }
};
