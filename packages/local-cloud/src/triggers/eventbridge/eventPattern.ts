// EventBridge event pattern matching ("Creating event patterns", EventBridge User Guide):
// exact values (strings, numbers, booleans, null), prefix, suffix, equals-ignore-case,
// wildcard, anything-but (values, prefix, suffix, equals-ignore-case), exists, numeric
// ranges, cidr (IPv4) and $or. Also used for SQS and DynamoDB event source mapping
// FilterCriteria. Patterns are checked when the template is provisioned
// (provision/eventPatternProblem.ts), as AWS checks them when a rule or mapping is created.

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MISSING = Symbol('missing');

const wildcardRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

const ipv4 = (text: string): number | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
};

const cidrMatches = (cidr: string, value: unknown): boolean => {
  const [base, bits] = cidr.split('/');
  const address = typeof value === 'string' ? ipv4(value) : undefined;
  const network = base === undefined ? undefined : ipv4(base);
  const size = Number(bits ?? 32);
  if (address === undefined || network === undefined) return false;
  const mask = size === 0 ? 0 : 2 ** 32 - 2 ** (32 - size);
  return (address & mask) >>> 0 === (network & mask) >>> 0;
};

const numericMatches = (conditions: unknown[], value: unknown): boolean => {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok =
      op === '='
        ? value === bound
        : op === '>'
          ? value > bound
          : op === '>='
            ? value >= bound
            : op === '<'
              ? value < bound
              : op === '<='
                ? value <= bound
                : false;
    if (!ok) return false;
  }
  return true;
};

/** Does one value (never an array) satisfy one matcher of a pattern's list? */
const matcherMatches = (matcher: unknown, value: unknown): boolean => {
  if (!isRecord(matcher)) {
    if (value === MISSING) return false;
    if (typeof matcher === 'number' && typeof value === 'number') return matcher === value;
    return matcher === value;
  }
  const [op, arg] = Object.entries(matcher)[0] ?? [];
  if (op === 'exists') return (value !== MISSING) === (arg === true);
  if (value === MISSING) return false;
  switch (op) {
    case 'prefix':
      if (isRecord(arg) && typeof arg['equals-ignore-case'] === 'string') {
        return (
          typeof value === 'string' &&
          value.toLowerCase().startsWith(arg['equals-ignore-case'].toLowerCase())
        );
      }
      return typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      if (isRecord(arg) && typeof arg['equals-ignore-case'] === 'string') {
        return (
          typeof value === 'string' &&
          value.toLowerCase().endsWith(arg['equals-ignore-case'].toLowerCase())
        );
      }
      return typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'equals-ignore-case':
      return (
        typeof value === 'string' &&
        typeof arg === 'string' &&
        value.toLowerCase() === arg.toLowerCase()
      );
    case 'wildcard':
      return (
        typeof value === 'string' && typeof arg === 'string' && wildcardRegExp(arg).test(value)
      );
    case 'numeric':
      return Array.isArray(arg) && numericMatches(arg, value);
    case 'cidr':
      return typeof arg === 'string' && cidrMatches(arg, value);
    case 'anything-but': {
      if (isRecord(arg)) {
        // { prefix | suffix | equals-ignore-case | wildcard: one string or a list of them }
        const [inner, innerArg] = Object.entries(arg)[0] ?? [];
        const items = Array.isArray(innerArg) ? innerArg : [innerArg];
        return !items.some((item) => matcherMatches({ [String(inner)]: item }, value));
      }
      const excluded = Array.isArray(arg) ? arg : [arg];
      return !excluded.some((item) => matcherMatches(item, value));
    }
    default:
      throw new Error(`unsupported event pattern matcher ${JSON.stringify(op)}`);
  }
};

const fieldMatches = (matchers: unknown[], value: unknown): boolean => {
  // exists/anything-but look at the field as a whole; other matchers at any array element.
  const values = Array.isArray(value) ? (value.length === 0 ? [MISSING] : value) : [value];
  return matchers.some((matcher) => {
    if (isRecord(matcher) && 'anything-but' in matcher && Array.isArray(value)) {
      return value.every((item) => matcherMatches(matcher, item));
    }
    return values.some((item) => matcherMatches(matcher, item));
  });
};

/**
 * Does an event match an EventBridge event pattern?
 *
 * @example
 * matchesPattern({ source: ['aws.s3'], detail: { object: { key: [{ prefix: 'uploads/' }] } } }, event);
 */
export const matchesPattern = (pattern: unknown, event: unknown): boolean => {
  if (!isRecord(pattern)) return false;
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (
        !Array.isArray(expected) ||
        !expected.some((alternative) => matchesPattern(alternative, event))
      )
        return false;
      continue;
    }
    const value = isRecord(event) && key in event ? event[key] : MISSING;
    if (Array.isArray(expected)) {
      if (!fieldMatches(expected, value)) return false;
    } else if (isRecord(expected)) {
      if (value === MISSING || (Array.isArray(value) && value.length === 0)) {
        // A nested pattern on a missing object matches only if all it asks is absence.
        if (!matchesPattern(expected, {})) return false;
      } else if (Array.isArray(value)) {
        // An array of objects: its elements are the field's values, and one element has to
        // match the whole nested pattern (fields of different elements are not combined).
        if (!value.some((item) => matchesPattern(expected, item))) return false;
      } else if (!matchesPattern(expected, value)) {
        return false;
      }
    } else {
      throw new Error(`event pattern field ${key} must be a list or an object`);
    }
  }
  return true;
};
