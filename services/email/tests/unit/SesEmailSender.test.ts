import {
  MessageRejected,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  isRetryableRefusal,
  SesEmailSender,
  toEmailError,
} from '../../src/adapters/SesEmailSender.js';
import { EmailProviderUnavailableError, EmailRejectedError } from '../../src/domain/errors.js';

const ses = mockClient(SESv2Client);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  ses.restore();
});
const email = {
  to: 'ada@example.com',
  subject: 'Your order A1 is confirmed',
  text: 'text',
  html: '<p>html</p>',
};

const serviceError = (name: string, status: number, fault: 'client' | 'server' = 'client') =>
  new SESv2ServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    message: name,
  });

describe('SesEmailSender', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('sends a text and an HTML part in UTF-8 from the configured sender', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const sender = new SesEmailSender({ client: new SESv2Client({}), from: 'orders@example.com' });

    // Act
    const receipt = await sender.send(email);

    // Assess
    expect(receipt).toEqual({ messageId: 'ses-1' });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'orders@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Your order A1 is confirmed', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'text', Charset: 'UTF-8' },
            Html: { Data: '<p>html</p>', Charset: 'UTF-8' },
          },
        },
      },
    });
    expect(
      ses.commandCalls(SendEmailCommand)[0]?.args[0].input.ConfigurationSetName,
    ).toBeUndefined();
  });

  it('uses the configuration set when one is configured', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    const sender = new SesEmailSender({
      client: new SESv2Client({}),
      from: 'orders@example.com',
      configurationSetName: 'shop-transactional',
    });

    // Act
    await sender.send(email);

    // Assess
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      ConfigurationSetName: 'shop-transactional',
    });
  });

  it('reports a rejected message as permanent', async () => {
    // Prepare
    ses.on(SendEmailCommand).rejects(
      new MessageRejected({
        $metadata: { httpStatusCode: 400 },
        message: 'Email address is not verified: ada@example.com',
      }),
    );
    const sender = new SesEmailSender({ client: new SESv2Client({}), from: 'orders@example.com' });

    // Act
    const error = await sender.send(email).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EmailRejectedError);
    expect((error as EmailRejectedError).code).toBe('MessageRejected');
    expect((error as Error).message).not.toContain('ada@example.com');
  });

  it('reports throttling as transient', async () => {
    // Prepare
    ses
      .on(SendEmailCommand)
      .rejects(
        new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: 'slow down' }),
      );
    const sender = new SesEmailSender({ client: new SESv2Client({}), from: 'orders@example.com' });

    // Act
    const error = await sender.send(email).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EmailProviderUnavailableError);
  });
});

describe('SesEmailSender retries', () => {
  const retry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
  const sleeps: number[] = [];
  const sender = () =>
    new SesEmailSender({
      client: new SESv2Client({}),
      from: 'orders@example.com',
      retry,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  const timeout = () =>
    Object.assign(new Error('Connection timed out after 2000 ms'), { name: 'TimeoutError' });

  beforeEach(() => {
    ses.reset();
    sleeps.length = 0;
  });

  it('sends once after SES refused twice with throttling and a 503', async () => {
    // Prepare
    ses
      .on(SendEmailCommand)
      .rejectsOnce(serviceError('Throttling', 400))
      .rejectsOnce(serviceError('ServiceUnavailable', 503, 'server'))
      .resolves({ MessageId: 'ses-3' });

    // Act
    const receipt = await sender().send(email);

    // Assess
    expect(receipt).toEqual({ messageId: 'ses-3' });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThan(100);
    expect(sleeps[1]).toBeLessThan(200);
  });

  it('gives up after its attempts with a transient error', async () => {
    // Prepare
    ses.on(SendEmailCommand).rejects(serviceError('ServiceUnavailable', 503, 'server'));

    // Act
    const error = await sender()
      .send(email)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EmailProviderUnavailableError);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 3);
  });

  it('never retries a send whose outcome is unknown', async () => {
    // Prepare: SES may have accepted a send that timed out; a retry could send it twice.
    ses.on(SendEmailCommand).rejectsOnce(timeout()).resolves({ MessageId: 'ses-4' });

    // Act
    const error = await sender()
      .send(email)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EmailProviderUnavailableError);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(sleeps).toEqual([]);
  });

  it('never retries a rejection', async () => {
    // Prepare
    ses.on(SendEmailCommand).rejects(serviceError('MessageRejected', 400));

    // Act
    const error = await sender()
      .send(email)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EmailRejectedError);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });
});

describe('isRetryableRefusal', () => {
  it.each([
    ['TooManyRequestsException', 429, true],
    ['Throttling', 400, true],
    ['ThrottlingException', 400, true],
    ['ServiceUnavailable', 503, true],
    // May come after SES took the email: not retried in the invocation.
    ['InternalFailure', 500, false],
    ['BadGateway', 502, false],
    ['GatewayTimeout', 504, false],
    ['MessageRejected', 400, false],
    ['SendingPausedException', 400, false],
  ])('answers %s (%i): %s', (name, status, expected) => {
    // Act / Assess
    expect(isRetryableRefusal(serviceError(name, status))).toBe(expected);
  });

  it('answers false without an HTTP answer (timeouts, resets, the deadline)', () => {
    // Prepare
    const errors = [
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      Object.assign(new Error('budget ran out'), { name: 'AwsDeadlineExceededError' }),
    ];

    // Act / Assess
    for (const error of errors) expect(isRetryableRefusal(error)).toBe(false);
  });
});

describe('toEmailError', () => {
  it.each([
    ['MessageRejected', 400, EmailRejectedError],
    ['MailFromDomainNotVerifiedException', 400, EmailRejectedError],
    ['BadRequestException', 400, EmailRejectedError],
    ['AccountSuspendedException', 400, EmailRejectedError],
    ['SomeNewValidationException', 400, EmailRejectedError],
    ['TooManyRequestsException', 429, EmailProviderUnavailableError],
    ['Throttling', 400, EmailProviderUnavailableError],
    ['LimitExceededException', 400, EmailProviderUnavailableError],
    ['SendingPausedException', 400, EmailProviderUnavailableError],
    ['InternalFailure', 500, EmailProviderUnavailableError],
    ['ServiceUnavailable', 503, EmailProviderUnavailableError],
  ])('classifies %s (%i)', (name, status, expected) => {
    // Act
    const error = toEmailError(serviceError(name, status, status >= 500 ? 'server' : 'client'));

    // Assess
    expect(error).toBeInstanceOf(expected);
    expect((error as EmailRejectedError).code).toBe(name);
  });

  it('treats timeouts and network errors (no HTTP status) as transient', () => {
    // Prepare
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

    // Act
    const errors = [toEmailError(timeout), toEmailError(reset), toEmailError('weird')];

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(EmailProviderUnavailableError);
  });

  it('keeps the original error as the cause', () => {
    // Prepare
    const original = serviceError('MessageRejected', 400);

    // Act
    const error = toEmailError(original);

    // Assess
    expect(error.cause).toBe(original);
  });
});
