import { ORDER_EVENT_TYPES, type OrderEvent } from '@shop/contracts/orderEvents';
import { countryName, formatTimestamp, moneyFormatter, singleLine } from './formatting.js';

/** One line item, every value already formatted for display. */
export interface LineView {
  sku: string;
  quantity: string;
  unitPrice: string;
  lineTotal: string;
}

/**
 * Everything both parts of an order email show, formatted but not yet escaped: the text part
 * uses it as is, the HTML part escapes every value.
 */
export interface OrderEmailView {
  subject: string;
  heading: string;
  greeting: string;
  intro: string;
  orderId: string;
  dateLabel: string;
  date: string;
  lines: LineView[];
  total: string;
  addressLines: string[];
  note?: string;
}

const COPY = {
  [ORDER_EVENT_TYPES.OrderPlaced]: {
    subject: (orderId: string) => `Your order ${orderId} is confirmed`,
    heading: 'Thank you for your order',
    intro: 'We have received your order and will let you know when it ships.',
    dateLabel: 'Placed',
  },
  [ORDER_EVENT_TYPES.OrderCancelled]: {
    subject: (orderId: string) => `Your order ${orderId} has been cancelled`,
    heading: 'Your order has been cancelled',
    intro:
      'Your order has been cancelled and will not be shipped. If you did not expect this, please contact us.',
    dateLabel: 'Cancelled',
  },
} as const;

/**
 * The display model of an order email. The subject carries the order id and nothing personal
 * (subjects show up in notifications and mail logs).
 *
 * @example
 * const view = orderEmailView(event);
 * view.subject; // 'Your order 01JD... is confirmed'
 */
export const orderEmailView = (event: OrderEvent): OrderEmailView => {
  const { order } = event;
  const copy = COPY[event.type];
  const money = moneyFormatter(order.currency);
  const address = order.shippingAddress;
  const when =
    event.type === ORDER_EVENT_TYPES.OrderCancelled
      ? (order.cancelledAt ?? event.occurredAt)
      : order.createdAt;
  const note = order.note?.trim();
  return {
    subject: singleLine(copy.subject(order.orderId)),
    heading: copy.heading,
    greeting: `Hello ${address.name},`,
    intro: copy.intro,
    orderId: order.orderId,
    dateLabel: copy.dateLabel,
    date: formatTimestamp(when),
    lines: order.items.map((item) => ({
      sku: item.sku,
      quantity: String(item.quantity),
      unitPrice: money(item.unitPrice),
      lineTotal: money(item.lineTotal),
    })),
    total: money(order.total),
    addressLines: [
      address.name,
      address.line1,
      ...(address.line2 === undefined ? [] : [address.line2]),
      `${address.postalCode} ${address.city}`,
      countryName(address.country),
    ],
    ...(note ? { note } : {}),
  };
};
