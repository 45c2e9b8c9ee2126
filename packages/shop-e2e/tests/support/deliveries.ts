import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SentEmail } from '@shop/local-cloud';
import type { LocalCloud } from '@shop/local-cloud/cloud';

/** Which order email: the confirmation (OrderPlaced) or the cancellation (OrderCancelled). */
export type EmailKind = 'confirmation' | 'cancellation';

const KIND_WORDS: Record<EmailKind, RegExp> = {
  confirmation: /confirm/i,
  cancellation: /cancel/i,
};

/** What happened to one email per order: each order id counts once in `sent`. */
export interface DeliveryCounts {
  /** Orders whose email was due. */
  sent: number;
  /** Orders with at least one such email in the SES store. */
  delivered: number;
  /** Emails beyond the first for the same order. */
  duplicated: number;
  /** Orders with no such email. */
  lost: number;
}

/** The emails of `kind` for one order, oldest first (the subject carries the order id). */
export const emailsOf = (emails: readonly SentEmail[], orderId: string, kind: EmailKind) =>
  emails.filter((email) => email.subject.includes(orderId) && KIND_WORDS[kind].test(email.subject));

/**
 * Count deliveries by order id in the emails the SES backend accepted.
 *
 * @example
 * countDeliveries(await cloud.backends.sentEmails(), orderIds, 'confirmation');
 * // { sent: 50, delivered: 50, duplicated: 0, lost: 0 }
 */
export const countDeliveries = (
  emails: readonly SentEmail[],
  orderIds: readonly string[],
  kind: EmailKind,
): DeliveryCounts => {
  const counts: DeliveryCounts = { sent: orderIds.length, delivered: 0, duplicated: 0, lost: 0 };
  for (const orderId of orderIds) {
    const found = emailsOf(emails, orderId, kind).length;
    if (found === 0) counts.lost += 1;
    else counts.delivered += 1;
    counts.duplicated += Math.max(0, found - 1);
  }
  return counts;
};

/** Messages in a queue: waiting, and received but not yet deleted. */
export const queueDepth = async (cloud: LocalCloud, queueId: string): Promise<number> => {
  const queue = cloud.describe().queues[queueId];
  if (queue === undefined) throw new Error(`no queue ${queueId} in the template`);
  const { Attributes = {} } = await cloud.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

/** Receive (and leave) up to 10 messages of a queue that nothing consumes, e.g. a DLQ. */
export const peekQueue = async (cloud: LocalCloud, queueId: string) => {
  const queue = cloud.describe().queues[queueId];
  if (queue === undefined) throw new Error(`no queue ${queueId} in the template`);
  const { Messages = [] } = await cloud.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      VisibilityTimeout: 0,
    }),
  );
  return Messages;
};
