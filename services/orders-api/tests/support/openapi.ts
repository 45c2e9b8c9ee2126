import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// openapi.yaml for tests, with a small JSON Schema checker covering the keywords the document
// uses (type, enum, properties, required, additionalProperties, items, bounds, pattern, oneOf,
// anyOf, format date-time, $ref). As JSON Schema says: lengths count code points, patterns are
// ECMA-262 regexes with the `u` flag.

export type Schema = Record<string, unknown>;

export const openapiPath = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));
export const readOpenApi = (): Schema => parse(readFileSync(openapiPath, 'utf8')) as Schema;

export const resolveRef = (root: Schema, schema: Schema): Schema => {
  let current = schema;
  while (typeof current.$ref === 'string') {
    const path = current.$ref.replace(/^#\//, '').split('/');
    current = path.reduce<Schema>((node, key) => node[key] as Schema, root);
  }
  return current;
};

const typeOf = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

/** Problems of `value` against `schema` (empty when it conforms). */
export const check = (root: Schema, input: Schema, value: unknown, at = '$'): string[] => {
  const schema = resolveRef(root, input);
  const problems: string[] = [];
  const types = schema.type === undefined ? undefined : [schema.type].flat();
  const actual = typeOf(value);
  if (types && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${at}: not in enum`);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      problems.push(`${at}: too short`);
    if (typeof schema.maxLength === 'number' && length > schema.maxLength)
      problems.push(`${at}: too long`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      problems.push(`${at}: pattern`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
      problems.push(`${at}: date-time`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${at}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      problems.push(`${at}: too few items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${at}: too many items`);
    if (schema.items) {
      for (const [i, item] of value.entries()) {
        problems.push(...check(root, schema.items as Schema, item, `${at}[${i}]`));
      }
    }
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) problems.push(`${at}.${name}: required`);
    }
    for (const [name, entry] of Object.entries(object)) {
      if (properties[name]) problems.push(...check(root, properties[name], entry, `${at}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not allowed`);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const matches = (schema.oneOf as Schema[]).filter(
      (option) => check(root, option, value, at).length === 0,
    );
    if (matches.length !== 1) problems.push(`${at}: matches ${matches.length} of oneOf`);
  }
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as Schema[];
    if (!options.some((option) => check(root, option, value, at).length === 0))
      problems.push(`${at}: matches none of anyOf`);
  }
  return problems;
};
