import { uniqueName } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import type { EmailSender } from '../../src/domain/ports.js';

/** An email as the provider recorded it. */
export interface DeliveredEmail {
  to: readonly string[];
  subject: string;
  html?: string | undefined;
  /** The plain-text part, where the provider keeps it (moto keeps only the HTML part). */
  text?: string | undefined;
}

/** A sender under test and a view of what its provider took. */
export interface EmailSenderUnderTest {
  sender: EmailSender;
  /** The emails the provider took whose subject contains `text`, oldest first. */
  delivered(text: string): Promise<DeliveredEmail[]>;
}

const email = (orderId: string) => ({
  to: 'ada@example.com',
  subject: `Your order ${orderId} is confirmed`,
  text: 'Plain text part',
  html: '<p>HTML part</p>',
});

/**
 * What every EmailSender promises, run against the fake (unit) and the SES adapter on the
 * local backends (integration), so the fake the handler tests use behaves like the real one.
 */
export const describeEmailSenderContract = (name: string, setup: () => EmailSenderUnderTest) => {
  describe(`${name} as an EmailSender`, () => {
    it('delivers an accepted email with its recipient, subject and parts', async () => {
      // Prepare
      const { sender, delivered } = setup();
      const orderId = uniqueName('ORD');

      // Act
      const receipt = await sender.send(email(orderId));

      // Assess
      expect(receipt.messageId).not.toBe('');
      const [mail, ...others] = await delivered(orderId);
      expect(others).toEqual([]);
      expect(mail).toMatchObject({
        to: ['ada@example.com'],
        subject: `Your order ${orderId} is confirmed`,
        html: '<p>HTML part</p>',
      });
      if (mail?.text !== undefined) expect(mail.text).toBe('Plain text part');
    });

    it('gives every accepted email its own message id', async () => {
      // Prepare
      const { sender, delivered } = setup();
      const orderId = uniqueName('ORD');

      // Act
      const receipts = [await sender.send(email(orderId)), await sender.send(email(orderId))];

      // Assess
      expect(new Set(receipts.map((receipt) => receipt.messageId)).size).toBe(2);
      expect(await delivered(orderId)).toHaveLength(2);
    });
  });
};
