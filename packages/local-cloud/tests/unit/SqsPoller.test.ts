import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendClients } from '../../src/clients.js';
import { memoryLog } from '../../src/dev/log.js';
import { MAX_SYNC_REQUEST_BYTES } from '../../src/lambda/constants.js';
import type { FunctionPool } from '../../src/lambda/FunctionPool.js';
import type { InvokeResult } from '../../src/lambda/types.js';
import type { QueueModel, SqsMappingModel } from '../../src/provision/model.js';
import { matchesPattern } from '../../src/triggers/eventbridge/eventPattern.js';
import { SqsPoller } from '../../src/triggers/sqs/SqsPoller.js';
import { sqsEvent } from '../../src/triggers/sqs/sqsEvents.js';

// FilterCriteria evaluations are counted: matchesPattern as it is, behind a spy.
vi.mock('../../src/triggers/eventbridge/eventPattern.js', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../src/triggers/eventbridge/eventPattern.js')>();
  return { ...original, matchesPattern: vi.fn(original.matchesPattern) };
});

const QUEUE: QueueModel = {
  logicalId: 'Work',
  name: 'work',
  url: 'http://sqs/work',
  arn: 'arn:aws:sqs:us-east-1:000000000000:work',
  visibilityTimeoutSeconds: 30,
};
const SOURCE = { arn: QUEUE.arn, region: 'us-east-1' };

/**
 * A standard queue served the way SQS serves it: up to 10 messages per receive, in order,
 * in flight until deleted; a message made visible again goes to the back of the queue (as
 * fauxqs does); a long poll of an empty queue answers when a message arrives or its wait ends.
 * Receive and release calls are recorded.
 */
class FakeQueue {
  private readonly visible: Message[] = [];
  private readonly inFlight = new Map<string, Message>();
  private readonly pollers = new Set<() => void>();
  private handles = 0;
  /** How many messages each ReceiveMessage call that returned some returned. */
  readonly receives: number[] = [];
  /** When each of those calls answered (Date.now()). */
  readonly receivedAt: number[] = [];
  /** ReceiveMessage calls, those that returned nothing included. */
  polls = 0;
  /** Each ChangeMessageVisibilityBatch call: the message ids and their visibility timeout. */
  readonly releases: Array<{ ids: string[]; timeouts: number[] }> = [];
  readonly deleted: string[] = [];
  readonly receiveCounts = new Map<string, number>();

  add(id: string, body: string): void {
    this.visible.push({ MessageId: id, Body: body, MD5OfBody: 'md5', Attributes: {} });
    for (const wake of this.pollers) wake();
  }

  /**
   * An empty receive answers after a moment; a long poll when a message arrives or its wait
   * ends; an aborted one rejects, as the SDK's does.
   */
  private wait(seconds: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(wake, Math.max(5, seconds * 1000));
      const settle = () => {
        clearTimeout(timer);
        this.pollers.delete(wake);
        signal?.removeEventListener('abort', aborted);
      };
      function wake() {
        settle();
        resolve();
      }
      function aborted() {
        settle();
        reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
      }
      if (seconds > 0) this.pollers.add(wake);
      signal?.addEventListener('abort', aborted, { once: true });
      if (signal?.aborted) aborted();
    });
  }

  readonly send = async (
    command: unknown,
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown> => {
    if (command instanceof ReceiveMessageCommand) {
      this.polls++;
      if (this.visible.length === 0)
        await this.wait(command.input.WaitTimeSeconds ?? 0, options?.abortSignal);
      const taken = this.visible.splice(0, Math.min(10, command.input.MaxNumberOfMessages ?? 1));
      if (taken.length > 0) {
        this.receives.push(taken.length);
        this.receivedAt.push(Date.now());
      }
      return {
        Messages: taken.map((message) => {
          const id = message.MessageId ?? '';
          const count = (this.receiveCounts.get(id) ?? 0) + 1;
          this.receiveCounts.set(id, count);
          const handle = `rh-${this.handles++}`;
          this.inFlight.set(handle, message);
          return {
            ...message,
            ReceiptHandle: handle,
            Attributes: { ApproximateReceiveCount: String(count) },
          };
        }),
      };
    }
    if (command instanceof DeleteMessageBatchCommand) {
      for (const entry of command.input.Entries ?? []) {
        const message = this.inFlight.get(entry.ReceiptHandle ?? '');
        this.inFlight.delete(entry.ReceiptHandle ?? '');
        if (message) this.deleted.push(message.MessageId ?? '');
      }
      return { Successful: [], Failed: [] };
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      const entries = command.input.Entries ?? [];
      const messages = entries.map((entry) => this.inFlight.get(entry.ReceiptHandle ?? ''));
      this.releases.push({
        ids: messages.map((message) => message?.MessageId ?? '?'),
        timeouts: entries.map((entry) => entry.VisibilityTimeout ?? -1),
      });
      for (const [index, entry] of entries.entries()) {
        const message = messages[index];
        if (message === undefined || entry.VisibilityTimeout !== 0) continue;
        this.inFlight.delete(entry.ReceiptHandle ?? '');
        this.visible.push(message);
      }
      return { Successful: [], Failed: [] };
    }
    throw new Error(`unexpected ${String(command)}`);
  };
}

