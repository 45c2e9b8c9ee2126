import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { EmailSender, SentEmailReceipt } from './ports.js';
import { renderOrderEmail } from './renderOrderEmail.js';

/**
 * Send the email for one order event to the customer: a confirmation for `OrderPlaced`, a
 * cancellation notice for `OrderCancelled`. Not idempotent by itself; the caller makes it so.
 *
 * @example
 * const { messageId } = await sendOrderEmail(event, sender);
 */
export const sendOrderEmail = async (
  event: OrderEvent,
  sender: EmailSender,
): Promise<SentEmailReceipt> => {
  const email = renderOrderEmail(event);
  return sender.send({ to: event.customer.email, ...email });
};
