import { TemplateError } from './errors.js';
import type { ParameterValue, Template } from './types.js';

/** What `!Ref AWS::NoValue` resolves to; maps and lists drop it, as CloudFormation does. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** What the evaluator needs from the stack around it. */
export interface IntrinsicContext {
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  /** `AWS::Region`, `AWS::AccountId` ... (not `AWS::NoValue`). */
  readonly pseudo: Readonly<Record<string, unknown>>;
  readonly mappings?: Template['Mappings'];
  condition(name: string, path: string): boolean;
  /** `Ref` of a resource. */
  ref(logicalId: string, path: string): unknown;
  getAtt(logicalId: string, attribute: string, path: string): unknown;
  warn(message: string): void;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ Ref: X }` / `{ 'Fn::Sub': ... }`: a one-key map naming an intrinsic function. */
export const intrinsicName = (value: unknown): string | undefined => {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
};

const short = (fn: string) => (fn === 'Ref' ? '!Ref' : `!${fn.slice(4)}`);

const asList = (value: unknown, path: string, what: string): unknown[] => {
  if (!Array.isArray(value)) throw new TemplateError(path, `${what} must be a list`);
  return value;
};

const asString = (value: unknown, path: string, what: string): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(path, `${what} must be a string, got ${describe(value)}`);
};

const describe = (value: unknown): string => {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (value === NO_VALUE) return 'AWS::NoValue';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
};

const SUB_PATTERN = /\$\{([^}]*)\}/g;

/** The `${...}` names of a `!Sub` string (`${!Literal}` escapes excluded). */
export const subVariables = (text: string): string[] =>
  [...text.matchAll(SUB_PATTERN)]
    .map((match) => (match[1] ?? '').trim())
    .filter((name) => !name.startsWith('!'));

const refValue = (name: string, ctx: IntrinsicContext, path: string): unknown => {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (ctx.parameters.has(name)) return ctx.parameters.get(name);
  if (name.startsWith('AWS::')) {
    if (name in ctx.pseudo) return ctx.pseudo[name];
    throw new TemplateError(path, `!Ref ${name}: unknown pseudo parameter`);
  }
  return ctx.ref(name, path);
};

const getAtt = (args: unknown, ctx: IntrinsicContext, path: string): unknown => {
  const list = asList(args, path, '!GetAtt');
  const [id, attribute] = list.map((part, i) =>
    asString(resolveValue(part, ctx, `${path}[${i}]`), path, '!GetAtt arguments'),
  );
  if (id === undefined || attribute === undefined || list.length !== 2) {
    throw new TemplateError(path, '!GetAtt needs LogicalId.Attribute');
  }
  return ctx.getAtt(id, attribute, path);
};

const sub = (args: unknown, ctx: IntrinsicContext, path: string): string => {
  let text: string;
  let variables: Json = {};
  if (Array.isArray(args)) {
    if (args.length !== 2 || !isRecord(args[1])) {
      throw new TemplateError(path, '!Sub list form is [string, { Name: value }]');
    }
    text = asString(args[0], path, '!Sub template');
    variables = args[1];
  } else {
    text = asString(args, path, '!Sub template');
  }
  return text.replace(SUB_PATTERN, (_whole, rawName: string) => {
    const name = rawName.trim();
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    let value: unknown;
    if (name in variables) {
      value = resolveValue(variables[name], ctx, `${path}.${name}`);
    } else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      value = ctx.getAtt(name.slice(0, dot), name.slice(dot + 1), path);
    } else {
      value = refValue(name, ctx, path);
    }
    if (Array.isArray(value)) {
      throw new TemplateError(path, `!Sub \${${name}} is a list; use !Join`);
    }
    return asString(value, path, `!Sub \${${name}}`);
  });
};

const findInMap = (args: unknown, ctx: IntrinsicContext, path: string): unknown => {
  const list = asList(resolveValue(args, ctx, path), path, '!FindInMap');
  const [mapName, top, second, options] = list;
  const names = [mapName, top, second].map((k) => asString(k, path, '!FindInMap keys'));
  const found = ctx.mappings?.[names[0] as string]?.[names[1] as string]?.[names[2] as string];
  if (found !== undefined) return found;
  if (isRecord(options) && 'DefaultValue' in options) return options.DefaultValue;
  throw new TemplateError(path, `!FindInMap: no value at ${names.join('.')}`);
};

const FUNCTIONS: Record<string, (args: unknown, ctx: IntrinsicContext, path: string) => unknown> = {
  Ref: (args, ctx, path) => refValue(asString(args, path, '!Ref'), ctx, path),
  'Fn::GetAtt': getAtt,
  'Fn::Sub': sub,
  'Fn::Join': (args, ctx, path) => {
    const [delimiter, items] = asList(args, path, '!Join');
    const list = resolveValue(items, ctx, `${path}[1]`);
    return asList(list, path, '!Join values')
      .filter((item) => item !== NO_VALUE)
      .map((item) => asString(item, path, '!Join values'))
      .join(asString(delimiter, path, '!Join delimiter'));
  },
  'Fn::Select': (args, ctx, path) => {
    const [index, items] = asList(args, path, '!Select');
    const i = Number(resolveValue(index, ctx, `${path}[0]`));
    const list = asList(resolveValue(items, ctx, `${path}[1]`), path, '!Select values');
    if (!Number.isInteger(i) || i < 0 || i >= list.length) {
      throw new TemplateError(path, `!Select index ${i} is out of range (${list.length} items)`);
    }
    return list[i];
  },
  'Fn::Split': (args, ctx, path) => {
    const [delimiter, text] = asList(args, path, '!Split');
    const source = asString(resolveValue(text, ctx, `${path}[1]`), path, '!Split source');
    return source.split(asString(delimiter, path, '!Split delimiter'));
  },
  'Fn::If': (args, ctx, path) => {
    const [name, whenTrue, whenFalse] = asList(args, path, '!If');
    if (typeof name !== 'string') throw new TemplateError(path, '!If needs a condition name');
    return ctx.condition(name, path)
      ? resolveValue(whenTrue, ctx, `${path}[1]`)
      : resolveValue(whenFalse, ctx, `${path}[2]`);
  },
  'Fn::Base64': (args, ctx, path) =>
    Buffer.from(asString(resolveValue(args, ctx, path), path, '!Base64')).toString('base64'),
  'Fn::GetAZs': (args, ctx, path) => {
    const region =
      asString(resolveValue(args, ctx, path), path, '!GetAZs') || ctx.pseudo['AWS::Region'];
    return ['a', 'b', 'c'].map((zone) => `${String(region)}${zone}`);
  },
  'Fn::ImportValue': (args, ctx, path) => {
    const name = asString(resolveValue(args, ctx, path), path, '!ImportValue');
    ctx.warn(`${path}: !ImportValue ${name} has no local stack to import from; using "${name}"`);
    return name;
  },
  'Fn::FindInMap': findInMap,
  'Fn::Length': (args, ctx, path) => asList(resolveValue(args, ctx, path), path, '!Length').length,
  'Fn::ToJsonString': (args, ctx, path) => JSON.stringify(resolveValue(args, ctx, path)),
  'Fn::Equals': (args, ctx, path) => evaluateCondition({ 'Fn::Equals': args }, ctx, path),
  'Fn::Not': (args, ctx, path) => evaluateCondition({ 'Fn::Not': args }, ctx, path),
  'Fn::And': (args, ctx, path) => evaluateCondition({ 'Fn::And': args }, ctx, path),
  'Fn::Or': (args, ctx, path) => evaluateCondition({ 'Fn::Or': args }, ctx, path),
};

/**
 * Resolve every intrinsic function in a value. `AWS::NoValue` removes map entries and list
 * items; errors name the path of the field.
 *
 * @example
 * resolveValue({ 'Fn::Sub': '${AWS::StackName}-uploads' }, ctx, 'Resources.B.Properties.BucketName');
 */
export const resolveValue = (value: unknown, ctx: IntrinsicContext, path: string): unknown => {
  const fn = intrinsicName(value);
  if (fn !== undefined) {
    const implementation = FUNCTIONS[fn];
    if (implementation === undefined) {
      throw new TemplateError(path, `${short(fn)} is not supported locally`);
    }
    return implementation((value as Json)[fn], ctx, path);
  }
  if (Array.isArray(value)) {
    return value
      .map((item, i) => resolveValue(item, ctx, `${path}[${i}]`))
      .filter((item) => item !== NO_VALUE);
  }
  if (isRecord(value)) {
    const out: Json = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveValue(item, ctx, path === '' ? key : `${path}.${key}`);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }
  return value;
};

const conditionArgs = (args: unknown, path: string, fn: string, count?: number): unknown[] => {
  const list = asList(args, path, fn);
  if (count !== undefined && list.length !== count) {
    throw new TemplateError(path, `${fn} takes ${count} argument(s)`);
  }
  return list;
};

/** Evaluate a condition expression (`!Equals`, `!Not`, `!And`, `!Or`, `!Condition`). */
export const evaluateCondition = (expr: unknown, ctx: IntrinsicContext, path: string): boolean => {
  if (isRecord(expr) && Object.keys(expr).length === 1 && typeof expr.Condition === 'string') {
    return ctx.condition(expr.Condition, path);
  }
  const fn = intrinsicName(expr);
  const args = fn === undefined ? undefined : (expr as Json)[fn];
  switch (fn) {
    case 'Fn::Equals': {
      const [a, b] = conditionArgs(args, path, '!Equals', 2).map((side, i) =>
        resolveValue(side, ctx, `${path}[${i}]`),
      );
      return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
    }
    case 'Fn::Not':
      return !evaluateCondition(conditionArgs(args, path, '!Not', 1)[0], ctx, `${path}[0]`);
    case 'Fn::And':
      return conditionArgs(args, path, '!And').every((c, i) =>
        evaluateCondition(c, ctx, `${path}[${i}]`),
      );
    case 'Fn::Or':
      return conditionArgs(args, path, '!Or').some((c, i) =>
        evaluateCondition(c, ctx, `${path}[${i}]`),
      );
    default: {
      const value = resolveValue(expr, ctx, path);
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw new TemplateError(path, `not a condition: ${describe(value)}`);
    }
  }
};

// CloudFormation compares the string forms: !Equals [!Ref Count, 3] holds for "3".
const normalise = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(normalise)
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : value;
