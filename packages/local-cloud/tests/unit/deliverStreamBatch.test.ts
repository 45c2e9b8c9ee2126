import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import {
  type DiscardInfo,
  deliverStreamBatch,
  type StreamDeliveryConfig,
  type StreamInvokeResult,
} from '../../src/triggers/dynamodb/deliverStreamBatch.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');

const records = (count: number, createdAt = NOW): StreamRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    eventID: `e${i + 1}`,
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: String(100 + i + 1),
      ApproximateCreationDateTime: new Date(createdAt),
      Keys: { pk: { S: `k${i + 1}` } },
    },
  }));

const ids = (batch: StreamRecord[]) => batch.map((r) => r.eventID);

/** A fake function and destination; `respond` decides each invocation's result. */
const harness = (
  config: Partial<StreamDeliveryConfig>,
  respond: (batch: StreamRecord[], call: number) => Partial<StreamInvokeResult>,
  now = () => NOW,
  discardFailures: Error[] = [],
) => {
  const invocations: string[][] = [];
  const discarded: Array<{ ids: (string | undefined)[]; info: DiscardInfo }> = [];
  const stepFailures: string[] = [];
  const run = (batch: StreamRecord[]) =>
    deliverStreamBatch(
      batch,
      {
        reportBatchItemFailures: false,
        bisectBatchOnFunctionError: false,
        maximumRetryAttempts: -1,
        maximumRecordAgeSeconds: -1,
        retryDelayMs: 0,
        ...config,
      },
      {
        invoke: async (invoked) => {
          invocations.push(ids(invoked) as string[]);
          return {
            ok: true,
            requestId: `r${invocations.length}`,
            ...respond(invoked, invocations.length),
          };
        },
        discard: async (gone, info) => {
          const failure = discardFailures.shift();
          if (failure) throw failure;
          discarded.push({ ids: ids(gone), info });
        },
        stepFailed: (error) => stepFailures.push(error.message),
        now,
        sleep: async () => undefined,
        aborted: () => false,
      },
    );
  return { run, invocations, discarded, stepFailures };
};

const poison = (id: string) => (batch: StreamRecord[]) =>
  batch.some((r) => r.eventID === id) ? { ok: false, error: { errorType: 'Error' } } : {};

