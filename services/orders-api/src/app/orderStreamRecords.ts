import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type * as z from '@shop/common/validation';
import { orderEventSchema } from '@shop/contracts/orderEvents';
import type { DynamoDBRecord } from 'aws-lambda';
import { itemToStoredOrder, ORDER_ENTITY } from '../adapters/orderItems.js';
import { ORDER_ID_PATTERN } from '../domain/identifiers.js';
import { eventForChange, type Order } from '../domain/Order.js';
import type { OrderChangeRecord } from '../domain/publishOrderEvents.js';

type Image = Record<string, AttributeValue>;

// The schema's issues when validation failed (read structurally: `instanceof` on zod's error
// class would keep all of zod/mini's core, JSON Schema generation included, in the bundle).
const describe = (error: unknown): string => {
  const issues = (error as { issues?: z.core.$ZodIssue[] } | undefined)?.issues;
  if (Array.isArray(issues)) {
    return issues
      .map((issue) => `${issue.path.map(String).join('.') || '(item)'}: ${issue.message}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
};

const readImage = (image: Image | undefined) => {
  if (image === undefined) return undefined;
  const item = unmarshall(image as Parameters<typeof unmarshall>[0]);
  return item.entity === ORDER_ENTITY ? itemToStoredOrder(item) : undefined;
};

/**
 * One OrdersTable stream record (images in the table's item layout, `adapters/orderItems.ts`)
 * as the publisher sees it: the order event it stands for, a
 * change that is none (another entity, or a change the template's filters would not let
 * through), or an invalid record with the reason (an order item the contract rejects).
 *
 * @example
 * const records = event.Records.map(toOrderChangeRecord);
 */
export const toOrderChangeRecord = (record: DynamoDBRecord): OrderChangeRecord => {
  const id = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
  try {
    const before = readImage(record.dynamodb?.OldImage as Image | undefined);
    const after = readImage(record.dynamodb?.NewImage as Image | undefined);
    if (after === undefined) return { id, ignored: true };
    const event = eventForChange({
      before: before?.order as Order | undefined,
      after: after.order,
      customer: { id: after.order.customerId, email: after.customerEmail },
    });
    if (event === undefined) return { id, ignored: true };
    // The contract checked before anything leaves: a bad item is quarantined, never sent.
    const checked = orderEventSchema.parse(event);
    // The order id is the FIFO group: one SQS refuses (the contract takes any 1-64
    // characters) would be refused on every retry. Every id this service writes matches.
    if (!ORDER_ID_PATTERN.test(checked.order.orderId)) {
      return { id, invalid: 'order.orderId: not an order id of this service', record };
    }
    return { id, event: checked };
  } catch (error) {
    return { id, invalid: describe(error), record };
  }
};
