import { handledFailures } from '@shop/common/lambda';
import { lambdaContext } from '@shop/testing/lambda';
import { receivedAgain, sqsEvent } from '@shop/testing/sqsEvents';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS } from '../../src/domain/constants.js';
import { EmailProviderUnavailableError, EmailRejectedError } from '../../src/domain/errors.js';
import { emailHandlerWithFakes } from '../support/emailHandler.js';
import type { fakeLogger } from '../support/fakes.js';
import {
  orderCancelled,
  orderEventRecord,
  orderPlaced,
  withOrderId,
} from '../support/orderEvents.js';

const setup = emailHandlerWithFakes;

const permanentLogs = (logger: ReturnType<typeof fakeLogger>) =>
  logger.error.mock.calls.filter(([message]) => String(message).includes('failed permanently'));

describe('createEmailHandler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends one email per event and reports no failures', async () => {
    // Prepare
    const { handler, sender, metrics } = setup();
    const placed = orderPlaced();
    const cancelled = orderCancelled();

    // Act
    const response = await handler(
      sqsEvent(
        orderEventRecord(JSON.stringify(placed)),
        orderEventRecord(JSON.stringify(cancelled)),
      ),
      lambdaContext(),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sender.sent.map((email) => email.subject)).toEqual([
      `Your order ${placed.order.orderId} is confirmed`,
      `Your order ${cancelled.order.orderId} has been cancelled`,
    ]);
    expect(sender.sent[0]?.to).toBe('ada@example.com');
    expect(metrics.counts[METRICS.sent]).toBe(2);
  });

  it("puts each record's message id and event id on its log lines, and only on them", async () => {
    // Prepare
    const { handler, sender, logger } = setup();
    sender.failures.push(new EmailProviderUnavailableError('ServiceUnavailable'));
    const failing = orderPlaced();
    const sent = withOrderId(orderCancelled(), '01JDB00000000000000000000B');
    const records = [
      orderEventRecord(JSON.stringify(failing)),
      orderEventRecord(JSON.stringify(sent)),
      orderEventRecord('not json'),
    ];

    // Act
    await handler(sqsEvent(...records), lambdaContext());

    // Assess
    const line = (message: string) => logger.lines.find((l) => l.message.startsWith(message));
    expect(line('order email not sent')).toMatchObject({
      level: 'warn',
      messageId: records[0]?.messageId,
      eventId: failing.eventId,
    });
    expect(line('order email sent')).toMatchObject({
      messageId: records[1]?.messageId,
      eventId: sent.eventId,
    });
    const malformed = line('order email failed permanently');
    expect(malformed).toMatchObject({ messageId: records[2]?.messageId });
    expect(malformed).not.toHaveProperty('eventId');
    const batch = line('batch processed');
    expect(batch).not.toHaveProperty('messageId');
    expect(batch).not.toHaveProperty('eventId');
  });

  it('fails only the malformed message of a batch', async () => {
    // Prepare
    const { handler, sender } = setup();
    const bad = orderEventRecord('{"type":"OrderPlaced",');

    // Act
    const response = await handler(
      sqsEvent(
        orderEventRecord(JSON.stringify(orderPlaced())),
        bad,
        orderEventRecord(JSON.stringify(orderPlaced())),
      ),
      lambdaContext(),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    // Bad input fails on any version: not the version's failure, no rollback.
    expect(handledFailures(response)).toBe(0);
    expect(sender.sent).toHaveLength(2);
  });

  it('sends nothing for a redelivered or duplicated event', async () => {
    // Prepare
    const { handler, sender, metrics } = setup();
    const body = JSON.stringify(orderPlaced());
    const first = orderEventRecord(body);
    await handler(sqsEvent(first), lambdaContext());

    // Act
    const redelivered = await handler(sqsEvent(receivedAgain(first)), lambdaContext());
    const duplicated = await handler(sqsEvent(orderEventRecord(body)), lambdaContext());

    // Assess
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(duplicated.batchItemFailures).toEqual([]);
    expect(sender.sent).toHaveLength(1);
    expect(metrics.counts[METRICS.skippedDuplicate]).toBe(2);
  });

  it('hands a transient failure back to SQS and sends on the next delivery', async () => {
    // Prepare
    const { handler, sender, metrics, logger } = setup();
    sender.failures.push(new EmailProviderUnavailableError('TooManyRequestsException'));
    const record = orderEventRecord(JSON.stringify(orderPlaced()));

    // Act
    const first = await handler(sqsEvent(record), lambdaContext());
    const second = await handler(sqsEvent(record), lambdaContext());

    // Assess
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(handledFailures(first)).toBe(1);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(sender.sent).toHaveLength(1);
    expect(metrics.counts[METRICS.retried]).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('SQS will deliver the message again'),
      expect.objectContaining({
        messageId: record.messageId,
        reason: 'email-provider-unavailable:TooManyRequestsException',
      }),
    );
    expect(permanentLogs(logger)).toHaveLength(0);
  });

  it('reports a permanent failure once, however often the message is received', async () => {
    // Prepare
    const { handler, sender, metrics, logger } = setup();
    const event = orderPlaced();
    sender.failures.push(
      new EmailRejectedError('MessageRejected'),
      new EmailRejectedError('MessageRejected'),
    );
    const record = orderEventRecord(JSON.stringify(event));

    // Act
    const first = await handler(sqsEvent(record), lambdaContext());
    const second = await handler(sqsEvent(receivedAgain(record)), lambdaContext());

    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect([first, second].map(handledFailures)).toEqual([0, 0]);
    expect(sender.sent).toHaveLength(0);
    expect(permanentLogs(logger)).toEqual([
      [
        expect.any(String),
        {
          messageId: record.messageId,
          receiveCount: 1,
          reason: 'email-rejected:MessageRejected',
          eventId: event.eventId,
          eventType: 'OrderPlaced',
          orderId: event.order.orderId,
          deadLetterQueue: 'OrderEventsDeadLetterQueue',
          maxReceiveCount: 5,
        },
      ],
    ]);
    expect(metrics.counts[METRICS.failed]).toBe(1);
    expect(logger.debug).toHaveBeenCalledWith(
      'permanent failure already reported for this message',
      { messageId: record.messageId, receiveCount: 2 },
    );
  });

  it("counts SES refusals of the version's own request or setup as the version's failures", async () => {
    // Prepare: SES refuses the request itself (access, sender) for two messages, and the
    // content of a third; all three are permanent and go to the dead-letter queue.
    const { handler, sender } = setup();
    sender.failures.push(
      new EmailRejectedError('AccessDeniedException'),
      new EmailRejectedError('MailFromDomainNotVerifiedException'),
      new EmailRejectedError('MessageRejected'),
    );
    const records = [1, 2, 3].map(() => orderEventRecord(JSON.stringify(orderPlaced())));

    // Act
    const responses = [];
    for (const record of records) responses.push(await handler(sqsEvent(record), lambdaContext()));

    // Assess: a version that builds requests SES refuses rolls back; a refused message does not.
    expect(responses.map((response) => response.batchItemFailures.length)).toEqual([1, 1, 1]);
    expect(responses.map(handledFailures)).toEqual([1, 1, 0]);
  });

  it('logs a schema-invalid message once with its reason and no customer data', async () => {
    // Prepare
    const { handler, logger } = setup();
    const record = orderEventRecord(
      JSON.stringify({ ...orderPlaced(), total: 'lots', customer: { id: 'c', email: 'ada@' } }),
    );

    // Act
    await handler(sqsEvent(record), lambdaContext());
    await handler(sqsEvent(record), lambdaContext());

    // Assess
    const logs = permanentLogs(logger);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.[1]).toEqual({
      messageId: record.messageId,
      receiveCount: 1,
      reason: 'schema-invalid',
      problems: ['customer.email: invalid_format'],
      deadLetterQueue: 'OrderEventsDeadLetterQueue',
      maxReceiveCount: 5,
    });
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('ada@');
  });

  it('still logs a permanent failure when the report store is unavailable', async () => {
    // Prepare
    const { handler, logger, stores } = setup();
    for (const store of stores) store.failWith = new Error('DynamoDB down');
    const record = orderEventRecord('not json');

    // Act
    const response = await handler(sqsEvent(record), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(permanentLogs(logger)).toHaveLength(1);
    expect(permanentLogs(logger)[0]?.[1]).toMatchObject({
      reason: 'malformed-json',
      reportStoreError: 'IdempotencyPersistenceLayerError',
    });
  });

  it('retries every record when the idempotency store is unavailable, sending nothing', async () => {
    // Prepare
    const { handler, sender, stores } = setup();
    for (const store of stores) store.failWith = new Error('DynamoDB down');
    const records = [
      orderEventRecord(JSON.stringify(orderPlaced())),
      orderEventRecord(JSON.stringify(orderPlaced())),
    ];

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      records.map((r) => r.messageId),
    );
    expect(sender.sent).toHaveLength(0);
  });

  it('does not start records once the remaining time is below the safety margin', async () => {
    // Prepare
    const { handler, sender, metrics } = setup({ safetyMarginMs: 10_000 });
    // Every send takes 8 s of the invocation's 25 s.
    let remainingMs = 25_000;
    sender.onSend = () => {
      remainingMs -= 8_000;
    };
    const context = lambdaContext({ timeoutMs: 25_000, remaining: () => remainingMs });
    const records = [1, 2, 3, 4].map(() => orderEventRecord(JSON.stringify(orderPlaced())));

    // Act
    const response = await handler(sqsEvent(...records), context);

    // Assess
    expect(sender.sent).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: records[2]?.messageId },
      { itemIdentifier: records[3]?.messageId },
    ]);
    // The third ran out of time: counted, as Lambda's Errors would count a timeout. The fourth,
    // of the same order (message group), was held back behind it: counted once, with it.
    expect(handledFailures(response)).toBe(1);
    expect(metrics.counts[METRICS.retried]).toBe(2);
  });

  it('lets a retry proceed once a crashed attempt has used up its remaining time', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    const { handler, sender } = setup({ safetyMarginMs: 0 });
    const record = orderEventRecord(JSON.stringify(orderPlaced()));
    // The first invocation hangs in SES (it never completes) and Lambda cuts it off after 5 s.
    sender.gate = new Promise(() => undefined);
    void handler(sqsEvent(record), lambdaContext({ timeoutMs: 5_000, remaining: () => 5_000 }));
    await vi.waitFor(() => expect(sender.attempts).toBe(1));
    sender.gate = undefined;

    // Act
    const whileInProgress = await handler(sqsEvent(record), lambdaContext());
    vi.setSystemTime(Date.now() + 5_001);
    const afterTimeout = await handler(sqsEvent(record), lambdaContext());

    // Assess
    expect(whileInProgress.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(afterTimeout.batchItemFailures).toEqual([]);
    expect(sender.attempts).toBe(2);
    expect(sender.sent).toHaveLength(1);
  });

  it('returns item failures instead of throwing when the whole batch fails', async () => {
    // Prepare
    const { handler } = setup();
    const records = [orderEventRecord('x'), orderEventRecord('y')];

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toHaveLength(2);
  });
});
