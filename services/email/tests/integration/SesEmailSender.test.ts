import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createAwsClient } from '@shop/common/aws';
import { ensureEmailIdentity } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { EmailRejectedError } from '../../src/domain/errors.js';
import { mailFor } from './helpers.js';

const { backends, clients } = useBackends();
const ses = createAwsClient(SESv2Client, 'SESv2', { region: backends.region });
const SENDER = 'orders@example.com';

const email = (orderId: string) => ({
  to: 'ada@example.com',
  subject: `Your order ${orderId} is confirmed`,
  text: 'Plain text part',
  html: '<p>HTML part</p>',
});

describe('SesEmailSender against the SES backend', () => {
  beforeAll(async () => {
    await ensureEmailIdentity(clients, SENDER);
  });

  afterAll(() => {
    ses.destroy();
    clients.destroy();
  });

  it('sends an email the backend records with its subject and parts', async () => {
    // Prepare
    const orderId = uniqueName('ORD');
    const sender = new SesEmailSender({ client: ses, from: SENDER });

    // Act
    const receipt = await sender.send(email(orderId));

    // Assess
    expect(receipt.messageId).not.toBe('');
    const [sent] = await mailFor(backends, orderId);
    expect(sent).toMatchObject({ from: SENDER, to: ['ada@example.com'], html: '<p>HTML part</p>' });
    // moto keeps only the HTML part of a two-part email.
    if (backends.mode === 'embedded') expect(sent?.text).toBe('Plain text part');
  });

  it('reports a sender SES refuses as a permanent rejection', async () => {
    // Prepare: moto, like SES, refuses unverified senders; aws-ses-v2-local accepts any.
    const orderId = uniqueName('ORD');
    const sender = new SesEmailSender({ client: ses, from: 'nobody@unverified.example' });

    // Act
    const outcome = await sender.send(email(orderId)).then(
      () => 'sent',
      (error: unknown) => error,
    );

    // Assess
    if (backends.mode === 'embedded') {
      expect(outcome).toBe('sent');
    } else {
      expect(outcome).toBeInstanceOf(EmailRejectedError);
      expect((outcome as EmailRejectedError).code).toBe('MessageRejected');
      expect(await mailFor(backends, orderId)).toEqual([]);
    }
  });
});
