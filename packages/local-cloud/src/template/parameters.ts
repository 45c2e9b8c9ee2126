import { TemplateError, type Warnings } from './errors.js';
import type { ParameterValue, TemplateParameter } from './types.js';

/**
 * Parse SAM-style parameter overrides: `Key=Value Key2="a b"` or
 * `ParameterKey=Key,ParameterValue=Value`, as `sam deploy --parameter-overrides` takes them.
 *
 * @example
 * parseParameterOverrides('Stage=dev JwtIssuer="https://issuer.local"');
 * // { Stage: 'dev', JwtIssuer: 'https://issuer.local' }
 */
export const parseParameterOverrides = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const pattern =
    /ParameterKey=([^,\s]+),ParameterValue=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)|([A-Za-z0-9]+)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g;
  for (const match of text.matchAll(pattern)) {
    const key = (match[1] ?? match[3]) as string;
    const raw = (match[2] ?? match[4] ?? '') as string;
    out[key] = unquote(raw);
  }
  const rest = text.replace(pattern, '').trim();
  if (rest !== '') {
    throw new TemplateError('', `cannot read parameter override "${rest}" (use Key=Value)`);
  }
  return out;
};

const unquote = (raw: string): string => {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1);
  return raw;
};

const isList = (type: string) =>
  type === 'CommaDelimitedList' || type.startsWith('List<') || type.includes('::List<');

const validate = (name: string, spec: TemplateParameter, value: string, source: string) => {
  const path = `Parameters.${name}`;
  const type = spec.Type ?? 'String';
  const fail = (why: string) => {
    throw new TemplateError(path, `${source} value ${JSON.stringify(value)} ${why}`);
  };
  if (spec.AllowedValues && !spec.AllowedValues.map(String).includes(value)) {
    fail(`is not one of: ${spec.AllowedValues.map(String).join(', ')}`);
  }
  if (
    spec.AllowedPattern !== undefined &&
    !new RegExp(`^(?:${spec.AllowedPattern})$`).test(value)
  ) {
    fail(`does not match AllowedPattern ${spec.AllowedPattern}`);
  }
  if (spec.MinLength !== undefined && value.length < Number(spec.MinLength)) {
    fail(`is shorter than MinLength ${spec.MinLength}`);
  }
  if (spec.MaxLength !== undefined && value.length > Number(spec.MaxLength)) {
    fail(`is longer than MaxLength ${spec.MaxLength}`);
  }
  if (type === 'Number') {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) fail('is not a number');
    if (spec.MinValue !== undefined && number < Number(spec.MinValue)) {
      fail(`is below MinValue ${spec.MinValue}`);
    }
    if (spec.MaxValue !== undefined && number > Number(spec.MaxValue)) {
      fail(`is above MaxValue ${spec.MaxValue}`);
    }
  }
};

/**
 * Every parameter's value: the override if given, else the Default. Validates against
 * AllowedValues/AllowedPattern/lengths/ranges; list types become string lists. Unknown
 * overrides and parameters without a value are errors naming the parameter.
 */
export const resolveParameters = (
  declared: Record<string, TemplateParameter> = {},
  overrides: Record<string, string> = {},
  warnings?: Warnings,
): Map<string, ParameterValue> => {
  for (const name of Object.keys(overrides)) {
    if (!(name in declared)) {
      throw new TemplateError(
        `Parameters.${name}`,
        `override given, but the template declares no such parameter (declared: ${Object.keys(declared).join(', ') || 'none'})`,
      );
    }
  }
  const values = new Map<string, ParameterValue>();
  for (const [name, spec] of Object.entries(declared)) {
    const type = spec.Type ?? 'String';
    let value: string;
    if (name in overrides) {
      value = overrides[name] as string;
      validate(name, spec, value, 'override');
    } else if (spec.Default !== undefined) {
      value = Array.isArray(spec.Default) ? spec.Default.join(',') : String(spec.Default);
      validate(name, spec, value, 'Default');
    } else {
      throw new TemplateError(
        `Parameters.${name}`,
        `has no Default; pass a value with --parameter-overrides ${name}=<value>`,
      );
    }
    if (type.startsWith('AWS::SSM::Parameter::Value') && !(name in overrides)) {
      warnings?.add(
        `Parameters.${name}: SSM parameter values are not looked up locally; using ${JSON.stringify(value)} (override with --parameter-overrides ${name}=<value>)`,
      );
    }
    values.set(
      name,
      isList(type) ? (value === '' ? [] : value.split(',').map((v) => v.trim())) : value,
    );
  }
  return values;
};
