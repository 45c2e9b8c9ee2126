import { IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { lambdaContext } from '@shop/testing/lambda';
import { receivedAgain, sqsEvent } from '@shop/testing/sqsEvents';
import { describe, expect, it, vi } from 'vitest';
import { METRICS } from '../../src/domain/constants.js';
import { EmailProviderUnavailableError } from '../../src/domain/errors.js';
import { emailHandlerWithFakes } from '../support/emailHandler.js';
import type { fakeLogger } from '../support/fakes.js';
import { orderCancelled, orderEventRecord, orderPlaced } from '../support/orderEvents.js';

// What the README's delivery guarantee and its log lines promise, with fakes.

const MAX_RECEIVE_COUNT = 3;
const setup = () => emailHandlerWithFakes({ maxReceiveCount: MAX_RECEIVE_COUNT });
const storeError = () =>
  Object.assign(new Error('DynamoDB unavailable'), { name: 'InternalServerError' });

/** The store of the send (created first); the second one records reports. */
const sendStore = <T>(stores: T[]): T => {
  const [store] = stores;
  if (store === undefined) throw new Error('the handler created no idempotency store');
  return store;
};

const errorLines = (logger: ReturnType<typeof fakeLogger>, text: string) =>
  logger.error.mock.calls.filter(([message]) => String(message).includes(text));

describe('createEmailHandler delivery', () => {
  it('reports a record sent when SES accepted it and the completion write failed once', async () => {
    // Prepare
    const { handler, sender, stores, items, logger } = setup();
    const save = vi.spyOn(sendStore(stores), 'saveSuccess').mockRejectedValueOnce(storeError());
    const record = orderEventRecord(JSON.stringify(orderPlaced()));

    // Act
    const first = await handler(sqsEvent(record), lambdaContext());
    const redelivered = await handler(sqsEvent(receivedAgain(record, 2)), lambdaContext());

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(sender.sent).toHaveLength(1);
    expect(save).toHaveBeenCalledTimes(2);
    expect([...items.values()].map((item) => item.getStatus())).toEqual([
      IdempotencyRecordStatus.COMPLETED,
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'order email sent; its completion record was written on a second try',
      expect.objectContaining({ reason: 'IdempotencyPersistenceLayerError' }),
    );
  });

  it('still reports the record sent when the completion record cannot be written at all', async () => {
    // Prepare
    const { handler, sender, stores, items, logger, metrics } = setup();
    vi.spyOn(sendStore(stores), 'saveSuccess').mockRejectedValue(storeError());
    const event = orderPlaced();
    const record = orderEventRecord(JSON.stringify(event));

    // Act
    const response = await handler(sqsEvent(record), lambdaContext());

    // Assess: SQS deletes the message, so no redelivery sends it again.
    expect(response.batchItemFailures).toEqual([]);
    expect(sender.sent).toHaveLength(1);
    expect(metrics.counts[METRICS.sent]).toBe(1);
    expect([...items.values()].map((item) => item.getStatus())).toEqual([
      IdempotencyRecordStatus.INPROGRESS,
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'order email sent, but its completion record could not be written',
      { eventId: event.eventId, orderId: event.order.orderId, reason: 'InternalServerError' },
    );
  });

  it('fails the record and sends again on redelivery when SES failed before accepting', async () => {
    // Prepare
    const { handler, sender, stores } = setup();
    const save = vi.spyOn(sendStore(stores), 'saveSuccess');
    sender.failures.push(new EmailProviderUnavailableError('TimeoutError'));
    const record = orderEventRecord(JSON.stringify(orderPlaced()));

    // Act
    const first = await handler(sqsEvent(record), lambdaContext());
    const second = await handler(sqsEvent(receivedAgain(record, 2)), lambdaContext());

    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(sender.sent).toHaveLength(1);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('logs one error naming the event and the DLQ when a transient failure uses up the receives', async () => {
    // Prepare
    const { handler, sender, logger, metrics } = setup();
    const event = orderPlaced();
    const record = orderEventRecord(JSON.stringify(event));
    for (let i = 0; i < MAX_RECEIVE_COUNT; i += 1) {
      sender.failures.push(new EmailProviderUnavailableError('ServiceUnavailable'));
    }

    // Act
    for (let count = 1; count <= MAX_RECEIVE_COUNT; count += 1) {
      await handler(sqsEvent(receivedAgain(record, count)), lambdaContext());
    }

    // Assess
    expect(sender.sent).toHaveLength(0);
    expect(logger.warn).toHaveBeenCalledTimes(MAX_RECEIVE_COUNT - 1);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'order email failed on its last receive; the message goes to the dead-letter queue',
      {
        messageId: record.messageId,
        receiveCount: MAX_RECEIVE_COUNT,
        reason: 'email-provider-unavailable:ServiceUnavailable',
        eventId: event.eventId,
        eventType: 'OrderPlaced',
        orderId: event.order.orderId,
        deadLetterQueue: 'OrderEventsDeadLetterQueue',
        maxReceiveCount: MAX_RECEIVE_COUNT,
      },
    );
    expect(errorLines(logger, 'failed permanently')).toEqual([]);
    expect(metrics.counts[METRICS.failed]).toBe(1);
    expect(metrics.counts[METRICS.retried]).toBe(MAX_RECEIVE_COUNT - 1);
  });

  it('logs nothing at error level for a message sent after transient failures', async () => {
    // Prepare
    const { handler, sender, logger, metrics } = setup();
    const record = orderEventRecord(JSON.stringify(orderPlaced()));
    for (let i = 0; i < MAX_RECEIVE_COUNT - 1; i += 1) {
      sender.failures.push(new EmailProviderUnavailableError('Throttling'));
    }

    // Act
    for (let count = 1; count <= MAX_RECEIVE_COUNT; count += 1) {
      await handler(sqsEvent(receivedAgain(record, count)), lambdaContext());
    }

    // Assess
    expect(sender.sent).toHaveLength(1);
    expect(logger.error).not.toHaveBeenCalled();
    expect(metrics.counts[METRICS.failed]).toBeUndefined();
  });

  it('reports a record held back behind its group on its last receive as going to the DLQ', async () => {
    // Prepare
    const { handler, sender, logger } = setup();
    const placed = orderPlaced();
    const cancelled = orderCancelled({ order: placed.order });
    sender.failures.push(new EmailProviderUnavailableError('ServiceUnavailable'));
    const first = orderEventRecord(JSON.stringify(placed), { receiveCount: 1 });
    const held = orderEventRecord(JSON.stringify(cancelled), { receiveCount: MAX_RECEIVE_COUNT });

    // Act
    const response = await handler(sqsEvent(first, held), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toHaveLength(2);
    expect(sender.sent).toHaveLength(0);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'order email failed on its last receive; the message goes to the dead-letter queue',
      expect.objectContaining({
        messageId: held.messageId,
        reason: 'group-held-back',
        eventId: cancelled.eventId,
        deadLetterQueue: 'OrderEventsDeadLetterQueue',
      }),
    );
  });
});
