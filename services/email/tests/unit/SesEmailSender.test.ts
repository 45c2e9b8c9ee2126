import {
  MessageRejected,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailSender, toEmailError } from '../../src/adapters/SesEmailSender.js';
import { EmailProviderUnavailableError, EmailRejectedError } from '../../src/domain/errors.js';

const ses = mockClient(SESv2Client);
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

describe('toEmailError', () => {
  it.each([
    ['MessageRejected', 400, EmailRejectedError],
    ['MailFromDomainNotVerifiedException', 400, EmailRejectedError],
    ['BadRequestException', 400, EmailRejectedError],
    ['AccountSuspendedException', 400, EmailRejectedError],
    ['SomeNewValidationException', 400, EmailRejectedError],
    ['TooManyRequestsException', 429, EmailProviderUnavailableError],
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
