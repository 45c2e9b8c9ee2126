import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../src/triggers/eventbridge/schedule.js';

const at = (iso: string) => new Date(iso);
const cron = (expression: string) => {
  const schedule = parseSchedule(expression);
  if (schedule.kind !== 'cron') throw new Error('not cron');
  return schedule;
};

describe('parseSchedule', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
  ])('reads %s', (expression, everyMs) => {
    // Act / Assess
    expect(parseSchedule(expression)).toEqual({ kind: 'rate', everyMs });
  });

  it('matches cron expressions in UTC', () => {
    // Prepare
    const noonWeekdays = cron('cron(0 12 ? * MON-FRI *)');
    const quarterHours = cron('cron(0/15 * * * ? *)');

    // Act / Assess
    expect(noonWeekdays.matches(at('2026-03-13T12:00:00Z'))).toBe(true); // Friday
    expect(noonWeekdays.matches(at('2026-03-14T12:00:00Z'))).toBe(false); // Saturday
    expect(noonWeekdays.matches(at('2026-03-13T12:01:00Z'))).toBe(false);
    expect(quarterHours.matches(at('2026-03-13T07:45:00Z'))).toBe(true);
    expect(quarterHours.matches(at('2026-03-13T07:50:00Z'))).toBe(false);
  });

  it.each([
    'rate(1 minutes)',
    'rate(0 minutes)',
    'cron(0 12 * * ?)',
    'cron(0 12 L * ? *)',
    'every minute',
  ])('rejects %s', (expression) => {
    // Act / Assess
    expect(() => parseSchedule(expression)).toThrow();
  });
});
