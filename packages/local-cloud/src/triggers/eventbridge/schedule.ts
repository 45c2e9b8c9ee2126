// EventBridge schedule expressions: rate(value unit) and the six-field cron(minutes hours
// day-of-month month day-of-week year), evaluated in UTC. Supported in cron fields: *, ?,
// numbers, names (JAN, MON), lists, ranges and /steps; L, W and # are rejected.

/** A parsed schedule. */
export type Schedule =
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; matches(date: Date): boolean };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const fieldValue = (text: string, names: string[], offset: number): number => {
  const index = names.indexOf(text.toUpperCase());
  if (index >= 0) return index + offset;
  const value = Number(text);
  if (!/^\d+$/.test(text)) throw new Error(`not a number: ${text}`);
  return value;
};

/** The set of values a cron field allows (undefined: any). */
const parseField = (
  field: string,
  min: number,
  max: number,
  names: string[] = [],
  offset = 0,
): Set<number> | undefined => {
  if (field === '*' || field === '?') return undefined;
  if (
    /[LW#]/i.test(
      field.replace(/[A-Z]{3}/gi, (name) => (names.includes(name.toUpperCase()) ? '0' : name)),
    )
  ) {
    throw new Error(`cron field ${field}: L, W and # are not supported locally`);
  }
  const allowed = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = min;
    let to = max;
    if (range !== '*') {
      const [start = '', end] = range.split('-');
      from = fieldValue(start, names, offset);
      to =
        end === undefined ? (stepText === undefined ? from : max) : fieldValue(end, names, offset);
    }
    if (!Number.isInteger(step) || step < 1 || from < min || to > max || from > to) {
      throw new Error(`cron field ${field} is out of range ${min}-${max}`);
    }
    for (let value = from; value <= to; value += step) allowed.add(value);
  }
  return allowed;
};

/**
 * Parse `rate(5 minutes)` or `cron(0 12 * * ? *)`.
 *
 * @example
 * parseSchedule('rate(1 minute)'); // { kind: 'rate', everyMs: 60000 }
 */
export const parseSchedule = (expression: string): Schedule => {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const unit = (rate[2] as string).replace(/s$/, '');
    if (value < 1 || (value === 1) !== (rate[2] === unit))
      throw new Error(`invalid rate expression ${expression}`);
    return { kind: 'rate', everyMs: value * (UNITS[unit] as number) };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`not a schedule expression: ${expression}`);
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6)
    throw new Error(
      `cron needs 6 fields (minutes hours day-of-month month day-of-week year): ${expression}`,
    );
  const [minutes, hours, days, months, weekdays, years] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const minute = parseField(minutes, 0, 59);
  const hour = parseField(hours, 0, 23);
  const day = parseField(days, 1, 31);
  const month = parseField(months, 1, 12, MONTHS, 1);
  const weekday = parseField(weekdays, 1, 7, DAYS, 1);
  const year = parseField(years, 1970, 2199);
  const has = (set: Set<number> | undefined, value: number) => set === undefined || set.has(value);
  return {
    kind: 'cron',
    matches: (date) =>
      has(minute, date.getUTCMinutes()) &&
      has(hour, date.getUTCHours()) &&
      has(day, date.getUTCDate()) &&
      has(month, date.getUTCMonth() + 1) &&
      has(weekday, date.getUTCDay() + 1) &&
      has(year, date.getUTCFullYear()),
  };
};
