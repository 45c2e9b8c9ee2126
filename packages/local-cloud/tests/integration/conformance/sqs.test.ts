import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  InvalidMessageContents,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ensureQueue } from '../../../src/resources.js';
import { uniqueName, useBackends } from '../../../src/testing.js';
import { awsCli, embeddedGap, motoGap } from './support.js';

// SQS as a user drives it (SDK and AWS CLI), on the embedded fauxqs and on moto alike.
const { backends, clients } = useBackends();
const { sqs } = clients;

// Every queue this suite creates is deleted at the end: moto answers /moto-api/data.json (where
// other suites read sent emails) with a 500 while any queue holds a message with an astral
// character, which several lines here leave behind on purpose.
const created: string[] = [];
const createQueue = async (
  ...args: Parameters<typeof ensureQueue> extends [unknown, ...infer R] ? R : never
) => {
  const queue = await ensureQueue(clients, ...args);
  created.push(queue.url);
  return queue;
};
afterAll(async () => {
  await Promise.all(
    created.map((QueueUrl) =>
      sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined),
    ),
  );
  clients.destroy();
});

const receive = (QueueUrl: string, max = 10): Promise<Message[]> =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    )
    .then((answer) => answer.Messages ?? []);

/** Receive until `count` messages came (a deadline, no fixed sleeps). */
const receiveAll = async (QueueUrl: string, count: number): Promise<Message[]> => {
  const all: Message[] = [];
  const deadline = Date.now() + 15_000;
  while (all.length < count && Date.now() < deadline) {
    const batch = await receive(QueueUrl);
    all.push(...batch);
    await Promise.all(
      batch.map((message) =>
        sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle })),
      ),
    );
  }
  return all;
};

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF
const ACCEPTED: Record<string, string> = {
  'tab, LF, CR': 'a\tb\nc\rd',
  'space to U+D7FF': ` ~\u00e9\u20ac\ud7ff`,
  'U+E000 to U+FFFD': '\ue000\ufffd',
  'U+10000 (first astral)': '\u{10000}',
  'an emoji (U+1F64F)': 'Danke 🙏',
  'U+10FFFF (last)': '\u{10ffff}',
};
const REFUSED: Record<string, string> = {
  'U+0000': 'a\u0000b',
  'U+0001': '\u0001',
  'U+0008 (backspace)': 'x\u0008',
  'U+001F': '\u001f',
  'U+FFFE': 'x\ufffe',
  'U+FFFF': '\uffff',
  'a lone high surrogate': 'x\ud83d',
  'a lone low surrogate': '\ude4fx',
};

// Not run against moto: after these lines moto cannot dump its state (/moto-api/data.json
// answers 500 while it holds such a message or has refused one), and the suites beside this
// one read sent emails from that dump. moto's answers for the refused characters are a known
// gap (500 instead of InvalidMessageContents, README); an emoji through moto's SQS is covered
// end to end by orders-api's integration tests (an order note with an emoji).
describe.skipIf(motoGap(backends))('SQS conformance: message body characters', () => {
  for (const [what, body] of Object.entries(ACCEPTED)) {
    it(`accepts and returns unchanged a body with ${what}`, async () => {
      // Prepare
      const queue = await createQueue(uniqueName('chars'));

      // Act
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
      const [message] = await receiveAll(queue.url, 1);

      // Assess
      expect(message?.Body).toBe(body);
    });
  }

  // Gap (moto 5.2, not the embedded backend): moto answers a refused character with a 500
  // HTML page instead of InvalidMessageContents.
  for (const [what, body] of Object.entries(REFUSED)) {
    (motoGap(backends) ? it.fails : it)(
      `refuses a body with ${what} (InvalidMessageContents)`,
      async () => {
        // Prepare
        const queue = await createQueue(uniqueName('chars'));

        // Act
        const sent = sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));

        // Assess
        await expect(sent).rejects.toBeInstanceOf(InvalidMessageContents);
      },
    );
  }

  (motoGap(backends) ? it.fails : it)(
    'fails only the batch entries with refused characters',
    async () => {
      // Prepare
      const queue = await createQueue(uniqueName('chars'));

      // Act
      const answer = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: [
            { Id: 'emoji', MessageBody: 'Danke 🙏' },
            { Id: 'fffe', MessageBody: 'bad \ufffe' },
            { Id: 'surrogate', MessageBody: 'bad \ud800' },
          ],
        }),
      );

      // Assess
      expect((answer.Successful ?? []).map((entry) => entry.Id)).toEqual(['emoji']);
      expect((answer.Failed ?? []).map((entry) => [entry.Id, entry.Code]).sort()).toEqual([
        ['fffe', 'InvalidMessageContents'],
        ['surrogate', 'InvalidMessageContents'],
      ]);
    },
  );
});