/** A ~250 KB body (JSON, as the filter tests need), `keep` for FilterCriteria. */
const largeBody = (keep = true) => JSON.stringify({ keep, pad: 'x'.repeat(250_000) });

interface Invocation {
  ids: string[];
  bytes: number;
  /** Messages the queue had handed out when the invocation started. */
  receivedBefore: number;
  /** ReceiveMessage calls made before the invocation started. */
  pollsBefore: number;
  /** When the invocation started (Date.now()). */
  at: number;
}

const pollers: SqsPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

/**
 * A poller of a fake queue into a fake function that succeeds and records each event. A
 * batching window gathers every message the fake holds, up to BatchSize.
 */
const harness = (mapping: Partial<SqsMappingModel>) => {
  const queue = new FakeQueue();
  const invocations: Invocation[] = [];
  const pool = {
    invoke: async (_id: string, event: unknown): Promise<InvokeResult> => {
      const { Records } = event as { Records: Array<{ messageId: string }> };
      invocations.push({
        ids: Records.map((record) => record.messageId),
        bytes: Buffer.byteLength(JSON.stringify(event), 'utf8'),
        receivedBefore: queue.receives.reduce((sum, n) => sum + n, 0),
        pollsBefore: queue.polls,
        at: Date.now(),
      });
      return { requestId: `r-${invocations.length}`, ok: true, payload: 'null', durationMs: 1 };
    },
  } as unknown as FunctionPool;
  const log = memoryLog();
  const poller = new SqsPoller(
    {
      id: 'ConsumerWork',
      functionId: 'Consumer',
      queueId: 'Work',
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      reportBatchItemFailures: false,
      enabled: true,
      filters: [],
      ...mapping,
    },
    QUEUE,
    pool,
    { sqs: { send: queue.send } } as unknown as BackendClients,
    log,
    { region: SOURCE.region, waitTimeSeconds: 0 },
  );
  pollers.push(poller);
  const cuts = () => log.lines.filter((line) => line.includes('batch cut'));
  return { queue, poller, invocations, cuts };
};

