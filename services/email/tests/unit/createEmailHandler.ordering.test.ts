import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { handledFailures } from '@shop/common/lambda';
import { lambdaContext } from '@shop/testing/lambda';
import { receivedAgain, sqsEvent } from '@shop/testing/sqsEvents';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { METRICS } from '../../src/domain/constants.js';
import { EmailProviderUnavailableError, EmailRejectedError } from '../../src/domain/errors.js';
import { emailHandlerWithFakes } from '../support/emailHandler.js';
import {
  baseOrder,
  orderCancelled,
  orderEventRecord,
  orderPlaced,
} from '../support/orderEvents.js';

// OrderEventsQueue is FIFO with one message group per order: within a group, a later event's
// email must never go out before an earlier one's, even when the earlier send fails.

const ORDER_A = '01JDA00000000000000000000A';
const ORDER_B = '01JDB00000000000000000000B';

const placed = (orderId: string) => orderPlaced({ order: baseOrder({ orderId }) });
const cancelled = (orderId: string) =>
  orderCancelled({
    order: baseOrder({ orderId, status: 'CANCELLED', cancelledAt: '2026-11-23T08:30:00.000Z' }),
  });

const confirmation = (orderId: string) => `Your order ${orderId} is confirmed`;
const cancellation = (orderId: string) => `Your order ${orderId} has been cancelled`;

/** The batch of the brief: order A placed then cancelled, order B placed. */
const batchOfTwoOrders = () => {
  const records = {
    placedA: orderEventRecord(JSON.stringify(placed(ORDER_A))),
    cancelledA: orderEventRecord(JSON.stringify(cancelled(ORDER_A))),
    placedB: orderEventRecord(JSON.stringify(placed(ORDER_B))),
  };
  return { records, event: sqsEvent(records.placedA, records.cancelledA, records.placedB) };
};

const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);

const ses = mockClient(SESv2Client);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  ses.restore();
});

describe('createEmailHandler with a FIFO queue', () => {
  afterEach(() => {
    ses.reset();
  });

  it('holds back the rest of a failed order while other orders are sent', async () => {
    // Prepare
    const { handler, sender, metrics, logger } = emailHandlerWithFakes();
    sender.failures.push(new EmailProviderUnavailableError('TooManyRequestsException'));
    const { records, event } = batchOfTwoOrders();

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(failedIds(response)).toEqual([records.placedA.messageId, records.cancelledA.messageId]);
    // The held-back record failed on nothing of its own: the group's one failure counts once.
    expect(handledFailures(response)).toBe(1);
    expect(sender.attempts).toBe(2);
    expect(sender.sent.map((email) => email.subject)).toEqual([confirmation(ORDER_B)]);
    expect(metrics.counts[METRICS.sent]).toBe(1);
    expect(metrics.counts[METRICS.retried]).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith(
      'order email not started: an earlier message of its group failed',
      { messageId: records.cancelledA.messageId, messageGroupId: ORDER_A },
    );
  });

  it('sends the confirmation, then the cancellation, when the held-back order comes back', async () => {
    // Prepare
    const { handler, sender, metrics } = emailHandlerWithFakes();
    sender.failures.push(new EmailProviderUnavailableError('TooManyRequestsException'));
    const { records, event } = batchOfTwoOrders();
    await handler(event, lambdaContext());

    // Act
    const redelivery = await handler(
      sqsEvent(receivedAgain(records.placedA), receivedAgain(records.cancelledA)),
      lambdaContext(),
    );

    // Assess
    expect(redelivery.batchItemFailures).toEqual([]);
    expect(sender.sent.map((email) => email.subject)).toEqual([
      confirmation(ORDER_B),
      confirmation(ORDER_A),
      cancellation(ORDER_A),
    ]);
    expect(metrics.counts[METRICS.sent]).toBe(3);
    expect(metrics.counts[METRICS.skippedDuplicate]).toBeUndefined();
  });

  it('keeps the order when SES itself throttles the first send', async () => {
    // Prepare
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: 'slow down' }),
      )
      .resolves({ MessageId: 'ses-ok' });
    const sender = new SesEmailSender({ client: new SESv2Client({}), from: 'orders@example.com' });
    const { handler } = emailHandlerWithFakes({ sender });
    const { records, event } = batchOfTwoOrders();
    const subjects = () =>
      ses
        .commandCalls(SendEmailCommand)
        .map((call) => call.args[0].input.Content?.Simple?.Subject?.Data);

    // Act
    const first = await handler(event, lambdaContext());
    const second = await handler(
      sqsEvent(receivedAgain(records.placedA), receivedAgain(records.cancelledA)),
      lambdaContext(),
    );

    // Assess
    expect(failedIds(first)).toEqual([records.placedA.messageId, records.cancelledA.messageId]);
    expect(second.batchItemFailures).toEqual([]);
    // The throttled attempt, B, then A's two emails in their order; no cancellation before.
    expect(subjects()).toEqual([
      confirmation(ORDER_A),
      confirmation(ORDER_B),
      confirmation(ORDER_A),
      cancellation(ORDER_A),
    ]);
  });

  it('holds back every later record of the group, not only the next one', async () => {
    // Prepare
    const { handler, sender } = emailHandlerWithFakes();
    sender.failures.push(new EmailProviderUnavailableError('ECONNRESET'));
    const placedA = orderEventRecord(JSON.stringify(placed(ORDER_A)));
    const placedB = orderEventRecord(JSON.stringify(placed(ORDER_B)));
    const cancelledA = orderEventRecord(JSON.stringify(cancelled(ORDER_A)));
    const cancelledB = orderEventRecord(JSON.stringify(cancelled(ORDER_B)));

    // Act
    const response = await handler(
      sqsEvent(placedA, placedB, cancelledA, cancelledB),
      lambdaContext(),
    );

    // Assess
    expect(failedIds(response)).toEqual([placedA.messageId, cancelledA.messageId]);
    expect(sender.sent.map((email) => email.subject)).toEqual([
      confirmation(ORDER_B),
      cancellation(ORDER_B),
    ]);
  });

  it('reports a permanent failure once and holds back its group without reporting it', async () => {
    // Prepare
    const { handler, sender, logger, metrics } = emailHandlerWithFakes();
    sender.failures.push(new EmailRejectedError('MessageRejected'));
    const { records, event } = batchOfTwoOrders();

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(failedIds(response)).toEqual([records.placedA.messageId, records.cancelledA.messageId]);
    expect(sender.sent.map((email) => email.subject)).toEqual([confirmation(ORDER_B)]);
    const permanent = logger.error.mock.calls.map(([, fields]) => fields);
    expect(permanent).toEqual([
      expect.objectContaining({ messageId: records.placedA.messageId, orderId: ORDER_A }),
    ]);
    expect(metrics.counts[METRICS.failed]).toBe(1);
  });

  it('treats records of different groups as independent after a failure', async () => {
    // Prepare: a failing record of order A (here: not even JSON) holds back nothing of B.
    const { handler, sender } = emailHandlerWithFakes();
    const broken = orderEventRecord('{"broken":', { groupId: ORDER_A });
    const placedB = orderEventRecord(JSON.stringify(placed(ORDER_B)));
    const cancelledB = orderEventRecord(JSON.stringify(cancelled(ORDER_B)));

    // Act
    const response = await handler(sqsEvent(broken, placedB, cancelledB), lambdaContext());

    // Assess
    expect(failedIds(response)).toEqual([broken.messageId]);
    expect(sender.sent.map((email) => email.subject)).toEqual([
      confirmation(ORDER_B),
      cancellation(ORDER_B),
    ]);
  });
});
