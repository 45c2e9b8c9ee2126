import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { BackendClients } from '../../clients.js';
import { abortableSleep } from '../../lambda/abortableSleep.js';
import { MAX_SYNC_REQUEST_BYTES } from '../../lambda/constants.js';
import type { FunctionPool } from '../../lambda/FunctionPool.js';
import type { RunnerLog } from '../../lambda/types.js';
import type { QueueModel, SqsMappingModel } from '../../provision/model.js';
import {
  failedItems,
  fittingPrefix,
  passesFilters,
  type SqsSource,
  sqsEvent,
  sqsEventSize,
} from './sqsEvents.js';

/** Options for {@link SqsPoller}. */
export interface SqsPollerOptions {
  region: string;
  /**
   * Make failed messages visible again after this many seconds instead of the queue's
   * VisibilityTimeout (a local shortcut for fast retries; undefined = as on AWS).
   */
  retryDelaySeconds?: number;
  /** Long-poll wait per ReceiveMessage (default 20, as Lambda's pollers). */
  waitTimeSeconds?: number;
  /** Cap every mapping's MaximumBatchingWindowInSeconds (a local shortcut; tests use 1). */
  maxBatchingWindowSeconds?: number;
}

/**
 * The pause between the short receives of a batching window's last second after one that
 * found nothing: the window's end is missed by at most one short receive, without a busy loop.
 */
const SHORT_POLL_PAUSE_MS = 20;

/** A gathered batch: the messages received, sorted by the mapping's FilterCriteria. */
interface Gathered {
  /** The messages some filter matches (all without filters), as received: the function's. */
  passed: Message[];
  /** The messages no filter matches: deleted without invoking. */
  filteredOut: Message[];
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );

/**
 * An SQS event source mapping: long-polls the queue, gathers a batch (BatchSize,
 * MaximumBatchingWindowInSeconds, or the 6 MB payload limit of a synchronous invocation, as
 * Lambda's pollers do: the messages past it are made visible again at once for a following
 * batch), invokes the function, deletes what succeeded. With
 * ReportBatchItemFailures only the reported messages stay; a function error or timeout
 * leaves the whole batch, which comes back after the visibility timeout (receive counts and
 * the redrive to the DLQ are the backend's).
 */
