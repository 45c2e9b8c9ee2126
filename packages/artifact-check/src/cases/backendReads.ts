import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CaseContext } from './types.ts';

// Reads and writes on the backends for the cases' prepare and effect checks, by the logical
// IDs of the template's resources.

/** Every item of a table, plain JavaScript values. */
export const scanTable = async (
  ctx: CaseContext,
  tableId: string,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await ctx.clients.dynamodb.send(
      new ScanCommand({ TableName: ctx.stack.table(tableId), ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start !== undefined);
  return items;
};

/**
 * Receive (and delete) every message now on a queue; bodies parsed as JSON. The functions
 * sent them before returning, so a short poll sees them all on these backends.
 */
export const drainQueue = async (ctx: CaseContext, queueId: string): Promise<unknown[]> => {
  const { url } = ctx.stack.queue(queueId);
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await ctx.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) bodies.push(JSON.parse(message.Body ?? 'null'));
    await ctx.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};

/** A message as a queue holds it: the JSON body and what SQS keeps beside it. */
export interface QueuedMessage {
  body: unknown;
  /** FIFO queues: the message group and deduplication id the sender gave. */
  groupId?: string;
  deduplicationId?: string;
  /** String message attributes by name. */
  attributes: Record<string, string>;
}

/**
 * Like {@link drainQueue}, with each message's FIFO group and deduplication id and its
 * message attributes. Receives in the queue's order (a FIFO queue: per group, in send order).
 */
export const drainQueueMessages = async (
  ctx: CaseContext,
  queueId: string,
): Promise<QueuedMessage[]> => {
  const { url } = ctx.stack.queue(queueId);
  const messages: QueuedMessage[] = [];
  for (;;) {
    const { Messages = [] } = await ctx.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return messages;
    for (const message of Messages) {
      const system = message.Attributes ?? {};
      messages.push({
        body: JSON.parse(message.Body ?? 'null'),
        ...(system.MessageGroupId ? { groupId: system.MessageGroupId } : {}),
        ...(system.MessageDeduplicationId
          ? { deduplicationId: system.MessageDeduplicationId }
          : {}),
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            value.StringValue ?? '',
          ]),
        ),
      });
    }
    await ctx.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};

/** Keys under a prefix of a bucket. */
export const listKeys = async (bucket: string, prefix: string, ctx: CaseContext) => {
  const { Contents = [] } = await ctx.clients.s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }),
  );
  return Contents.map((object) => object.Key ?? '').sort();
};

/** An object's bytes and headers. */
export const getObject = async (bucket: string, key: string, ctx: CaseContext) => {
  const object = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  return { ...object, body };
};

/** Upload bytes; returns the ETag (no quotes) and size S3 reports. */
export const putObject = async (
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
  ctx: CaseContext,
): Promise<{ eTag: string; size: number }> => {
  await ctx.clients.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
  );
  const head = await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return { eTag: (head.ETag ?? '').replaceAll('"', ''), size: head.ContentLength ?? 0 };
};

/** The body of an HTTP API (payload 2.0) response, parsed as JSON. */
export const jsonBody = (response: unknown): unknown => {
  const body = (response as { body?: unknown } | null)?.body;
  return typeof body === 'string' ? JSON.parse(body) : undefined;
};
