import { uniqueName } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { EmailRejectedError } from '../../src/domain/errors.js';
import { SENDER, useEmailBackends } from '../support/emailBackends.js';
import { describeEmailSenderContract } from '../support/emailSenderContract.js';

const local = useEmailBackends();

const email = (orderId: string) => ({
  to: 'ada@example.com',
  subject: `Your order ${orderId} is confirmed`,
  text: 'Plain text part',
  html: '<p>HTML part</p>',
});

// The EmailSender contract the fake of the unit tests keeps too (tests/unit/RecordingSender.test.ts).
describeEmailSenderContract('SesEmailSender on the local SES', () => ({
  sender: new SesEmailSender({ client: local.ses, from: SENDER }),
  delivered: async (text) =>
    (await local.mailFor(text)).map((mail) => ({
      ...mail,
      // moto keeps only the HTML part of a two-part email; aws-ses-v2-local keeps both.
      text: local.backends.mode === 'embedded' ? mail.text : undefined,
    })),
}));

describe('SesEmailSender against the SES backend', () => {
  it('reports a sender SES refuses as a permanent rejection', async () => {
    // Prepare: moto, like SES, refuses unverified senders; aws-ses-v2-local accepts any.
    const orderId = uniqueName('ORD');
    const sender = new SesEmailSender({ client: local.ses, from: 'nobody@unverified.example' });

    // Act
    const outcome = await sender.send(email(orderId)).then(
      () => 'sent',
      (error: unknown) => error,
    );

    // Assess
    if (local.backends.mode === 'embedded') {
      expect(outcome).toBe('sent');
    } else {
      expect(outcome).toBeInstanceOf(EmailRejectedError);
      expect((outcome as EmailRejectedError).code).toBe('MessageRejected');
      expect(await local.mailFor(orderId)).toEqual([]);
    }
  });
});
