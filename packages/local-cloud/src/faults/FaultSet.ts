import { FaultRuleError } from './errors.js';
import { parseFaultRule } from './parseFaultRules.js';
import type {
  AwsRequestInfo,
  FaultDecision,
  FaultRuleJson,
  FaultRuleStats,
  FaultService,
} from './types.js';

interface Counter {
  seen: number;
  applied: number;
}

interface ActiveRule {
  json: FaultRuleJson;
  owner: string | undefined;
  operations: ReadonlySet<string> | undefined;
  body: ((text: string) => boolean) | undefined;
  path: ((text: string) => boolean) | undefined;
  per: ((body: string) => string | undefined) | undefined;
  random: () => number;
  matched: number;
  applied: number;
  total: Counter;
  perKey: Map<string, Counter>;
}

// mulberry32: small, fast and good enough to make `probability` repeatable with a seed.
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const matcher = (match: FaultRuleJson['body']) => {
  if (match === undefined) return undefined;
  if (typeof match === 'string') return (text: string) => text.includes(match);
  const regex = new RegExp(match.regex, (match.flags ?? '').replace('g', ''));
  return (text: string) => regex.test(text);
};

const keyer = (per: FaultRuleJson['per']) => {
  if (per === undefined) return undefined;
  if (per === 'body') return (body: string) => body;
  const regex = new RegExp(per.regex, (per.flags ?? '').replace('g', ''));
  return (body: string) => {
    const found = regex.exec(body);
    return found ? (found[1] ?? found[0]) : undefined;
  };
};

/**
 * The rules of one set of backends, with their counters. Each request is checked against
 * every rule in the order they were added: each rule whose filters match counts it
 * (`matched`); the first of them that is eligible (past `after`, under `times`, and lucky
 * with `probability`) is applied (`applied`) and decides what happens to the request.
 */
export class FaultSet {
  private readonly rules = new Map<string, ActiveRule>();
  private nextId = 1;

  constructor(rules: unknown[] = []) {
    for (const rule of rules) this.add(rule);
  }

  get size(): number {
    return this.rules.size;
  }

  /** Whether any rule could apply to a request of this service (unknown: any rule at all). */
  concerns(service: FaultService | undefined): boolean {
    if (this.rules.size === 0) return false;
    if (service === undefined) return true;
    for (const rule of this.rules.values()) if (rule.json.service === service) return true;
    return false;
  }

  /** Check and add a rule; returns it with its (possibly generated) id. */
  add(input: unknown, owner?: string): FaultRuleStats {
    const parsed = parseFaultRule(input);
    let id = parsed.id;
    if (id === undefined) {
      do id = `${parsed.service}-${parsed.error?.code ?? 'fault'}-${this.nextId++}`;
      while (this.rules.has(id));
    } else if (this.rules.has(id)) {
      throw new FaultRuleError('rule.id', `a rule with id ${id} exists already`);
    }
    const json: FaultRuleJson = { ...parsed, id };
    const operations = json.operation === undefined ? undefined : [json.operation].flat();
    const rule: ActiveRule = {
      json,
      owner,
      operations: operations ? new Set(operations) : undefined,
      body: matcher(json.body),
      path: matcher(json.path),
      per: keyer(json.per),
      random: json.seed === undefined ? Math.random : seeded(json.seed),
      matched: 0,
      applied: 0,
      total: { seen: 0, applied: 0 },
      perKey: new Map(),
    };
    this.rules.set(id, rule);
    return this.statsOf(rule);
  }

  remove(id: string): boolean {
    return this.rules.delete(id);
  }

  /** Remove every rule, or only those an owner added; returns how many went. */
  clear(owner?: string): number {
    let removed = 0;
    for (const [id, rule] of this.rules) {
      if (owner !== undefined && rule.owner !== owner) continue;
      this.rules.delete(id);
      removed++;
    }
    return removed;
  }

  list(): FaultRuleStats[] {
    return [...this.rules.values()].map((rule) => this.statsOf(rule));
  }

  stats(id: string): FaultRuleStats | undefined {
    const rule = this.rules.get(id);
    return rule && this.statsOf(rule);
  }

  /** Count the request against every rule; the first eligible rule decides. */
  decide(request: AwsRequestInfo): FaultDecision | undefined {
    let decision: FaultDecision | undefined;
    for (const rule of this.rules.values()) {
      if (!this.matches(rule, request)) continue;
      const key = rule.per?.(request.body);
      if (rule.per && key === undefined) continue;
      let counter = rule.total;
      if (key !== undefined) {
        counter = rule.perKey.get(key) ?? { seen: 0, applied: 0 };
        rule.perKey.set(key, counter);
      }
      rule.matched++;
      counter.seen++;
      if (decision !== undefined) continue;
      const { after = 0, times, probability } = rule.json;
      if (counter.seen <= after) continue;
      if (times !== undefined && counter.applied >= times) continue;
      if (probability !== undefined && !(rule.random() < probability)) continue;
      counter.applied++;
      rule.applied++;
      decision = {
        ruleId: rule.json.id,
        ...(rule.json.error ? { error: rule.json.error } : {}),
        delayMs: rule.json.delayMs ?? 0,
        holdResponseMs: rule.json.holdResponseMs ?? 0,
        dropConnection: rule.json.dropConnection === true,
      };
    }
    return decision;
  }

  private matches(rule: ActiveRule, request: AwsRequestInfo): boolean {
    if (rule.json.service !== request.service) return false;
    if (rule.operations && !rule.operations.has(request.operation ?? '')) return false;
    if (rule.body && !rule.body(request.body)) return false;
    if (rule.path && !rule.path(request.path)) return false;
    return true;
  }

  private statsOf(rule: ActiveRule): FaultRuleStats {
    return {
      id: rule.json.id,
      matched: rule.matched,
      applied: rule.applied,
      keys: rule.perKey.size,
      rule: rule.json,
    };
  }
}
