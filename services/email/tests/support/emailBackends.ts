import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import { ensureEmailIdentity, ensureQueue, type QueueRef } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { lambdaContext } from '@shop/testing/lambda';
import { createTableFromTemplate } from '@shop/testing/tables';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { dynamoDBIdempotencyStores } from '../../src/adapters/dynamoDBIdempotencyStores.js';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { createEmailHandler } from '../../src/app/createEmailHandler.js';
import { AWS_LIMITS, type EmailConfig, SES_SEND_RETRY } from '../../src/config.js';
import type { EmailSender } from '../../src/domain/ports.js';
import { deliverFromQueue, type SqsHandler } from './deliverFromQueue.js';

// What every integration test of EmailFunction sets up: the local backends, SDK clients built
// as the handler builds them, EmailIdempotencyTable from template.yaml, a verified sender,
// OrderEventsQueue-like FIFO queues, and EmailFunction wired as src/handlers wires it.

/** The verified sender of every test email. */
export const SENDER = 'orders@example.com';

/** Short, so failed messages come back quickly; the template's queue uses 180 s. */
export const VISIBILITY_TIMEOUT_SECONDS = 1;

/** What the publisher sends for an event: group = order id, deduplication id = event id. */
export const orderEventMessage = (event: OrderEvent) => ({
  MessageBody: JSON.stringify(event),
  MessageGroupId: event.order.orderId,
  MessageDeduplicationId: event.eventId,
});

/** One entry of a SendMessageBatch of order events. */
export const orderEventEntry = (event: OrderEvent, id: string): SendMessageBatchRequestEntry => ({
  Id: id,
  ...orderEventMessage(event),
});

/** What {@link EmailBackends.emailFunction} lets a test change. */
export interface EmailFunctionOptions {
  /** Default: the real SES adapter (`SES_SEND_RETRY`) on the backends' SES. */
  sender?: EmailSender;
  config?: Partial<EmailFunctionConfig>;
}

type EmailFunctionConfig = Pick<
  EmailConfig,
  'idempotencyExpirySeconds' | 'remainingTimeSafetyMarginMs' | 'maxReceiveCount'
>;

/**
 * Set up the backends for one test file (hooks included) and return the clients and helpers.
 *
 * @example
 * const email = useEmailBackends();
 * const { handler, logger } = email.emailFunction({ config: { maxReceiveCount: 2 } });
 */
export const useEmailBackends = () => {
  const { backends, clients } = useBackends();
  const { region } = backends;
  const sqs = createAwsClient(SQSClient, 'SQS', { region });
  const ses = createAwsClient(SESv2Client, 'SESv2', { region, ...AWS_LIMITS.ses });
  const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', { region, ...AWS_LIMITS.dynamodb });
  let tableName: string | undefined;

  beforeAll(async () => {
    ({ tableName } = await createTableFromTemplate(clients, 'EmailIdempotencyTable'));
    await ensureEmailIdentity(clients, SENDER);
  });

  afterAll(() => {
    sqs.destroy();
    ses.destroy();
    dynamodb.destroy();
    clients.destroy();
  });

  const idempotencyTable = () => {
    if (tableName === undefined) throw new Error('EmailIdempotencyTable is made in beforeAll');
    return tableName;
  };

  /** The real SES adapter on the backends' SES, retrying refusals as the handler does. */
  const sesSender = (from = SENDER) =>
    new SesEmailSender({ client: ses, from, retry: SES_SEND_RETRY });

  /**
   * EmailFunction as src/handlers/sendOrderEmail.ts wires it (lambdaHandler, AWS_LIMITS,
   * DynamoDB idempotency on EmailIdempotencyTable), with a silent logger whose `warn` and
   * `error` are spies to assert on.
   */
  const emailFunction = (options: EmailFunctionOptions = {}) => {
    const logger = createLogger('email', { logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'Shop', serviceName: 'email' });
    const config: EmailFunctionConfig = {
      idempotencyExpirySeconds: 60 * 60,
      remainingTimeSafetyMarginMs: 10_000,
      maxReceiveCount: 5,
      ...options.config,
    };
    const spies = { warn: vi.spyOn(logger, 'warn'), error: vi.spyOn(logger, 'error') };
    const app = createEmailHandler({
      sender: options.sender ?? sesSender(),
      createPersistenceStore: dynamoDBIdempotencyStores(idempotencyTable(), dynamodb),
      logger,
      metrics,
      config,
    });
    const handler: SqsHandler = lambdaHandler(app, {
      logger,
      metrics,
      correlationId: CORRELATION_IDS.sqs,
      deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
    });
    return { handler, logger: spies };
  };

  /** OrderEventsQueue as the template defines it: FIFO, with a FIFO DLQ after `maxReceiveCount`. */
  const createOrderEventsQueue = async (name: string, maxReceiveCount: number) => {
    const attributes = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
    const deadLetterQueue = await ensureQueue(clients, `${uniqueName(`${name}-dlq`)}.fifo`, {
      attributes,
    });
    const queue = await ensureQueue(clients, `${uniqueName(name)}.fifo`, {
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      deadLetter: { queueArn: deadLetterQueue.arn, maxReceiveCount },
      attributes,
    });
    return { queue, deadLetterQueue };
  };

  /** Send order events as the publisher does, ten per batch; asserts that none failed. */
  const sendEvents = async (queue: QueueRef, events: OrderEvent[]) => {
    for (let i = 0; i < events.length; i += 10) {
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: events
            .slice(i, i + 10)
            .map((event, index) => orderEventEntry(event, `${index}`)),
        }),
      );
      expect(result.Failed ?? []).toEqual([]);
    }
  };

  /** One poll of `queue` into `handler`, as Lambda's event source mapping does. */
  const deliverer =
    (
      queue: QueueRef,
      handler: SqsHandler,
      options: { timeoutMs?: number; releaseFailed?: boolean } = {},
    ) =>
    (extra: { deleteSucceeded?: boolean } = {}) =>
      deliverFromQueue({
        sqs,
        queue,
        handler,
        context: () =>
          lambdaContext({
            functionName: 'shop-EmailFunction',
            ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          }),
        ...(options.releaseFailed === undefined ? {} : { releaseFailed: options.releaseFailed }),
        ...extra,
      });

  /** Emails the SES backend accepted for one order (subjects carry the order id). */
  const mailFor = async (orderId: string) =>
    (await backends.sentEmails()).filter((email) => email.subject.includes(orderId));

  return {
    backends,
    clients,
    sqs,
    ses,
    dynamodb,
    /** EmailIdempotencyTable's name (made before the tests run). */
    get tableName() {
      return idempotencyTable();
    },
    sesSender,
    emailFunction,
    createOrderEventsQueue,
    sendEvents,
    deliverer,
    mailFor,
  };
};

export type EmailBackends = ReturnType<typeof useEmailBackends>;
