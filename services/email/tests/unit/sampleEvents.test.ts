import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { lambdaContext } from '@shop/testing/lambda';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { emailHandlerWithFakes } from '../support/emailHandler.js';

// The sample events in events/email/ (for `sam local invoke -e`) must stay valid and mean
// what their names say.

const sampleEvent = async (name: string): Promise<SQSEvent> =>
  JSON.parse(await readFile(new URL(`../../../../events/email/${name}`, import.meta.url), 'utf8'));

const run = async (name: string) => {
  const { handler, sender } = emailHandlerWithFakes();
  const response = await handler(await sampleEvent(name), lambdaContext());
  return { response, sender };
};

const SAMPLES = ['order-placed.json', 'order-cancelled.json', 'mixed-batch-with-malformed.json'];

describe('events/email samples', () => {
  it.each(SAMPLES)('%s is a batch from the FIFO OrderEventsQueue', async (name) => {
    // Act
    const { Records: records } = await sampleEvent(name);

    // Assess
    let previousSequence = 0n;
    for (const record of records) {
      expect(record.eventSourceARN).toMatch(/^arn:aws:sqs:[^:]+:\d{12}:[\w-]+\.fifo$/);
      expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
      const { MessageGroupId, MessageDeduplicationId, SequenceNumber } = record.attributes;
      expect(SequenceNumber).toMatch(/^\d{18,20}$/);
      expect(BigInt(SequenceNumber ?? '0')).toBeGreaterThan(previousSequence);
      previousSequence = BigInt(SequenceNumber ?? '0');
      let body: { eventId?: string; order?: { orderId?: string } } | undefined;
      try {
        body = JSON.parse(record.body);
      } catch {
        // The malformed record: any group and deduplication id will do.
      }
      expect(MessageGroupId).toEqual(body?.order?.orderId ?? expect.stringMatching(/./));
      expect(MessageDeduplicationId).toEqual(body?.eventId ?? expect.stringMatching(/./));
    }
  });

  it('order-placed.json sends one order confirmation', async () => {
    // Act
    const { response, sender } = await run('order-placed.json');

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sender.sent.map((email) => email.subject)).toEqual([
      'Your order 01JDB4Y1ZK3M7Q9T2V5X8A0C4E is confirmed',
    ]);
  });

  it('order-cancelled.json sends one cancellation notice', async () => {
    // Act
    const { response, sender } = await run('order-cancelled.json');

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sender.sent.map((email) => email.subject)).toEqual([
      'Your order 01JDB4Y1ZK3M7Q9T2V5X8A0C4E has been cancelled',
    ]);
  });

  it('mixed-batch-with-malformed.json fails only the malformed and the unknown-type message', async () => {
    // Act
    const { response, sender } = await run('mixed-batch-with-malformed.json');

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9' },
      { itemIdentifier: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' },
    ]);
    expect(sender.sent).toHaveLength(2);
    expect(sender.sent[0]?.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 1-2-3 Shibuya',
    );
    expect(sender.sent[0]?.text).toContain('1 x TEAPOT-CAST-IRON at ¥6,800 each: ¥6,800');
  });
});
