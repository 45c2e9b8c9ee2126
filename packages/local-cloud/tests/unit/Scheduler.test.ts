import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import type { LocalStackModel, RuleModel } from '../../src/provision/model.js';
import type { EventBus } from '../../src/triggers/eventbridge/EventBus.js';
import { Scheduler } from '../../src/triggers/eventbridge/Scheduler.js';

const rule = (
  logicalId: string,
  expression: string,
  kind: 'rule' | 'scheduler' = 'rule',
): RuleModel => ({
  logicalId,
  name: `stack-${logicalId}`,
  eventBusName: 'default',
  schedule: { expression, kind },
  targets: [{ id: 't', kind: 'function', resourceId: 'Fn' }],
});

const model = (rules: RuleModel[]) =>
  ({ region: 'us-east-1', accountId: '000000000000', rules }) as unknown as LocalStackModel;

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('fires rate rules every period with a Scheduled Event, and ScheduleV2 rules with {}', () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-03-13T12:00:30Z') });
    const deliver = vi.fn(async (_rule: RuleModel, _event: unknown) => 1);
    const scheduler = new Scheduler(
      model([
        rule('Every', 'rate(1 minute)'),
        rule('V2', 'rate(2 minutes)', 'scheduler'),
        rule('Bad', 'cron(nope)'),
      ]),
      { deliver } as unknown as EventBus,
      memoryLog(),
    );

    // Act
    scheduler.start();
    vi.advanceTimersByTime(120_000);
    scheduler.stop();
    vi.advanceTimersByTime(600_000);

    // Assess
    const fired = deliver.mock.calls.map(([r, event]) => [r.logicalId, event]);
    expect(fired.filter(([id]) => id === 'Every')).toHaveLength(2);
    expect(fired.find(([id]) => id === 'Every')?.[1]).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/stack-Every'],
      detail: {},
    });
    expect(fired.filter(([id]) => id === 'V2')).toEqual([['V2', {}]]);
  });

  it('fires cron rules at matching minutes', () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-03-13T11:58:10Z') });
    const deliver = vi.fn(async (_rule: RuleModel, _event: unknown) => 1);
    const scheduler = new Scheduler(
      model([rule('Noon', 'cron(0 12 * * ? *)')]),
      { deliver } as unknown as EventBus,
      memoryLog(),
    );

    // Act
    scheduler.start();
    vi.advanceTimersByTime(5 * 60_000);
    scheduler.stop();

    // Assess
    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('holds one timer per rate rule and one for the cron rules however long it runs, none once stopped', () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-03-13T00:00:10Z') });
    const deliver = vi.fn(async (_rule: RuleModel, _event: unknown) => 1);
    const scheduler = new Scheduler(
      model([
        rule('Often', 'rate(1 minute)'),
        rule('Hourly', 'cron(0 * * * ? *)'),
        rule('Quarterly', 'cron(0/15 * * * ? *)'),
      ]),
      { deliver } as unknown as EventBus,
      memoryLog(),
    );

    // Act
    scheduler.start();
    const atStart = scheduler.timerCount;
    vi.advanceTimersByTime(3 * 24 * 60 * 60_000);
    const afterThreeDays = scheduler.timerCount;
    const pendingAfterThreeDays = vi.getTimerCount();
    scheduler.stop();

    // Assess
    expect(atStart).toBe(2);
    expect(afterThreeDays).toBe(2);
    expect(pendingAfterThreeDays).toBe(2);
    expect(scheduler.timerCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const fired = deliver.mock.calls.map(([r]) => r.logicalId);
    expect(fired.filter((id) => id === 'Hourly')).toHaveLength(72);
    expect(fired.filter((id) => id === 'Quarterly')).toHaveLength(288);
    expect(fired.filter((id) => id === 'Often')).toHaveLength(3 * 24 * 60);
  });
});
