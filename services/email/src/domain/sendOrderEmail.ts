import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { EmailSender, SentEmailReceipt } from './ports.js';
import { renderOrderEmail } from './renderOrderEmail.js';

/** What {@link sendOrderEmail} needs. */
export interface SendOrderEmailDependencies {
  sender: EmailSender;
}

/**
 * Send the email for one order event to the customer: a confirmation for `OrderPlaced`, a
 * cancellation notice for `OrderCancelled`. Not idempotent by itself; the caller makes it so.
 *
 * @example
 * const { messageId } = await sendOrderEmail(event, { sender });
 */
export const sendOrderEmail = async (
  event: OrderEvent,
  deps: SendOrderEmailDependencies,
): Promise<SentEmailReceipt> => {
  const email = renderOrderEmail(event);
  return deps.sender.send({ to: event.customer.email, ...email });
};
