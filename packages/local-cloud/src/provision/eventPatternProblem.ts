// The shape of an EventBridge event pattern (also SQS and DynamoDB FilterCriteria), checked
// when the template is provisioned, as AWS checks it when a rule or a mapping is created: a
// pattern the matcher (triggers/eventbridge/eventPattern.ts) would misread is refused with
// its path instead of matching every event, or none.

import { isRecord } from './context.js';

const STRING_MATCHERS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);
const NUMERIC_OPERATORS = new Set(['=', '>', '>=', '<', '<=']);
const isPrimitive = (value: unknown) =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);
const strings = (value: unknown) =>
  typeof value === 'string' ||
  (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));

/** What is wrong with one matcher of a field's list, or undefined. */
const matcherProblem = (matcher: unknown): string | undefined => {
  if (isPrimitive(matcher)) return undefined;
  if (!isRecord(matcher)) return 'a matcher must be a value or an object';
  const entries = Object.entries(matcher);
  const [op, arg] = entries[0] ?? [];
  if (entries.length !== 1) return 'a matcher object has exactly one key';
  switch (op) {
    case 'prefix':
    case 'suffix':
      return typeof arg === 'string' ||
        (isRecord(arg) &&
          Object.keys(arg).length === 1 &&
          typeof arg['equals-ignore-case'] === 'string')
        ? undefined
        : `${op} takes a string or { "equals-ignore-case": string }`;
    case 'equals-ignore-case':
    case 'wildcard':
    case 'cidr':
      return typeof arg === 'string' ? undefined : `${op} takes a string`;
    case 'exists':
      return typeof arg === 'boolean' ? undefined : 'exists takes true or false';
    case 'numeric': {
      const ok =
        Array.isArray(arg) &&
        arg.length > 0 &&
        arg.length % 2 === 0 &&
        arg.every((item, i) =>
          i % 2 === 0 ? NUMERIC_OPERATORS.has(String(item)) : typeof item === 'number',
        );
      return ok ? undefined : 'numeric takes pairs of an operator (= > >= < <=) and a number';
    }
    case 'anything-but': {
      if (isRecord(arg)) {
        const inner = Object.entries(arg);
        const [innerOp, innerArg] = inner[0] ?? [];
        return inner.length === 1 && STRING_MATCHERS.has(String(innerOp)) && strings(innerArg)
          ? undefined
          : 'anything-but takes a value, a list of values, or { prefix | suffix | equals-ignore-case | wildcard: a string or a list of strings }';
      }
      const values = Array.isArray(arg) ? arg : [arg];
      return values.length > 0 &&
        values.every((v) => typeof v === 'string' || typeof v === 'number')
        ? undefined
        : 'anything-but takes a value, a list of values, or { prefix | suffix | equals-ignore-case | wildcard: ... }';
    }
    default:
      return `unsupported matcher ${JSON.stringify(op)}`;
  }
};

/**
 * What is wrong with an event pattern (the field's path and why), or undefined when local-cloud
 * can match it: fields are lists of matchers or nested objects, `$or` a list of patterns,
 * each matcher one of those the header lists with the argument AWS documents for it.
 *
 * @example
 * eventPatternProblem({ detail: { size: [{ numeric: ['>', 'ten'] }] } });
 * // 'detail.size[0]: numeric takes pairs of an operator (= > >= < <=) and a number'
 */
export const eventPatternProblem = (pattern: unknown, path = ''): string | undefined => {
  if (!isRecord(pattern)) return `${path || 'the pattern'}: must be an object`;
  for (const [key, expected] of Object.entries(pattern)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length === 0)
        return `${at}: takes a list of patterns`;
      for (const [i, alternative] of expected.entries()) {
        const problem = eventPatternProblem(alternative, `${at}[${i}]`);
        if (problem !== undefined) return problem;
      }
    } else if (Array.isArray(expected)) {
      for (const [i, matcher] of expected.entries()) {
        const problem = matcherProblem(matcher);
        if (problem !== undefined) return `${at}[${i}]: ${problem}`;
      }
    } else if (isRecord(expected)) {
      const problem = eventPatternProblem(expected, at);
      if (problem !== undefined) return problem;
    } else {
      return `${at}: must be a list of matchers or an object`;
    }
  }
  return undefined;
};
