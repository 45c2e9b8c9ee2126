import { randomUUID } from 'node:crypto';
import type { RunnerLog } from '../../lambda/types.js';
import type { LocalStackModel, RuleModel } from '../../provision/model.js';
import type { EventBus } from './EventBus.js';
import { parseSchedule, type Schedule } from './schedule.js';

/** The event EventBridge sends for a scheduled rule. */
export const scheduledEvent = (rule: RuleModel, model: LocalStackModel, now = new Date()) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: model.accountId,
  time: `${now.toISOString().slice(0, 19)}Z`,
  region: model.region,
  resources: [`arn:aws:events:${model.region}:${model.accountId}:rule/${rule.name}`],
  detail: {},
});

/**
 * Fires scheduled rules (Schedule / ScheduleV2 events, rules with ScheduleExpression):
 * `rate(...)` every period from start, `cron(...)` at each matching UTC minute. It holds one
 * interval per rate rule and one timeout for all cron rules (replaced each minute, the fired
 * one released), so a run of days keeps as few timers as a run of minutes.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly model: LocalStackModel;
  private readonly bus: EventBus;
  private readonly log: RunnerLog;

  constructor(model: LocalStackModel, bus: EventBus, log: RunnerLog) {
    this.model = model;
    this.bus = bus;
    this.log = log;
  }

  start(): void {
    const crons: Array<{ rule: RuleModel; schedule: Extract<Schedule, { kind: 'cron' }> }> = [];
    for (const rule of this.model.rules) {
      if (rule.schedule === undefined) continue;
      let schedule: Schedule;
      try {
        schedule = parseSchedule(rule.schedule.expression);
      } catch (error) {
        this.log.warn(`rule ${rule.logicalId}: ${(error as Error).message}; not scheduled`);
        continue;
      }
      if (schedule.kind === 'rate') {
        this.timers.add(setInterval(() => this.fire(rule), schedule.everyMs).unref());
      } else {
        crons.push({ rule, schedule });
      }
    }
    if (crons.length === 0) return;
    const next = () => {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          const now = new Date();
          for (const { rule, schedule } of crons) if (schedule.matches(now)) this.fire(rule);
          next();
        },
        60_000 - (Date.now() % 60_000),
      ).unref();
      this.timers.add(timer);
    };
    next();
  }

  /** Timers held right now (one per rate rule, one for the cron rules; none once stopped). */
  get timerCount(): number {
    return this.timers.size;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private fire(rule: RuleModel) {
    const event = rule.schedule?.kind === 'scheduler' ? {} : scheduledEvent(rule, this.model);
    void this.bus.deliver(rule, event);
  }
}
