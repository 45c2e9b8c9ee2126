import { vi } from 'vitest';
import type { EmailLogger, EmailMetrics } from '../../src/app/telemetry.js';
import type { EmailSender, OutgoingEmail, SentEmailReceipt } from '../../src/domain/ports.js';

/** A sender that records what it sends; `failures` make the next sends throw. */
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

/** One line the fake logger took: level, message, the appended keys and the line's fields. */
export type LoggedLine = { level: string; message: string } & Record<string, unknown>;

/**
 * A logger whose calls can be asserted on (`logger.warn` ... are mocks); `lines` holds every
 * line with the keys appended at the time, as Powertools would print it.
 */
export const fakeLogger = () => {
  const keys: Record<string, unknown> = {};
  const lines: LoggedLine[] = [];
  const level =
    (name: string) =>
    (...args: unknown[]) => {
      const [message, fields] = args;
      lines.push({ level: name, message: String(message), ...keys, ...(fields as object) });
    };
  const logger = {
    lines,
    debug: vi.fn(level('debug')),
    info: vi.fn(level('info')),
    warn: vi.fn(level('warn')),
    error: vi.fn(level('error')),
    appendKeys: vi.fn((attributes: Record<string, unknown>) => {
      Object.assign(keys, attributes);
    }),
    removeKeys: vi.fn((names: string[]) => {
      for (const name of names) delete keys[name];
    }),
  };
  return logger satisfies EmailLogger;
};

/** Metrics that count per name. */
export const fakeMetrics = () => {
  const counts: Record<string, number> = {};
  const metrics = {
    counts,
    addMetric: vi.fn((name: string, _unit: unknown, value: number) => {
      counts[name] = (counts[name] ?? 0) + value;
    }),
  };
  return metrics satisfies EmailMetrics;
};