const until = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 10 });
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m-${from + i}`);

describe('SqsPoller: the 6 MB payload limit', () => {
  it('invokes with the longest prefix that fits and makes the rest visible again at once, in order', async () => {
    // Prepare: 30 messages of ~250 KB (~7.5 MB) for a batch of 30.
    const { queue, poller, invocations, cuts } = harness({
      batchSize: 30,
      maximumBatchingWindowSeconds: 2,
    });
    for (const id of ids(30)) queue.add(id, largeBody());
    const received = ids(30).map((id) => ({
      MessageId: id,
      ReceiptHandle: 'rh',
      Body: largeBody(),
    }));
    let fits = 0;
    while (
      fits < received.length &&
      Buffer.byteLength(JSON.stringify(sqsEvent(received.slice(0, fits + 1), SOURCE))) <=
        MAX_SYNC_REQUEST_BYTES
    )
      fits++;

    // Act
    poller.start();

    // Assess: every message once, in order, in two batches, the first as full as it can be.
    await until(() => expect(queue.deleted).toHaveLength(30));
    expect(fits).toBeGreaterThan(1);
    expect(fits).toBeLessThan(30);
    expect(invocations.map((i) => i.ids)).toEqual([ids(fits), ids(30 - fits, fits)]);
    for (const invocation of invocations)
      expect(invocation.bytes).toBeLessThanOrEqual(MAX_SYNC_REQUEST_BYTES);
    expect(queue.deleted).toEqual(ids(30));
    expect(queue.releases).toEqual([
      { ids: ids(30 - fits, fits), timeouts: Array(30 - fits).fill(0) },
    ]);
    expect(cuts()).toHaveLength(1);
    expect(cuts()[0]).toContain(
      `batch cut at the 6291456-byte payload limit: ${fits} of 30 message(s) invoked, ${30 - fits} visible again`,
    );
  });

  it('cuts a single receive too (no batching window), again on each redelivery', async () => {
    // Prepare: 10 messages of ~1.5 MB received at once, 6 of them past the limit.
    const { queue, poller, invocations } = harness({ batchSize: 10 });
    for (const id of ids(10)) queue.add(id, JSON.stringify({ pad: 'x'.repeat(1_500_000) }));

    // Act
    poller.start();

    // Assess
    await until(() => expect(queue.deleted).toHaveLength(10));
    expect(invocations.map((i) => i.ids)).toEqual([ids(4), ids(4, 4), ids(2, 8)]);
    expect(queue.releases.map((release) => release.ids)).toEqual([ids(6, 4), ids(2, 8)]);
    expect(queue.releases.flatMap((release) => release.timeouts)).toEqual(Array(8).fill(0));
  });

  it('stops gathering once the batch is over the limit, so only the last receive goes back', async () => {
    // Prepare: a backlog of 100 messages of ~250 KB for a batch of up to 100.
    const { queue, poller, invocations } = harness({
      batchSize: 100,
      maximumBatchingWindowSeconds: 2,
    });
    for (const id of ids(100)) queue.add(id, largeBody());

    // Act
    poller.start();

    // Assess: three receives (7.5 MB) and no more before the first invocation; fewer than 10
    // messages back each time; each message delivered once, none received over 3 times.
    await until(() => expect(queue.deleted).toHaveLength(100));
    expect(invocations[0]?.receivedBefore).toBe(30);
    for (const release of queue.releases) expect(release.ids.length).toBeLessThan(10);
    expect(invocations.flatMap((i) => i.ids).sort()).toEqual(ids(100).sort());
    for (const invocation of invocations)
      expect(invocation.bytes).toBeLessThanOrEqual(MAX_SYNC_REQUEST_BYTES);
    expect(Math.max(...queue.receiveCounts.values())).toBeLessThanOrEqual(3);
  });

  it('leaves a batch within the limit as it was', async () => {
    // Prepare
    const { queue, poller, invocations, cuts } = harness({
      batchSize: 30,
      maximumBatchingWindowSeconds: 2,
    });
    for (const id of ids(30)) queue.add(id, JSON.stringify({ pad: 'x'.repeat(1_000) }));

    // Act
    poller.start();

    // Assess
    await until(() => expect(queue.deleted).toHaveLength(30));
    expect(invocations.map((i) => i.ids)).toEqual([ids(30)]);
    expect(queue.releases).toEqual([]);
    expect(cuts()).toEqual([]);
  });

  it('sizes the batch after the filters: filtered-out messages neither cut it nor end it', async () => {
    // Prepare: 40 messages of ~250 KB (~10 MB), every other one filtered out (~5 MB left).
    const { queue, poller, invocations, cuts } = harness({
      batchSize: 40,
      maximumBatchingWindowSeconds: 2,
      filters: [{ body: { keep: [true] } }],
    });
    for (const [i, id] of ids(40).entries()) queue.add(id, largeBody(i % 2 === 0));

    // Act
    poller.start();

    // Assess
    await until(() => expect(queue.deleted).toHaveLength(40));
    expect(invocations.map((i) => i.ids)).toEqual([ids(40).filter((_, i) => i % 2 === 0)]);
    expect(queue.releases).toEqual([]);
    expect(cuts()).toEqual([]);
  });
});

describe('SqsPoller: the batching window', () => {
  it('gathers for the whole of a 1 s window, up to BatchSize, as messages arrive', async () => {
    // Prepare: a batch of up to 50 within a 1 s window.
    const { queue, poller, invocations } = harness({
      batchSize: 50,
      maximumBatchingWindowSeconds: 1,
    });
    const received = () => queue.receives.reduce((sum, n) => sum + n, 0);

    // Act: 35 messages in 5 bursts of 7, each sent once the poller has taken the previous one.
    poller.start();
    for (let burst = 0; burst < 5; burst++) {
      for (const id of ids(7, burst * 7)) queue.add(id, 'body');
      await until(() => expect(received()).toBe(burst * 7 + 7));
    }

    // Assess: one invocation of all 35, once the window (from the first receive) is over.
    await until(() => expect(queue.deleted).toHaveLength(35));
    expect(invocations.map((i) => i.ids)).toEqual([ids(35)]);
    expect(invocations[0]?.at).toBeGreaterThanOrEqual((queue.receivedAt[0] ?? 0) + 1000);
  });

  it('polls until the deadline when less than a second of the window remains, without a busy loop', async () => {
    // Prepare: a batch of up to 10 within a 2 s window; a message, then another one during
    // the window's first long poll (which answers with it), leaving a long poll of 1 s, then
    // less than a second.
    const { queue, poller, invocations } = harness({
      batchSize: 10,
      maximumBatchingWindowSeconds: 2,
    });
    queue.add('m-0', 'body');

    // Act
    poller.start();
    await until(() => expect(queue.polls).toBe(2));
    queue.add('m-1', 'body');

    // Assess: invoked once the window is over, and not long after; a poll every few tens of
    // milliseconds at most meanwhile (an empty receive of the fake takes 5 ms).
    await until(() => expect(invocations).toHaveLength(1));
    const windowStart = queue.receivedAt[0] ?? 0;
    expect(invocations[0]?.ids).toEqual(['m-0', 'm-1']);
    expect(invocations[0]?.at).toBeGreaterThanOrEqual(windowStart + 2000);
    expect(invocations[0]?.at).toBeLessThan(windowStart + 2500);
    expect(invocations[0]?.pollsBefore).toBeLessThan(100);
  });

  it('stops promptly in the middle of a long window', async () => {
    // Prepare: one message for a batch of up to 10 within a 20 s window.
    const { queue, poller } = harness({ batchSize: 10, maximumBatchingWindowSeconds: 20 });
    queue.add('m-0', 'body');
    poller.start();
    await until(() => expect(queue.receives).toEqual([1]));

    // Act
    const stopping = Date.now();
    await poller.stop();

    // Assess: the long poll of the window's remaining seconds is abandoned at once.
    expect(Date.now() - stopping).toBeLessThan(2000);
  });
});

describe('SqsPoller: FilterCriteria', () => {
  it("evaluates each message's filters once", async () => {
    // Prepare: 20 messages, every other one filtered out, gathered in two receives.
    const { queue, poller, invocations } = harness({
      batchSize: 20,
      maximumBatchingWindowSeconds: 2,
      filters: [{ body: { keep: [true] } }],
    });
    for (const [i, id] of ids(20).entries()) queue.add(id, JSON.stringify({ keep: i % 2 === 0 }));
    vi.mocked(matchesPattern).mockClear();

    // Act
    poller.start();

    // Assess: the kept ones invoked, every one deleted, one pattern match per message.
    await until(() => expect(queue.deleted).toHaveLength(20));
    expect(invocations.map((i) => i.ids)).toEqual([ids(20).filter((_, i) => i % 2 === 0)]);
    expect(queue.deleted.sort()).toEqual(ids(20).sort());
    expect(vi.mocked(matchesPattern)).toHaveBeenCalledTimes(20);
  });
});
