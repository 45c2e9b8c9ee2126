import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ORDER_EVENT_ATTRIBUTES, type OrderEvent } from '@shop/contracts/orderEvents';
import type { OrderEventQueue, SendFailure } from '../domain/ports.js';

/**
 * The largest quarantined record sent whole (SQS takes 256 KiB per message; a stream record
 * carries two images of up to 400 KB each). A larger one is sent as its position and keys.
 */
export const MAX_QUARANTINED_BYTES = 200 * 1024;

/**
 * JSON SQS accepts: the two characters it refuses that JSON leaves as they are, escaped
 * (`JSON.parse` gives the same text back). A contract-valid event can still carry them.
 */
const sqsSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\uFFFE\uFFFF]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16)}`,
  );

/** Where a stream record is (for reading it from the stream), without its images. */
const recordPosition = (record: unknown) => {
  const { eventID, eventName, dynamodb } = (record ?? {}) as {
    eventID?: unknown;
    eventName?: unknown;
    dynamodb?: { Keys?: unknown; SequenceNumber?: unknown };
  };
  return { eventID, eventName, keys: dynamodb?.Keys, sequenceNumber: dynamodb?.SequenceNumber };
};

/**
 * OrderEventsQueue (FIFO) and the publisher's dead-letter queue. Each event is one message:
 * the contract's JSON, `MessageGroupId` = order id (one order's events are delivered in
 * order), `MessageDeduplicationId` = event id (a stream redelivery within five minutes is
 * dropped by SQS; later ones by the email service's idempotency), and `eventType` /
 * `eventVersion` attributes for filtering and tracing.
 */
export class SqsOrderEventQueue implements OrderEventQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #deadLetterQueueUrl: string;

  constructor(client: SQSClient, urls: { queueUrl: string; deadLetterQueueUrl: string }) {
    this.#client = client;
    this.#queueUrl = urls.queueUrl;
    this.#deadLetterQueueUrl = urls.deadLetterQueueUrl;
  }

  async sendBatch(events: readonly OrderEvent[]): Promise<SendFailure[]> {
    if (events.length === 0) return [];
    const { Failed = [] } = await this.#client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.#queueUrl,
        Entries: events.map((event, index) => ({
          Id: String(index),
          MessageBody: sqsSafeJson(event),
          MessageGroupId: event.order.orderId,
          MessageDeduplicationId: event.eventId,
          MessageAttributes: {
            [ORDER_EVENT_ATTRIBUTES.type]: { DataType: 'String', StringValue: event.type },
            [ORDER_EVENT_ATTRIBUTES.version]: {
              DataType: 'Number',
              StringValue: String(event.version),
            },
          },
        })),
      }),
    );
    return Failed.map((entry) => ({ index: Number(entry.Id), entry }))
      .filter(({ index }) => events[index] !== undefined)
      .sort((a, b) => a.index - b.index)
      .map(({ index, entry }) => ({
        eventId: (events[index] as OrderEvent).eventId,
        ...(entry.SenderFault === true
          ? { refused: `${entry.Code ?? 'SenderFault'}: ${entry.Message ?? 'refused by SQS'}` }
          : {}),
      }));
  }

  /**
   * Put a record that is not a valid order change aside, with the reason. Its body is always
   * one SQS accepts (a refused one would hold the stream's shard back): characters SQS refuses
   * are escaped, and a record over {@link MAX_QUARANTINED_BYTES} is sent as its position.
   */
  async quarantine(record: unknown, reason: string): Promise<void> {
    let body = sqsSafeJson({ reason, record });
    if (Buffer.byteLength(body) > MAX_QUARANTINED_BYTES) {
      body = sqsSafeJson({ reason, truncated: true, record: recordPosition(record) });
    }
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#deadLetterQueueUrl,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
      }),
    );
  }
}