export class SqsPoller {
  private readonly mapping: SqsMappingModel;
  private readonly queue: QueueModel;
  private readonly pool: FunctionPool;
  private readonly clients: BackendClients;
  private readonly log: RunnerLog;
  private readonly options: SqsPollerOptions;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    mapping: SqsMappingModel,
    queue: QueueModel,
    pool: FunctionPool,
    clients: BackendClients,
    log: RunnerLog,
    options: SqsPollerOptions,
  ) {
    this.mapping = mapping;
    this.queue = queue;
    this.pool = pool;
    this.clients = clients;
    this.log = log;
    this.options = options;
  }

  start(): void {
    if (this.mapping.enabled) this.loop = this.run();
  }

  /** Take no new batch; the one in flight (if any) goes on ({@link stop} waits for it). */
  halt(): void {
    this.abort.abort();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private receive(max: number, waitSeconds: number): Promise<Message[]> {
    return this.clients.sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: this.queue.url,
          MaxNumberOfMessages: Math.min(10, max),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.abort.signal },
      )
      .then((output) => output.Messages ?? []);
  }

  private async run() {
    const { signal } = this.abort;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const gathered = await this.gather();
        if (gathered.passed.length + gathered.filteredOut.length > 0) await this.process(gathered);
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        if (failures++ === 0)
          this.log.warn(`${this.queue.logicalId} poller: ${(error as Error).message} (retrying)`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private get source(): SqsSource {
    return { arn: this.queue.arn, region: this.options.region };
  }

  private async gather(): Promise<Gathered> {
    const { batchSize, filters } = this.mapping;
    const { source } = this;
    const { signal } = this.abort;
    const maximumBatchingWindowSeconds = Math.min(
      this.mapping.maximumBatchingWindowSeconds,
      this.options.maxBatchingWindowSeconds ?? Number.POSITIVE_INFINITY,
    );
    // Each message's FilterCriteria are evaluated once, here (a pattern match on the record
    // with its body parsed is not cheap). The event the batch makes so far (the messages that
    // pass): once it is over the payload limit, gathering stops (process() cuts it), so at most
    // one receive's worth goes back to the queue, not the rest of a large BatchSize, each time
    // bumping its ApproximateReceiveCount towards the redrive.
    const gathered: Gathered = { passed: [], filteredOut: [] };
    const size = sqsEventSize(source);
    const count = () => gathered.passed.length + gathered.filteredOut.length;
    const take = (messages: Message[]) => {
      for (const message of messages) {
        if (passesFilters(filters, message, source)) {
          gathered.passed.push(message);
          size.add(message);
        } else gathered.filteredOut.push(message);
      }
    };
    take(await this.receive(batchSize, this.options.waitTimeSeconds ?? 20));
    if (count() === 0 || maximumBatchingWindowSeconds === 0) return gathered;
    // Lambda polls until the window expires, BatchSize is reached or the payload is full:
    // long polls of the window's remaining whole seconds (they end by its deadline), then, for
    // its last fraction of a second, short receives, paused after one that found nothing.
    const deadline = Date.now() + maximumBatchingWindowSeconds * 1000;
    let idle = false;
    while (count() < batchSize && size.bytes <= MAX_SYNC_REQUEST_BYTES && !signal.aborted) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const wait = Math.min(20, Math.floor(remaining / 1000));
      if (wait === 0 && idle) {
        idle = false;
        await abortableSleep(Math.min(SHORT_POLL_PAUSE_MS, remaining), signal);
        continue;
      }
      const received = await this.receive(batchSize - count(), wait);
      idle = received.length === 0;
      take(received);
    }
    return gathered;
  }

  private async process({ passed, filteredOut }: Gathered) {
    const { mapping, queue, source } = this;
    // FilterCriteria: messages no filter matches are deleted without invoking (as Lambda does).
    await this.delete(filteredOut);
    if (passed.length === 0) return;
    // The 6 MB payload limit: Lambda invokes with what fits (at least one message) and the
    // rest is visible again at once, for a following batch, in order (a FIFO group's later
    // messages wait behind its earlier ones still in flight).
    const batch = passed.slice(0, fittingPrefix(passed, source, MAX_SYNC_REQUEST_BYTES));
    const rest = passed.slice(batch.length);
    if (rest.length > 0) {
      await this.changeVisibility(rest, 0);
      this.log.info(
        `SQS ${queue.name} -> ${mapping.functionId}: batch cut at the ${MAX_SYNC_REQUEST_BYTES}-byte payload limit: ${batch.length} of ${passed.length} message(s) invoked, ${rest.length} visible again for a following batch`,
      );
    }
    const result = await this.pool.invoke(mapping.functionId, sqsEvent(batch, source));
    let failed: Message[];
    if (!result.ok) {
      failed = batch;
      this.log.warn(
        `${queue.logicalId} -> ${mapping.functionId}: ${batch.length} message(s) not processed (${result.error?.errorType}); they return after the visibility timeout`,
      );
    } else if (!mapping.reportBatchItemFailures) {
      failed = [];
    } else {
      const ids = failedItems(result.payload, new Set(batch.map((m) => m.MessageId ?? '')));
      failed = ids === 'all' ? batch : batch.filter((message) => ids.has(message.MessageId ?? ''));
      if (ids === 'all')
        this.log.warn(
          `${mapping.functionId}: invalid batchItemFailures response; the whole batch fails`,
        );
    }
    if (queue.name.endsWith('.fifo')) this.checkGroupOrder(batch, failed);
    await this.delete(batch.filter((message) => !failed.includes(message)));
    if (failed.length > 0 && this.options.retryDelaySeconds !== undefined)
      await this.changeVisibility(failed, this.options.retryDelaySeconds);
    const note = failed.length > 0 ? `, ${failed.length} failed` : '';
    this.log.info(`SQS ${queue.name} -> ${mapping.functionId}: ${batch.length} message(s)${note}`);
  }

  // FIFO: once a message of a group fails, the later ones of that group in the batch must be
  // reported failed too (Powertools' SqsFifoPartialProcessor does it); Lambda deletes what is
  // not reported, so a function that forgets breaks the group's order, on AWS as here.
  private checkGroupOrder(batch: Message[], failed: Message[]) {
    const failedGroups = new Set<string>();
    for (const message of batch) {
      const group = message.Attributes?.MessageGroupId ?? '';
      if (failed.includes(message)) failedGroups.add(group);
      else if (failedGroups.has(group)) {
        this.log.warn(
          `${this.mapping.functionId}: FIFO group ${group}: message ${message.MessageId} succeeded after a failed one of its group; it is deleted and the group's order is broken (report every later message of a failed group as failed)`,
        );
        return;
      }
    }
  }

  private async delete(messages: Message[]) {
    for (const group of chunks(messages, 10)) {
      await this.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queue.url,
          Entries: group.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  private async changeVisibility(messages: Message[], visibilityTimeout: number) {
    for (const group of chunks(messages, 10)) {
      await this.clients.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queue.url,
          Entries: group.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: visibilityTimeout,
          })),
        }),
      );
    }
  }
}
