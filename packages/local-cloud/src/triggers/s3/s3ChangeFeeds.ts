import { HeadObjectCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { S3BackendEvent } from '../../backends/types.js';
import type { BackendClients } from '../../clients.js';
import type { RunnerLog } from '../../lambda/types.js';
import { ensureQueue } from '../../resources.js';
import { decodeS3EventKey } from './s3EventKeys.js';
import type { S3ChangeApi, S3ObjectChange } from './s3Events.js';

/** Reports object changes in buckets, in order. */
export interface S3ChangeFeed {
  start(onChange: (change: S3ObjectChange) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

type Pending = S3ObjectChange;

const API_OF_STATUS: Record<S3BackendEvent['status'], S3ChangeApi> = {
  uploaded: 'Put',
  copied: 'Copy',
  deleted: 'Delete',
};

/**
 * Changes from the embedded backend's S3 events (seen by the proxy in front of it): each event
 * gets its sequencer the moment it happens, with size and ETag as written (or, if they are
 * unknown, read with HEAD).
 */
export class EmbeddedS3ChangeFeed implements S3ChangeFeed {
  private readonly watch: (listener: (event: S3BackendEvent) => void) => () => void;
  private readonly clients: BackendClients;
  private readonly sequencer: () => string;
  private readonly buckets: ReadonlySet<string>;
  private unsubscribe: (() => void) | undefined;
  private buffer: Pending[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    watch: (listener: (event: S3BackendEvent) => void) => () => void,
    clients: BackendClients,
    sequencer: () => string,
    buckets: ReadonlySet<string>,
  ) {
    this.watch = watch;
    this.clients = clients;
    this.sequencer = sequencer;
    this.buckets = buckets;
  }

  async start(onChange: (change: S3ObjectChange) => Promise<void>): Promise<void> {
    this.unsubscribe = this.watch((event) => {
      if (!this.buckets.has(event.bucket)) return;
      if (this.buffer.length === 0) queueMicrotask(() => this.flush(onChange));
      this.buffer.push({
        bucket: event.bucket,
        key: event.key,
        api: API_OF_STATUS[event.status],
        ...(event.size === undefined ? {} : { size: event.size }),
        ...(event.eTag === undefined ? {} : { eTag: event.eTag }),
        sequencer: this.sequencer(),
        time: new Date(),
      });
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.chain;
  }

  private flush(onChange: (change: S3ObjectChange) => Promise<void>) {
    for (const pending of this.buffer.splice(0)) {
      // HEAD at once (before the client can send its next request), deliver in order.
      const completed = this.complete(pending);
      this.chain = this.chain.then(async () => onChange(await completed)).catch(() => undefined);
    }
  }

  private async complete(pending: Pending): Promise<S3ObjectChange> {
    if (pending.api === 'Delete') return pending;
    if (pending.eTag !== undefined && pending.size !== undefined) {
      const multipart = pending.api === 'Put' && /-\d+$/.test(pending.eTag);
      return multipart ? { ...pending, api: 'CompleteMultipartUpload' } : pending;
    }
    try {
      const head = await this.clients.s3.send(
        new HeadObjectCommand({ Bucket: pending.bucket, Key: pending.key }),
      );
      const eTag = (head.ETag ?? '').replaceAll('"', '');
      return {
        ...pending,
        api: pending.api === 'Put' && /-\d+$/.test(eTag) ? 'CompleteMultipartUpload' : pending.api,
        size: head.ContentLength ?? 0,
        eTag,
        ...(head.VersionId ? { versionId: head.VersionId } : {}),
      };
    } catch {
      // Gone again before we looked: the event still happened.
      return { ...pending, size: 0, eTag: '' };
    }
  }
}

const API_OF: Record<string, S3ChangeApi> = {
  Put: 'Put',
  Post: 'Post',
  Copy: 'Copy',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
  Delete: 'Delete',
  DeleteMarkerCreated: 'Delete',
};

interface NotificationRecord {
  eventName?: string;
  s3?: {
    bucket?: { name?: string };
    object?: { key?: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
}

/**
 * Changes from any S3 that sends bucket notifications to SQS (moto, LocalStack, AWS): the
 * buckets are configured to notify one internal queue, which is long-polled.
 *
 * The queue outlives the runner (it is the backend's), so changes made while the runner was
 * stopped wait there and are delivered when it starts again: it is never purged. Each
 * message is deleted right after its changes are delivered, and `stop()` lets the receive in
 * flight finish and makes whatever it brought visible again at once (instead of aborting it,
 * which would hide those messages for the queue's visibility timeout), so a restart neither
 * loses nor replays a change (a crash between delivery and delete can replay one: the
 * at-least-once of S3 notifications on AWS too).
 */
export class QueueS3ChangeFeed implements S3ChangeFeed {
  private readonly clients: BackendClients;
  private readonly buckets: string[];
  private readonly queueName: string;
  private readonly sequencer: () => string;
  private readonly log: RunnerLog;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    clients: BackendClients,
    buckets: string[],
    queueName: string,
    sequencer: () => string,
    log: RunnerLog,
  ) {
    this.clients = clients;
    this.buckets = buckets;
    this.queueName = queueName;
    this.sequencer = sequencer;
    this.log = log;
  }

  async start(onChange: (change: S3ObjectChange) => Promise<void>): Promise<void> {
    if (this.buckets.length === 0) return;
    const queue = await ensureQueue(this.clients, this.queueName, { visibilityTimeoutSeconds: 60 });
    for (const bucket of this.buckets) {
      await this.clients.s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: {
            QueueConfigurations: [
              {
                Id: 'local-cloud',
                QueueArn: queue.arn,
                Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
              },
            ],
          },
        }),
      );
    }
    this.loop = this.poll(queue.url, onChange);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async poll(queueUrl: string, onChange: (change: S3ObjectChange) => Promise<void>) {
    while (!this.stopping) {
      try {
        const { Messages = [] } = await this.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        for (const [i, message] of Messages.entries()) {
          if (this.stopping) {
            await this.release(queueUrl, Messages.slice(i));
            return;
          }
          const body = JSON.parse(message.Body ?? '{}') as { Records?: NotificationRecord[] };
          for (const record of body.Records ?? []) {
            const change = this.toChange(record);
            if (change) await onChange(change);
          }
          await this.clients.sqs.send(
            new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      } catch (error) {
        if (this.stopping) return;
        this.log.warn(`S3 notification queue: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Hand received but undelivered messages back to the queue for the next run. */
  private async release(queueUrl: string, messages: Message[]) {
    if (messages.length === 0) return;
    await this.clients.sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((message, i) => ({
            Id: String(i),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined);
  }

  private toChange(record: NotificationRecord): S3ObjectChange | undefined {
    const [, api] = (record.eventName ?? '').replace(/^s3:/, '').split(':');
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    const changeApi = api === undefined ? undefined : API_OF[api];
    if (bucket === undefined || key === undefined || changeApi === undefined) return undefined;
    const object = record.s3?.object ?? {};
    return {
      bucket,
      key: decodeS3EventKey(key),
      api: changeApi,
      ...(object.size === undefined ? {} : { size: object.size }),
      ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
      ...(object.versionId ? { versionId: object.versionId } : {}),
      sequencer: object.sequencer ?? this.sequencer(),
      // Emulators write eventTime in assorted formats; the time of receipt is close enough.
      time: new Date(),
    };
  }
}
