import { expectEqual, expectMatch, expectTrue } from '../expect.ts';
import { scanTable } from './backendReads.ts';
import type { Case, CaseContext } from './types.ts';

const SENT_BEFORE = 'emailsSentBefore';

/** Remember how many emails SES holds, so the effects see only this case's. */
const countSent = async (ctx: CaseContext) => {
  ctx.state.set(SENT_BEFORE, String((await ctx.backends.sentEmails()).length));
};

const newEmails = async (ctx: CaseContext) =>
  (await ctx.backends.sentEmails()).slice(Number(ctx.state.get(SENT_BEFORE) ?? 0));

/** Powertools idempotency records of the email function, by key prefix and status. */
const records = async (ctx: CaseContext, prefix: string, status: string) =>
  (await scanTable(ctx, 'EmailIdempotencyTable')).filter(
    (item) => String(item.id).startsWith(prefix) && item.status === status,
  ).length;

const recordCount = (prefix: string, status: string, count: number) => ({
  what: `${count} ${status} record(s) ${prefix}* in EmailIdempotencyTable`,
  check: async (ctx: CaseContext) =>
    expectEqual(await records(ctx, prefix, status), count, `${prefix}* ${status} records`),
});

const SENDER = /orders@example\.com/;

export const emailCases: Case[] = [
  {
    event: 'events/email/order-placed.json',
    functionId: 'EmailFunction',
    stack: 'shop-dev',
    title: 'confirmation email sent through SES',
    prepare: countSent,
    expect: { batchItemFailures: [] },
    effects: [
      {
        what: 'one confirmation email to ada@example.com',
        check: async (ctx) =>
          expectMatch(
            await newEmails(ctx),
            [
              {
                from: SENDER,
                to: ['ada@example.com'],
                subject: 'Your order 01JDB4Y1ZK3M7Q9T2V5X8A0C4E is confirmed',
                html: /€25\.00/,
              },
            ],
            'emails sent',
          ),
      },
      recordCount('email.sendOrderEmail', 'COMPLETED', 1),
    ],
  },
  {
    event: 'events/email/order-cancelled.json',
    functionId: 'EmailFunction',
    stack: 'shop-dev',
    title: 'cancellation email sent through SES',
    prepare: countSent,
    expect: { batchItemFailures: [] },
    effects: [
      {
        what: 'one cancellation email to ada@example.com',
        check: async (ctx) =>
          expectMatch(
            await newEmails(ctx),
            [
              {
                from: SENDER,
                to: ['ada@example.com'],
                subject: 'Your order 01JDB4Y1ZK3M7Q9T2V5X8A0C4E has been cancelled',
              },
            ],
            'emails sent',
          ),
      },
      recordCount('email.sendOrderEmail', 'COMPLETED', 2),
    ],
  },
  {
    event: 'events/email/mixed-batch-with-malformed.json',
    functionId: 'EmailFunction',
    stack: 'shop-dev',
    title: 'partial batch failure: truncated JSON and unknown type fail, the rest is sent once',
    prepare: countSent,
    expect: {
      batchItemFailures: [
        '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
        '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
      ],
    },
    effects: [
      {
        what: "only Grace's confirmation is sent (the repeated OrderCancelled is a duplicate), HTML escaped",
        check: async (ctx) => {
          const sent = await newEmails(ctx);
          expectMatch(
            sent,
            [
              {
                to: ['grace@example.com'],
                subject: 'Your order 01JDB6QW8E2R4T6Y8U0I2O4P6A is confirmed',
                html: /&lt;script&gt;/,
              },
            ],
            'emails sent',
          );
          expectTrue(!sent[0]?.html?.includes('<script>'), 'the HTML part contains a raw <script>');
        },
      },
      recordCount('email.sendOrderEmail', 'COMPLETED', 3),
      recordCount('email.permanentFailure', 'COMPLETED', 2),
    ],
  },
];
