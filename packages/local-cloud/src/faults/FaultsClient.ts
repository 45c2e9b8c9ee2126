import { randomUUID } from 'node:crypto';
import { FaultRuleError } from './errors.js';
import type { FaultSet } from './FaultSet.js';
import { toRuleJson } from './parseFaultRules.js';
import type { FaultRuleInput, FaultRuleStats, Faults } from './types.js';

/**
 * The fault rules of backends another process runs (a Vitest global setup, `pnpm dev`),
 * through their control endpoint. Each client is an owner: `clear()` removes only the rules
 * it added, so test files running side by side on one set of backends leave each other's
 * rules alone.
 *
 * @example
 * const faults = new FaultsClient('http://127.0.0.1:4567/_faults');
 * const id = await faults.add({ service: 'sqs', operation: 'SendMessage', error: { status: 400, code: 'ThrottlingException' } });
 */
export class FaultsClient implements Faults {
  readonly url: string;
  private readonly owner: string;

  constructor(url: string, owner: string = randomUUID()) {
    this.url = url.replace(/\/+$/, '');
    this.owner = owner;
  }

  async add(rule: FaultRuleInput): Promise<string> {
    const { rules } = await this.call<{ rules: FaultRuleStats[] }>(
      'POST',
      `?owner=${encodeURIComponent(this.owner)}`,
      toRuleJson(rule),
    );
    return rules[0]?.id as string;
  }

  async list(): Promise<FaultRuleStats[]> {
    return (await this.call<{ rules: FaultRuleStats[] }>('GET', '')).rules;
  }

  stats(id: string): Promise<FaultRuleStats> {
    return this.call('GET', `/${encodeURIComponent(id)}`);
  }

  async matched(id: string): Promise<number> {
    return (await this.stats(id)).matched;
  }

  async applied(id: string): Promise<number> {
    return (await this.stats(id)).applied;
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/${encodeURIComponent(id)}`);
  }

  async clear(): Promise<void> {
    await this.call('DELETE', `?owner=${encodeURIComponent(this.owner)}`);
  }

  private async call<T>(method: string, suffix: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${suffix}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const value = (await response.json()) as T & { message?: string; field?: string };
    if (response.status === 400 && value.field) {
      throw new FaultRuleError(value.field, value.message?.slice(value.field.length + 2) ?? '');
    }
    if (!response.ok) {
      throw new Error(`${method} ${this.url}${suffix}: ${response.status} ${value.message ?? ''}`);
    }
    return value;
  }
}

/** The same API over a rule set in this process (where the backends run). */
export const localFaults = (set: FaultSet, url: string): Faults => {
  const stats = async (id: string) => {
    const found = set.stats(id);
    if (found === undefined) throw new Error(`no fault rule ${id}`);
    return found;
  };
  return {
    url,
    add: async (rule) => set.add(toRuleJson(rule)).id,
    list: async () => set.list(),
    stats,
    matched: async (id) => (await stats(id)).matched,
    applied: async (id) => (await stats(id)).applied,
    remove: async (id) => {
      set.remove(id);
    },
    clear: async () => {
      set.clear();
    },
  };
};
