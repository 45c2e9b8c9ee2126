import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { BackendClients } from '../../clients.js';
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
        const batch = await this.gather();
        if (batch.length > 0) await this.process(batch);
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

  private async gather(): Promise<Message[]> {
    const { batchSize, filters } = this.mapping;
    const { source } = this;
    const maximumBatchingWindowSeconds = Math.min(
      this.mapping.maximumBatchingWindowSeconds,
      this.options.maxBatchingWindowSeconds ?? Number.POSITIVE_INFINITY,
    );
    const batch = await this.receive(batchSize, this.options.waitTimeSeconds ?? 20);
    if (batch.length === 0 || maximumBatchingWindowSeconds === 0) return batch;
    // The event the batch makes so far (the messages that pass the filters): once it is over
    // the payload limit, gathering stops (process() cuts it), so at most one receive's worth
    // goes back to the queue, not the rest of a large BatchSize, each time bumping its
    // ApproximateReceiveCount towards the redrive.
    const size = sqsEventSize(source);
    const measure = (messages: Message[]) => {
      for (const message of messages)
        if (passesFilters(filters, message, source)) size.add(message);
    };
    measure(batch);
    const deadline = Date.now() + maximumBatchingWindowSeconds * 1000;
    while (
      batch.length < batchSize &&
      size.bytes <= MAX_SYNC_REQUEST_BYTES &&
      Date.now() < deadline &&
      !this.abort.signal.aborted
    ) {
      const wait = Math.max(0, Math.min(20, Math.floor((deadline - Date.now()) / 1000)));
      const received = await this.receive(batchSize - batch.length, wait);
      batch.push(...received);
      measure(received);
      if (wait === 0) break;
    }
    return batch;
  }

  private async process(received: Message[]) {
    const { mapping, queue, source } = this;
    // FilterCriteria: messages no filter matches are deleted without invoking (as Lambda does).
    const passed = received.filter((message) => passesFilters(mapping.filters, message, source));
    const filteredOut = received.filter((message) => !passed.includes(message));
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