describe('SQS conformance: standard queues', () => {
  it("names a queue by a URL at the endpoint's origin, as AWS does, so the SDK sends to it quietly", async () => {
    // Prepare: a client set up as a function's is, by the environment alone. The SDK checks
    // every QueueUrl against that endpoint and logs (console.warn, whatever the client's
    // logger) each URL that does not parse or has another origin.
    const queue = await createQueue(uniqueName('url'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const [key, value] of Object.entries(backends.env)) vi.stubEnv(key, value);
    const client = new SQSClient({});

    // Act
    let warnings: unknown[][] = [];
    try {
      await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'quiet' }));
    } finally {
      warnings = [...warn.mock.calls];
      client.destroy();
      warn.mockRestore();
      vi.unstubAllEnvs();
    }

    // Assess
    expect(new URL(queue.url).origin).toBe(new URL(backends.endpoints.sqs).origin);
    expect(warnings).toEqual([]);
    expect(await receiveAll(queue.url, 1)).toMatchObject([{ Body: 'quiet' }]);
  });

  it('sends with attributes, receives them with system attributes, and deletes', async () => {
    // Prepare
    const queue = await createQueue(uniqueName('standard'));

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"type":"OrderPlaced"}',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'order' },
          count: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 254, 255]) },
        },
      }),
    );
    const [message] = await receive(queue.url);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message?.ReceiptHandle }),
    );
    const after = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );

    // Assess
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.MD5OfBody).toBe(sent.MD5OfMessageBody);
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.MessageAttributes?.kind?.StringValue).toBe('order');
    expect(message?.MessageAttributes?.count).toMatchObject({
      DataType: 'Number',
      StringValue: '3',
    });
    expect([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([0, 1, 254, 255]);
    expect(message?.Attributes).toMatchObject({ ApproximateReceiveCount: '1' });
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(after.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('sends and deletes in batches', async () => {
    // Prepare
    const queue = await createQueue(uniqueName('batch'));
    const bodies = ['one', 'two', 'three', 'vier 🙏'];

    // Act
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: bodies.map((MessageBody, index) => ({ Id: `m${index}`, MessageBody })),
      }),
    );
    const received: Message[] = [];
    const deadline = Date.now() + 15_000;
    while (received.length < bodies.length && Date.now() < deadline) {
      received.push(...(await receive(queue.url)));
    }
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: received.map((message, index) => ({
          Id: `d${index}`,
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );

    // Assess
    expect(sent.Successful).toHaveLength(bodies.length);
    expect(received.map((message) => message.Body).sort()).toEqual([...bodies].sort());
    expect(deleted.Successful).toHaveLength(bodies.length);
    expect(deleted.Failed ?? []).toEqual([]);
  });

  it('makes a message visible again with ChangeMessageVisibility, counting the receive', async () => {
    // Prepare
    const queue = await createQueue(uniqueName('visibility'), {
      visibilityTimeoutSeconds: 30,
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'again' }));
    const [first] = await receive(queue.url);

    // Act
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [second] = await receive(queue.url);

    // Assess
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('round-trips through the AWS CLI (send-message, receive-message)', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const queue = await createQueue(uniqueName('cli'));

    // Act
    await awsCli(backends, backends.endpoints.sqs, [
      'sqs',
      'send-message',
      '--queue-url',
      queue.url,
      '--message-body',
      'from the CLI: Grüße ✓',
    ]);
    const received = await awsCli(backends, backends.endpoints.sqs, [
      'sqs',
      'receive-message',
      '--queue-url',
      queue.url,
      '--wait-time-seconds',
      '2',
    ]);

    // Assess
    expect(received.json).toMatchObject({ Messages: [{ Body: 'from the CLI: Grüße ✓' }] });
  });
});

describe('SQS conformance: FIFO queues', () => {
  const fifo = (contentBased = false) =>
    createQueue(`${uniqueName('conf')}.fifo`, {
      attributes: {
        FifoQueue: 'true',
        ...(contentBased ? { ContentBasedDeduplication: 'true' } : {}),
      },
    });

  it('delivers a group in order and drops a duplicate deduplication id', async () => {
    // Prepare
    const queue = await fifo();
    const send = (body: string, dedup: string) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: body,
          MessageGroupId: 'order-1',
          MessageDeduplicationId: dedup,
        }),
      );

    // Act
    await send('placed', 'e1');
    await send('paid', 'e2');
    await send('placed again', 'e1');
    await send('shipped', 'e3');
    const received = await receiveAll(queue.url, 3);

    // Assess
    expect(received.map((message) => message.Body)).toEqual(['placed', 'paid', 'shipped']);
    expect(received.map((message) => message.Attributes?.MessageGroupId)).toEqual([
      'order-1',
      'order-1',
      'order-1',
    ]);
    const sequence = received.map((message) => BigInt(message.Attributes?.SequenceNumber ?? '0'));
    expect(sequence.every((n) => n > 0n)).toBe(true);
    // Gap (moto 5.2): its FIFO sequence numbers are random, not increasing within a group.
    if (!motoGap(backends)) {
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it('deduplicates by content with ContentBasedDeduplication', async () => {
    // Prepare
    const queue = await fifo(true);
    const send = (body: string) =>
      sqs.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body, MessageGroupId: 'g' }),
      );

    // Act
    await send('same');
    await send('same');
    await send('other');
    const received = await receiveAll(queue.url, 2);
    const more = await receive(queue.url);

    // Assess
    expect(received.map((message) => message.Body)).toEqual(['same', 'other']);
    expect(more).toEqual([]);
  });

  it('refuses a send without MessageGroupId', async () => {
    const queue = await fifo(true);

    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' })),
    ).rejects.toMatchObject({
      name: expect.stringMatching(/MissingParameter|InvalidParameterValue/),
    });
  });

  // Gap: fauxqs returns at most one message per group per receive; SQS returns several of
  // one group, in order, in a single ReceiveMessage (up to MaxNumberOfMessages).
  (embeddedGap(backends) ? it.fails : it)(
    'returns several messages of one group in a single receive',
    async () => {
      // Prepare
      const queue = await fifo(true);
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: ['a', 'b', 'c'].map((body) => ({
            Id: body,
            MessageBody: body,
            MessageGroupId: 'one-group',
          })),
        }),
      );

      // Act
      const received = await receive(queue.url);

      // Assess
      expect(received.map((message) => message.Body)).toEqual(['a', 'b', 'c']);
    },
  );
});