describe('deliverStreamBatch', () => {
  it('invokes once with the whole batch when the function succeeds', async () => {
    // Prepare
    const { run, invocations, discarded } = harness({}, () => ({}));

    // Act
    await run(records(3));

    // Assess
    expect(invocations).toEqual([['e1', 'e2', 'e3']]);
    expect(discarded).toEqual([]);
  });

  it('retries a failed batch whole, then discards it when the retries are exhausted', async () => {
    // Prepare
    const { run, invocations, discarded } = harness({ maximumRetryAttempts: 2 }, poison('e2'));

    // Act
    await run(records(3));

    // Assess
    expect(invocations).toEqual([
      ['e1', 'e2', 'e3'],
      ['e1', 'e2', 'e3'],
      ['e1', 'e2', 'e3'],
    ]);
    expect(discarded).toEqual([
      {
        ids: ['e1', 'e2', 'e3'],
        info: {
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 3,
          requestId: 'r3',
          functionError: 'Unhandled',
        },
      },
    ]);
  });

  it('bisects a failing batch until the poison record is alone, delivering the rest in order', async () => {
    // Prepare
    const { run, invocations, discarded } = harness(
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 10 },
      poison('e3'),
    );

    // Act
    await run(records(5));

    // Assess
    expect(invocations.slice(0, 4)).toEqual([
      ['e1', 'e2', 'e3', 'e4', 'e5'],
      ['e1', 'e2', 'e3'],
      ['e1', 'e2'],
      ['e3'],
    ]);
    expect(invocations.at(-1)).toEqual(['e4', 'e5']);
    // The poison record: 3 invocations on the way down (a split counts as a retry), then alone
    // until 10 retries in all.
    expect(invocations.filter((batch) => batch.includes('e3'))).toHaveLength(11);
    expect(discarded).toHaveLength(1);
    expect(discarded[0]?.ids).toEqual(['e3']);
    expect(discarded[0]?.info).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 11,
    });
  });

  it('retries a discard that failed, without invoking again what was delivered before it', async () => {
    // Prepare
    const { run, invocations, discarded, stepFailures } = harness(
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 2 },
      poison('e3'),
      () => NOW,
      [new Error('queue unreachable')],
    );

    // Act
    await run(records(4));

    // Assess
    expect(invocations).toEqual([
      ['e1', 'e2', 'e3', 'e4'],
      ['e1', 'e2'],
      ['e3', 'e4'],
      ['e3'],
      ['e4'],
    ]);
    expect(discarded).toEqual([
      {
        ids: ['e3'],
        info: {
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 3,
          requestId: 'r4',
          functionError: 'Unhandled',
        },
      },
    ]);
    expect(stepFailures).toEqual(['queue unreachable']);
  });

  it('resumes from the lowest reported item of a partial failure', async () => {
    // Prepare
    const { run, invocations, discarded } = harness({ reportBatchItemFailures: true }, (_, call) =>
      call === 1
        ? {
            payload: JSON.stringify({
              batchItemFailures: [{ itemIdentifier: '104' }, { itemIdentifier: '102' }],
            }),
          }
        : { payload: '{"batchItemFailures":[]}' },
    );

    // Act
    await run(records(4));

    // Assess
    expect(invocations).toEqual([
      ['e1', 'e2', 'e3', 'e4'],
      ['e2', 'e3', 'e4'],
    ]);
    expect(discarded).toEqual([]);
  });

  it('fails the whole batch on an empty or unknown itemIdentifier', async () => {
    // Prepare
    const responses = [
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] },
      { batchItemFailures: [{ id: '101' }] },
    ];
    for (const response of responses) {
      const { run, invocations } = harness({ reportBatchItemFailures: true }, (_, call) =>
        call === 1 ? { payload: JSON.stringify(response) } : {},
      );

      // Act
      await run(records(2));

      // Assess
      expect(invocations).toEqual([
        ['e1', 'e2'],
        ['e1', 'e2'],
      ]);
    }
  });

  it('ignores a batchItemFailures answer when ReportBatchItemFailures is off', async () => {
    // Prepare
    const { run, invocations } = harness({}, () => ({
      payload: JSON.stringify({ batchItemFailures: [{ itemIdentifier: '101' }] }),
    }));

    // Act
    await run(records(2));

    // Assess
    expect(invocations).toEqual([['e1', 'e2']]);
  });

  it('discards records older than MaximumRecordAgeInSeconds without invoking', async () => {
    // Prepare
    const old = records(2, NOW - 120_000);
    const fresh = records(3).slice(2);
    const { run, invocations, discarded } = harness({ maximumRecordAgeSeconds: 60 }, () => ({}));

    // Act
    await run([...old, ...fresh]);

    // Assess
    expect(discarded).toEqual([
      {
        ids: ['e1', 'e2'],
        info: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0, requestId: '' },
      },
    ]);
    expect(invocations).toEqual([['e3']]);
  });

  it('discards a batch that ages out while it is being retried', async () => {
    // Prepare
    let clock = NOW;
    const { run, invocations, discarded } = harness(
      { maximumRecordAgeSeconds: 60 },
      () => {
        clock += 40_000;
        return { ok: false };
      },
      () => clock,
    );

    // Act
    await run(records(2));

    // Assess
    expect(invocations).toHaveLength(2);
    expect(discarded).toEqual([
      {
        ids: ['e1', 'e2'],
        info: {
          condition: 'RecordAgeExceeded',
          approximateInvokeCount: 2,
          requestId: 'r2',
          functionError: 'Unhandled',
        },
      },
    ]);
  });
});
