import type { FaultRuleJson } from './types.js';

const text = (match: FaultRuleJson['body']) =>
  typeof match === 'string' ? JSON.stringify(match) : `/${match?.regex}/${match?.flags ?? ''}`;

/**
 * One line for a rule, as the banner lists it:
 * `ses SendEmail (body "order-1") -> 503 ServiceUnavailable, 2 times per body`.
 */
export const describeFaultRule = (rule: FaultRuleJson): string => {
  const operations = rule.operation === undefined ? '*' : [rule.operation].flat().join('|');
  const filters = [
    ...(rule.body === undefined ? [] : [`body ${text(rule.body)}`]),
    ...(rule.path === undefined ? [] : [`path ${text(rule.path)}`]),
  ];
  const effects = [
    ...(rule.delayMs ? [`delay ${rule.delayMs} ms`] : []),
    ...(rule.error ? [`${rule.error.status} ${rule.error.code}`] : []),
    ...(rule.holdResponseMs ? [`forward, hold answer ${rule.holdResponseMs} ms`] : []),
    ...(rule.dropConnection ? ['forward, drop connection'] : []),
  ];
  const counts = [
    ...(rule.after ? [`after ${rule.after}`] : []),
    ...(rule.times === undefined ? [] : [`${rule.times} time${rule.times === 1 ? '' : 's'}`]),
    ...(rule.probability === undefined
      ? []
      : [`p=${rule.probability}${rule.seed === undefined ? '' : ` seed ${rule.seed}`}`]),
  ];
  const per =
    rule.per === undefined ? '' : rule.per === 'body' ? ' per body' : ` per ${text(rule.per)}`;
  return `${rule.service} ${operations}${filters.length ? ` (${filters.join(', ')})` : ''} -> ${effects.join(', ')}${counts.length ? `, ${counts.join(', ')}${per}` : per}`;
};
