import type { OrderEvent } from '@shop/contracts/orderEvents';
import { html, multiline, type SafeHtml } from './html.js';
import { type OrderEmailView, orderEmailView } from './orderEmailView.js';

/** A rendered email: subject, plain-text part and HTML part. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const renderText = (view: OrderEmailView): string => {
  const items = view.lines.map(
    (line) => `  ${line.quantity} x ${line.sku} at ${line.unitPrice} each: ${line.lineTotal}`,
  );
  return [
    view.greeting,
    '',
    view.intro,
    '',
    `Order: ${view.orderId}`,
    `${view.dateLabel}: ${view.date}`,
    '',
    'Items',
    ...items,
    '',
    `Total: ${view.total}`,
    '',
    'Shipping address',
    ...view.addressLines.map((line) => `  ${line}`),
    ...(view.note === undefined ? [] : ['', 'Your note', view.note]),
    '',
  ].join('\n');
};

const CELL = 'padding:6px 8px;border-bottom:1px solid #ddd;';
const NUMERIC = `${CELL}text-align:right;`;

const renderLines = (
  view: OrderEmailView,
): SafeHtml => html`<table style="border-collapse:collapse;width:100%;max-width:600px">
<thead><tr><th style="${CELL}text-align:left">Item</th><th style="${NUMERIC}">Quantity</th><th style="${NUMERIC}">Unit price</th><th style="${NUMERIC}">Amount</th></tr></thead>
<tbody>
${view.lines.map(
  (line) =>
    html`<tr><td style="${CELL}">${line.sku}</td><td style="${NUMERIC}">${line.quantity}</td><td style="${NUMERIC}">${line.unitPrice}</td><td style="${NUMERIC}">${line.lineTotal}</td></tr>
`,
)}</tbody>
<tfoot><tr><th colspan="3" style="${NUMERIC}">Total</th><th style="${NUMERIC}">${view.total}</th></tr></tfoot>
</table>`;

const renderHtml = (view: OrderEmailView): string =>
  html`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${view.subject}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;line-height:1.5">
<h1 style="font-size:20px">${view.heading}</h1>
<p>${view.greeting}</p>
<p>${view.intro}</p>
<p>Order: <strong>${view.orderId}</strong><br>${view.dateLabel}: ${view.date}</p>
${renderLines(view)}
<h2 style="font-size:16px">Shipping address</h2>
<p>${multiline(view.addressLines.join('\n'))}</p>
${
  view.note === undefined
    ? ''
    : html`<h2 style="font-size:16px">Your note</h2>
<p>${multiline(view.note)}</p>
`
}</body>
</html>
`.value;

/**
 * Render the email for an order event: an order confirmation for `OrderPlaced`, a cancellation
 * notice for `OrderCancelled`. Both parts list the items, quantities and totals in the order's
 * currency and the shipping address; in the HTML part every value is escaped.
 *
 * @example
 * const { subject, text, html } = renderOrderEmail(event);
 */
export const renderOrderEmail = (event: OrderEvent): RenderedEmail => {
  const view = orderEmailView(event);
  return { subject: view.subject, text: renderText(view), html: renderHtml(view) };
};
