import { describe, expect, it } from 'vitest';
import { renderOrderEmail } from '../../src/domain/renderOrderEmail.js';
import { baseOrder, orderCancelled, orderPlaced } from '../support/orderEvents.js';

const FIXED_ID = '3f0c9c1e-8a4f-4b8e-9a53-2b1f0a6f7c11';

describe('renderOrderEmail', () => {
  it('renders an order confirmation (snapshot)', () => {
    // Prepare
    const event = orderPlaced({ eventId: FIXED_ID });

    // Act
    const email = renderOrderEmail(event);

    // Assess
    expect(email).toMatchSnapshot();
  });

  it('renders a cancellation notice (snapshot)', () => {
    // Prepare
    const event = orderCancelled({ eventId: FIXED_ID });

    // Act
    const email = renderOrderEmail(event);

    // Assess
    expect(email).toMatchSnapshot();
  });

  it('lists items, quantities, amounts in the order currency and the total in both parts', () => {
    // Prepare
    const event = orderPlaced();

    // Act
    const { text, html } = renderOrderEmail(event);

    // Assess
    expect(text).toContain('2 x MUG-BLUE at €12.50 each: €25.00');
    expect(text).toContain('1 x TEA-EARLGREY-100G at €8.99 each: €8.99');
    expect(text).toContain('Total: €33.99');
    expect(html).toMatch(
      /<td[^>]*>MUG-BLUE<\/td><td[^>]*>2<\/td><td[^>]*>€12.50<\/td><td[^>]*>€25.00<\/td>/,
    );
    expect(html).toMatch(/Total<\/th><th[^>]*>€33.99<\/th>/);
  });

  it('uses the fraction digits of the order currency', () => {
    // Prepare
    const yen = orderPlaced({
      order: baseOrder({
        currency: 'JPY',
        items: [{ sku: 'CUP', quantity: 3, unitPrice: 1200, lineTotal: 3600 }],
        total: 3600,
      }),
    });
    const dinar = orderPlaced({
      order: baseOrder({
        currency: 'BHD',
        items: [{ sku: 'CUP', quantity: 1, unitPrice: 1250, lineTotal: 1250 }],
        total: 1250,
      }),
    });

    // Act
    const yenText = renderOrderEmail(yen).text;
    const dinarText = renderOrderEmail(dinar).text;

    // Assess
    expect(yenText).toContain('3 x CUP at ¥1,200 each: ¥3,600');
    expect(dinarText).toMatch(/Total: BHD\s1\.250\n/);
  });

  it('shows the shipping address and the note', () => {
    // Prepare
    const event = orderPlaced();

    // Act
    const { text, html } = renderOrderEmail(event);

    // Assess
    expect(text).toContain(
      '  Ada Lovelace\n  12 Analytical Engine Street\n  Flat 3\n  NW1 6XE London\n  United Kingdom',
    );
    expect(html).toContain(
      '<p>Ada Lovelace<br>12 Analytical Engine Street<br>Flat 3<br>NW1 6XE London<br>United Kingdom</p>',
    );
    expect(text).toContain('Your note\nPlease leave the parcel with the neighbour.');
  });

  it('leaves out the optional second address line and the note when absent', () => {
    // Prepare
    const order = baseOrder({
      shippingAddress: { ...baseOrder().shippingAddress, line2: undefined },
      note: undefined,
    });
    const event = orderPlaced({ order });

    // Act
    const { text, html } = renderOrderEmail(event);

    // Assess
    expect(text).not.toContain('Flat 3');
    expect(text).not.toContain('Your note');
    expect(html).not.toContain('Your note');
  });

  it('escapes customer strings in the HTML part and keeps them as text in the text part', () => {
    // Prepare
    const script = '<script>alert("x")</script>';
    const order = baseOrder({
      shippingAddress: {
        ...baseOrder().shippingAddress,
        line1: `${script} Road`,
        name: "O'Brien & Co",
      },
      note: `Ring twice ${script}\n<img src=x onerror=alert(1)>`,
      items: [{ sku: '<b>SKU</b>', quantity: 1, unitPrice: 100, lineTotal: 100 }],
      total: 100,
    });
    const event = orderPlaced({ order });

    // Act
    const { text, html } = renderOrderEmail(event);

    // Assess
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>SKU');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Road');
    expect(html).toContain(
      'Ring twice &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).toContain('O&#39;Brien &amp; Co');
    expect(html).toContain('&lt;b&gt;SKU&lt;/b&gt;');
    expect(text).toContain(`${script} Road`);
    expect(text).toContain("Hello O'Brien & Co,");
  });

  it('puts nothing personal in the subject, only the order id', () => {
    // Prepare
    const placed = orderPlaced();
    const cancelled = orderCancelled();

    // Act
    const placedSubject = renderOrderEmail(placed).subject;
    const cancelledSubject = renderOrderEmail(cancelled).subject;

    // Assess
    expect(placedSubject).toBe(`Your order ${placed.order.orderId} is confirmed`);
    expect(cancelledSubject).toBe(`Your order ${cancelled.order.orderId} has been cancelled`);
    for (const subject of [placedSubject, cancelledSubject]) {
      expect(subject).not.toContain('Ada');
      expect(subject).not.toContain('ada@example.com');
      expect(subject).not.toContain('London');
    }
  });

  it('keeps the subject on one line whatever the order id contains', () => {
    // Prepare
    const event = orderPlaced({ order: baseOrder({ orderId: 'A1\r\nBcc: x@example.com' }) });

    // Act
    const { subject } = renderOrderEmail(event);

    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('dates a cancellation notice with the cancellation time', () => {
    // Prepare
    const event = orderCancelled();

    // Act
    const { text } = renderOrderEmail(event);

    // Assess
    expect(text).toMatch(/Cancelled: November 23, 2026 at 8:30\sAM UTC/);
    expect(text).toContain('Your order has been cancelled and will not be shipped.');
  });
});
