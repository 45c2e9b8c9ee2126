import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { InvalidCursorError } from '../../src/domain/errors.js';

const ORDER_ID = '01JNR8W3D2C6VQ5B2T0Y8M4K1A';
const POSITION = { orderId: ORDER_ID, createdAt: '2026-03-01T10:00:00.000Z' };
const keys = (current: string, previous?: string) => async () =>
  previous === undefined ? { current } : { current, previous };

describe('createCursorCodec', () => {
  it('decodes its own cursor for the same customer', async () => {
    // Prepare
    const codec = createCursorCodec(keys('k1'));

    // Act
    const cursor = await codec.encode('cust-ada', POSITION);

    // Assess
    await expect(codec.decode('cust-ada', cursor)).resolves.toEqual(POSITION);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it("rejects another customer's cursor", async () => {
    // Prepare
    const codec = createCursorCodec(keys('k1'));
    const cursor = await codec.encode('cust-bob', POSITION);

    // Act / Assess
    await expect(codec.decode('cust-ada', cursor)).rejects.toThrow(InvalidCursorError);
  });

  it('rejects a cursor whose payload was edited', async () => {
    // Prepare
    const codec = createCursorCodec(keys('k1'));
    const [, mac] = (await codec.encode('cust-ada', POSITION)).split('.');
    const forged = Buffer.from(
      JSON.stringify({ v: 2, after: '01JNR8W3D2C6VQ5B2T0Y8M4K1B', at: POSITION.createdAt }),
    ).toString('base64url');

    // Act / Assess
    await expect(codec.decode('cust-ada', `${forged}.${mac}`)).rejects.toThrow(InvalidCursorError);
  });

  it('still accepts cursors signed with the previous key after a rotation', async () => {
    // Prepare
    const before = await createCursorCodec(keys('k1')).encode('cust-ada', POSITION);
    const rotated = createCursorCodec(keys('k2', 'k1'));
    const retired = createCursorCodec(keys('k3', 'k2'));

    // Act / Assess
    await expect(rotated.decode('cust-ada', before)).resolves.toEqual(POSITION);
    await expect(retired.decode('cust-ada', before)).rejects.toThrow(InvalidCursorError);
  });

  it("re-reads stale keys on a mismatch: another container's cursor of a newer key verifies", async () => {
    // Prepare: this container cached k1; the secret has rotated twice since, and another
    // container signs with k3 and k2.
    const issued = await createCursorCodec(keys('k3', 'k2')).encode('cust-ada', POSITION);
    let reads = 0;
    const clock = 0;
    const stale = createCursorCodec(keys('k1'), {
      refresh: async () => {
        reads += 1;
        return { current: 'k3', previous: 'k2' };
      },
      intervalMs: 30_000,
      now: () => clock,
    });

    // Act / Assess
    await expect(stale.decode('cust-ada', issued)).resolves.toEqual(POSITION);
    expect(reads).toBe(1);
  });

  it('accepts a cursor another container issued with a just-rotated key while its own re-read is gated', async () => {
    // Prepare: a forged cursor has used up this container's re-read (it read k1); then the
    // secret rotates and another container, which read it afterwards, issues a cursor.
    let secret = { current: 'k1' } as { current: string; previous?: string };
    let reads = 0;
    const stale = createCursorCodec(keys('k1'), {
      refresh: async () => {
        reads += 1;
        return secret;
      },
      intervalMs: 30_000,
      now: () => 0,
    });
    const forged = await createCursorCodec(keys('attacker')).encode('cust-ada', POSITION);
    await expect(stale.decode('cust-ada', forged)).rejects.toThrow(InvalidCursorError);
    secret = { current: 'k2', previous: 'k1' };
    const issued = await createCursorCodec(keys('k2', 'k1')).encode('cust-ada', POSITION);

    // Act
    const decoded = stale.decode('cust-ada', issued);

    // Assess: no 400, and no Secrets Manager read needed; the cursor still fits the API's limits.
    await expect(decoded).resolves.toEqual(POSITION);
    expect(reads).toBe(1);
    expect(issued.length).toBeLessThanOrEqual(256);
    expect(issued).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('drops the retired key from what it signs with: a container two rotations behind refuses it', async () => {
    // Prepare
    const issued = await createCursorCodec(keys('k3', 'k2')).encode('cust-ada', POSITION);

    // Act / Assess
    await expect(createCursorCodec(keys('k2', 'k1')).decode('cust-ada', issued)).resolves.toEqual(
      POSITION,
    );
    await expect(createCursorCodec(keys('k1')).decode('cust-ada', issued)).rejects.toThrow(
      InvalidCursorError,
    );
  });

  it('re-reads at most once per interval, so forged cursors cannot flood Secrets Manager', async () => {
    // Prepare
    const forged = await createCursorCodec(keys('attacker')).encode('cust-ada', POSITION);
    let reads = 0;
    let clock = 0;
    const codec = createCursorCodec(keys('k1'), {
      refresh: async () => {
        reads += 1;
        return { current: 'k1' };
      },
      intervalMs: 30_000,
      now: () => clock,
    });

    // Act
    for (let i = 0; i < 5; i += 1) {
      await expect(codec.decode('cust-ada', forged)).rejects.toThrow(InvalidCursorError);
    }
    clock += 30_000;
    await expect(codec.decode('cust-ada', forged)).rejects.toThrow(InvalidCursorError);

    // Assess
    expect(reads).toBe(2);
  });

  it('fails as a server problem, not a bad cursor, when the keys cannot be re-read', async () => {
    // Prepare
    const issued = await createCursorCodec(keys('k2')).encode('cust-ada', POSITION);
    const codec = createCursorCodec(keys('k1'), {
      refresh: async () => {
        throw new Error('Secrets Manager unavailable');
      },
    });

    // Act / Assess
    await expect(codec.decode('cust-ada', issued)).rejects.toThrow('Secrets Manager unavailable');
  });

  it('answers InvalidCursorError, and nothing else, for any string', async () => {
    // Prepare
    const codec = createCursorCodec(keys('k1'));
    const valid = await codec.encode('cust-ada', POSITION);

    // Act / Assess
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.base64String().map((value) => value.replace(/=/g, '')),
          fc
            .nat({ max: valid.length - 1 })
            .chain((index) =>
              fc
                .constantFrom('A', 'b', '-', '_')
                .map((char) => valid.slice(0, index) + char + valid.slice(index + 1)),
            ),
        ),
        async (candidate) => {
          if (candidate === valid) return;
          await expect(codec.decode('cust-ada', candidate)).rejects.toThrow(InvalidCursorError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
