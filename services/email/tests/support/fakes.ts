import { vi } from 'vitest';
import type { EmailLogger, EmailMetrics } from '../../src/app/telemetry.js';
import type { EmailSender, OutgoingEmail, SentEmailReceipt } from '../../src/domain/ports.js';

/** A sender that records what it sends; `fail` makes the next sends throw. */
export class RecordingSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  /** Errors thrown by the next calls, one per call, before sending succeeds again. */
  readonly failures: Error[] = [];
  /** When set, every send waits for this promise first (simulates a hanging call). */
  gate: Promise<void> | undefined;
  /** Called at the start of every send (e.g. to advance a fake clock). */
  onSend: (() => void) | undefined;
  /** Calls to `send`, including failed and hanging ones. */
  attempts = 0;

  async send(email: OutgoingEmail): Promise<SentEmailReceipt> {
    this.attempts += 1;
    this.onSend?.();
    if (this.gate !== undefined) await this.gate;
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.sent.push(email);
    return { messageId: `ses-${this.sent.length}` };
  }
}

/** A logger whose calls can be asserted on. */
export const fakeLogger = () =>
  ({
    debug: vi.fn(),
    info: vi.fn(),
    warn: vi.fn(),
    error: vi.fn(),
    addContext: vi.fn(),
  }) satisfies EmailLogger;

/** Metrics that count per name and record how often they were flushed. */
export const fakeMetrics = () => {
  const counts: Record<string, number> = {};
  let stored = 0;
  const metrics = {
    counts,
    flushes: 0,
    addMetric: vi.fn((name: string, _unit: unknown, value: number) => {
      counts[name] = (counts[name] ?? 0) + value;
      stored += 1;
    }),
    hasStoredMetrics: () => stored > 0,
    publishStoredMetrics: vi.fn(() => {
      metrics.flushes += 1;
      stored = 0;
    }),
  };
  return metrics satisfies EmailMetrics;
};
