import { parse as parseYaml } from 'yaml';
import { FaultRuleError } from './errors.js';
import {
  FAULT_SERVICES,
  type FaultRuleInput,
  type FaultRuleJson,
  type ParsedFaultRule,
  type TextMatch,
} from './types.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FIELDS = new Set([
  'id',
  'description',
  'service',
  'operation',
  'body',
  'path',
  'per',
  'error',
  'delayMs',
  'holdResponseMs',
  'dropConnection',
  'times',
  'after',
  'probability',
  'seed',
]);

const MAX_WAIT_MS = 600_000;

const integer = (value: unknown, field: string, min: number, max: number): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultRuleError(
      field,
      `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
};

const regexMatch = (value: unknown, field: string): { regex: string; flags?: string } => {
  if (value instanceof RegExp) {
    return value.flags ? { regex: value.source, flags: value.flags } : { regex: value.source };
  }
  if (!isRecord(value) || typeof value.regex !== 'string' || value.regex === '') {
    throw new FaultRuleError(
      field,
      'must be a non-empty string or { "regex": "...", "flags"?: "..." }',
    );
  }
  const extra = Object.keys(value).find((key) => key !== 'regex' && key !== 'flags');
  if (extra) throw new FaultRuleError(`${field}.${extra}`, 'unknown field (expected regex, flags)');
  if (value.flags !== undefined && typeof value.flags !== 'string') {
    throw new FaultRuleError(`${field}.flags`, 'must be a string such as "i"');
  }
  try {
    new RegExp(value.regex, value.flags as string | undefined);
  } catch (error) {
    throw new FaultRuleError(`${field}.regex`, (error as Error).message, { cause: error });
  }
  return value.flags
    ? { regex: value.regex, flags: value.flags as string }
    : { regex: value.regex };
};

const textMatch = (value: unknown, field: string): string | { regex: string; flags?: string } => {
  if (typeof value === 'string' && value !== '') return value;
  return regexMatch(value as TextMatch, field);
};

/**
 * Check one rule (from JSON, YAML or a test) and return it in its JSON form. Every error
 * names the field: `rules[2].error.status: must be an integer from 400 to 599, got 200`.
 */
export const parseFaultRule = (value: unknown, field = 'rule'): ParsedFaultRule => {
  if (!isRecord(value)) throw new FaultRuleError(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) {
      throw new FaultRuleError(
        `${field}.${key}`,
        `unknown field (expected one of ${[...FIELDS].join(', ')})`,
      );
    }
  }
  const rule: ParsedFaultRule = { service: 's3' };
  if (value.id !== undefined) {
    if (typeof value.id !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(value.id)) {
      throw new FaultRuleError(`${field}.id`, 'must be 1-100 letters, digits, ".", "_" or "-"');
    }
    rule.id = value.id;
  }
  if (value.description !== undefined) {
    if (typeof value.description !== 'string')
      throw new FaultRuleError(`${field}.description`, 'must be a string');
    rule.description = value.description;
  }
  if (!FAULT_SERVICES.includes(value.service as never)) {
    throw new FaultRuleError(
      `${field}.service`,
      `must be one of ${FAULT_SERVICES.join(', ')}, got ${JSON.stringify(value.service)}`,
    );
  }
  rule.service = value.service as FaultRuleJson['service'];
  if (value.operation !== undefined) {
    const operations = Array.isArray(value.operation) ? value.operation : [value.operation];
    if (operations.length === 0)
      throw new FaultRuleError(`${field}.operation`, 'must not be empty');
    operations.forEach((operation, i) => {
      if (typeof operation !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(operation)) {
        const at = Array.isArray(value.operation)
          ? `${field}.operation[${i}]`
          : `${field}.operation`;
        throw new FaultRuleError(
          at,
          `must be an AWS action name such as "SendEmail", got ${JSON.stringify(operation)}`,
        );
      }
    });
    rule.operation = value.operation as string | string[];
  }
  if (value.body !== undefined) rule.body = textMatch(value.body, `${field}.body`);
  if (value.path !== undefined) rule.path = textMatch(value.path, `${field}.path`);
  if (value.per !== undefined)
    rule.per = value.per === 'body' ? 'body' : regexMatch(value.per, `${field}.per`);
  if (value.error !== undefined) {
    const error = value.error;
    if (!isRecord(error))
      throw new FaultRuleError(`${field}.error`, 'must be { "status", "code", "message"? }');
    const extra = Object.keys(error).find((key) => !['status', 'code', 'message'].includes(key));
    if (extra)
      throw new FaultRuleError(
        `${field}.error.${extra}`,
        'unknown field (expected status, code, message)',
      );
    const status = integer(error.status, `${field}.error.status`, 400, 599);
    if (typeof error.code !== 'string' || !/^[A-Za-z][A-Za-z0-9.]*$/.test(error.code)) {
      throw new FaultRuleError(
        `${field}.error.code`,
        `must be an AWS error code such as "ServiceUnavailable", got ${JSON.stringify(error.code)}`,
      );
    }
    if (error.message !== undefined && typeof error.message !== 'string') {
      throw new FaultRuleError(`${field}.error.message`, 'must be a string');
    }
    rule.error = {
      status,
      code: error.code,
      ...(error.message === undefined ? {} : { message: error.message as string }),
    };
  }
  if (value.delayMs !== undefined)
    rule.delayMs = integer(value.delayMs, `${field}.delayMs`, 0, MAX_WAIT_MS);
  if (value.holdResponseMs !== undefined) {
    rule.holdResponseMs = integer(value.holdResponseMs, `${field}.holdResponseMs`, 0, MAX_WAIT_MS);
  }
  if (value.dropConnection !== undefined) {
    if (typeof value.dropConnection !== 'boolean')
      throw new FaultRuleError(`${field}.dropConnection`, 'must be true or false');
    rule.dropConnection = value.dropConnection;
  }
  if (value.times !== undefined)
    rule.times = integer(value.times, `${field}.times`, 0, Number.MAX_SAFE_INTEGER);
  if (value.after !== undefined)
    rule.after = integer(value.after, `${field}.after`, 0, Number.MAX_SAFE_INTEGER);
  if (value.probability !== undefined) {
    const p = value.probability;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new FaultRuleError(
        `${field}.probability`,
        `must be a number from 0 to 1, got ${JSON.stringify(p)}`,
      );
    }
    rule.probability = p;
  }
  if (value.seed !== undefined) rule.seed = integer(value.seed, `${field}.seed`, 0, 2 ** 32 - 1);
  const effects = ['error', 'delayMs', 'holdResponseMs', 'dropConnection'].filter(
    (key) =>
      rule[key as keyof typeof rule] !== undefined && rule[key as keyof typeof rule] !== false,
  );
  if (effects.length === 0) {
    throw new FaultRuleError(
      field,
      'needs an effect: error, delayMs, holdResponseMs or dropConnection',
    );
  }
  if (rule.error && (rule.holdResponseMs !== undefined || rule.dropConnection)) {
    throw new FaultRuleError(
      `${field}.error`,
      'answers without forwarding, so it cannot be combined with holdResponseMs or dropConnection',
    );
  }
  return rule;
};

/** Check a list of rules: a bare array or `{ "rules": [...] }`. */
export const parseFaultRules = (value: unknown): Array<ParsedFaultRule> => {
  const list = isRecord(value) ? value.rules : value;
  const field = isRecord(value) ? 'rules' : '';
  if (isRecord(value)) {
    const extra = Object.keys(value).find((key) => key !== 'rules' && key !== 'description');
    if (extra) throw new FaultRuleError(extra, 'unknown field (expected rules, description)');
  }
  if (!Array.isArray(list)) throw new FaultRuleError(field || 'rules', 'must be a list of rules');
  const rules = list.map((rule, i) => parseFaultRule(rule, `${field}[${i}]`));
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    if (rule.id === undefined) return;
    if (ids.has(rule.id)) throw new FaultRuleError(`${field}[${i}].id`, `duplicate id ${rule.id}`);
    ids.add(rule.id);
  });
  return rules;
};

/** Parse a `--faults` file (JSON, or YAML for .yaml/.yml); errors start with the file name. */
export const parseFaultFile = (text: string, fileName: string): Array<ParsedFaultRule> => {
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(fileName) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new FaultRuleError(
      fileName,
      `not valid ${/\.ya?ml$/i.test(fileName) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return parseFaultRules(value);
  } catch (error) {
    if (!(error instanceof FaultRuleError)) throw error;
    const detail = error.message.slice(error.field.length + 2);
    throw new FaultRuleError(`${fileName}: ${error.field}`, detail, { cause: error });
  }
};

/** A rule's JSON form (regular expressions as `{ regex, flags }`), for sending to another process. */
export const toRuleJson = (rule: FaultRuleInput): ParsedFaultRule => {
  const json = (match: TextMatch | undefined) =>
    match instanceof RegExp
      ? { regex: match.source, ...(match.flags ? { flags: match.flags } : {}) }
      : match;
  const { body, path, per, ...rest } = rule;
  return {
    ...rest,
    ...(body === undefined ? {} : { body: json(body) as FaultRuleJson['body'] }),
    ...(path === undefined ? {} : { path: json(path) as FaultRuleJson['path'] }),
    ...(per === undefined ? {} : { per: json(per) as FaultRuleJson['per'] }),
  };
};
