import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  ORDER_EVENT_ATTRIBUTES,
  type OrderEvent,
  orderEventSchema,
} from '@shop/contracts/orderEvents';
import type { OrderEventPublisher } from '../domain/ports.js';

/**
 * Sends order events to OrderEventsQueue: the body is the contract's JSON (validated before it
 * leaves), with `eventType` and `eventVersion` message attributes for filtering and tracing.
 */
export class SqsOrderEventPublisher implements OrderEventPublisher {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async publish(event: OrderEvent): Promise<void> {
    const body = orderEventSchema.parse(event);
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify(body),
        MessageAttributes: {
          [ORDER_EVENT_ATTRIBUTES.type]: { DataType: 'String', StringValue: body.type },
          [ORDER_EVENT_ATTRIBUTES.version]: {
            DataType: 'Number',
            StringValue: String(body.version),
          },
        },
      }),
    );
  }
}
