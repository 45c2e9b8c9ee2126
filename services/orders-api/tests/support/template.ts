import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CollectionTag, parse, type ScalarTag } from 'yaml';

// template.yaml with CloudFormation's short-form intrinsics (!Ref, !GetAtt, !Sub, ...) read
// into their long form ({ Ref: ... }, { 'Fn::GetAtt': [...] }), for tests that keep code and
// template in step.

const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
];

const intrinsicTags = (): (ScalarTag | CollectionTag)[] => {
  const tags: (ScalarTag | CollectionTag)[] = [];
  const add = (name: string, toValue: (value: unknown) => unknown) => {
    for (const collection of [undefined, 'seq', 'map'] as const) {
      const tag = `!${name}`;
      if (collection === undefined) {
        tags.push({ tag, resolve: (value: string) => toValue(value) } as ScalarTag);
      } else {
        tags.push({
          tag,
          collection,
          resolve: (value: { toJSON(): unknown }) => toValue(value.toJSON()),
        } as unknown as CollectionTag);
      }
    }
  };
  add('Ref', (value) => ({ Ref: value }));
  add('GetAtt', (value) => ({
    'Fn::GetAtt': typeof value === 'string' ? value.split('.') : value,
  }));
  add('Condition', (value) => ({ Condition: value }));
  for (const name of FUNCTIONS) add(name, (value) => ({ [`Fn::${name}`]: value }));
  return tags;
};

export interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Template {
  Parameters: Record<string, Record<string, unknown>>;
  Resources: Record<string, TemplateResource>;
  Outputs: Record<string, Record<string, unknown>>;
}

export const templatePath = fileURLToPath(new URL('../../../../template.yaml', import.meta.url));

export const readTemplate = (): Template =>
  parse(readFileSync(templatePath, 'utf8'), { customTags: intrinsicTags() }) as Template;

/** Walk into parsed YAML by keys and indexes: `dig(resource, 'Properties', 'Events', 0)`. */
export const dig = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object'
        ? (current as Record<string | number, unknown>)[key]
        : undefined,
    value,
  );
