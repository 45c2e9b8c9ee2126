import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ORDER_EVENT_ATTRIBUTES, type OrderEvent } from '@shop/contracts/orderEvents';
import type { OrderEventQueue } from '../domain/ports.js';

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

  async sendBatch(events: readonly OrderEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const { Failed = [] } = await this.#client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.#queueUrl,
        Entries: events.map((event, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(event),
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
    return Failed.map((entry) => events[Number(entry.Id)]?.eventId ?? '').filter(Boolean);
  }

  async quarantine(record: unknown, reason: string): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#deadLetterQueueUrl,
        MessageBody: JSON.stringify({ reason, record }),
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
      }),
    );
  }
}
