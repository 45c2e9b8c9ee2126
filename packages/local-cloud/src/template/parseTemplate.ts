import { readFile } from 'node:fs/promises';
import {
  type CollectionTag,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { TemplateError } from './errors.js';
import type { Template } from './types.js';

// CloudFormation's short-form tags become their long (JSON) form, so everything downstream
// deals with one shape: `!Ref X` -> { Ref: 'X' }, `!GetAtt A.B` -> { 'Fn::GetAtt': ['A','B'] }.
const FUNCTION_TAGS: Record<string, string> = {
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!FindInMap': 'Fn::FindInMap',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!Sub': 'Fn::Sub',
  '!Transform': 'Fn::Transform',
  '!And': 'Fn::And',
  '!Equals': 'Fn::Equals',
  '!If': 'Fn::If',
  '!Not': 'Fn::Not',
  '!Or': 'Fn::Or',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

const toJs = (node: YAMLMap | YAMLSeq): unknown => node.toJSON();

const scalarValue = (fn: string, value: string): unknown => {
  if (fn === 'Fn::GetAtt') {
    const dot = value.indexOf('.');
    return { [fn]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [fn]: value };
};

const tagsFor = (tag: string, fn: string): Array<ScalarTag | CollectionTag> => [
  { tag, resolve: (value: string) => scalarValue(fn, value) },
  { tag, collection: 'seq', resolve: (seq) => ({ [fn]: toJs(seq as YAMLSeq) }) },
  { tag, collection: 'map', resolve: (map) => ({ [fn]: toJs(map as YAMLMap) }) },
];

/** The yaml `customTags` that read every CloudFormation short-form intrinsic. */
export const cloudFormationTags: Array<ScalarTag | CollectionTag> = [
  ...tagsFor('!Ref', 'Ref'),
  ...tagsFor('!Condition', 'Condition'),
  ...tagsFor('!GetAtt', 'Fn::GetAtt'),
  ...Object.entries(FUNCTION_TAGS).flatMap(([tag, fn]) => tagsFor(tag, fn)),
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SECTIONS = [
  'AWSTemplateFormatVersion',
  'Transform',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Globals',
  'Resources',
  'Outputs',
];

/**
 * Parse a CloudFormation/SAM template (YAML or JSON) and check its outline: every section a
 * map, every resource a map with a string `Type`. Errors name the field.
 *
 * @example
 * const template = parseTemplate(await readFile('template.yaml', 'utf8'));
 */
export const parseTemplate = (source: string, fileName = 'template'): Template => {
  const document = parseDocument(source, {
    customTags: cloudFormationTags,
    uniqueKeys: true,
    prettyErrors: true,
  });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const where = first?.linePos?.[0] ? ` (line ${first.linePos[0].line})` : '';
    throw new TemplateError('', `${fileName} is not valid YAML${where}: ${first?.message}`);
  }
  const raw: unknown = document.toJS({ maxAliasCount: 1000 });
  if (!isRecord(raw)) throw new TemplateError('', `${fileName} must be a map of sections`);
  for (const key of Object.keys(raw)) {
    if (!SECTIONS.includes(key)) throw new TemplateError(key, 'unknown top-level section');
  }
  for (const section of ['Parameters', 'Mappings', 'Conditions', 'Globals', 'Outputs']) {
    if (raw[section] !== undefined && !isRecord(raw[section])) {
      throw new TemplateError(section, 'must be a map');
    }
  }
  if (!isRecord(raw.Resources) || Object.keys(raw.Resources).length === 0) {
    throw new TemplateError('Resources', 'must be a map with at least one resource');
  }
  for (const [id, resource] of Object.entries(raw.Resources)) {
    const path = `Resources.${id}`;
    if (!/^[A-Za-z0-9]+$/.test(id)) {
      throw new TemplateError(path, 'logical IDs must be alphanumeric (A-Za-z0-9)');
    }
    if (!isRecord(resource)) throw new TemplateError(path, 'must be a map');
    if (typeof resource.Type !== 'string' || resource.Type === '') {
      throw new TemplateError(`${path}.Type`, 'is required and must be a string');
    }
    if (resource.Properties !== undefined && !isRecord(resource.Properties)) {
      throw new TemplateError(`${path}.Properties`, 'must be a map');
    }
    if (resource.Condition !== undefined && typeof resource.Condition !== 'string') {
      throw new TemplateError(`${path}.Condition`, 'must be the name of a condition');
    }
    const dependsOn = resource.DependsOn;
    if (
      dependsOn !== undefined &&
      typeof dependsOn !== 'string' &&
      !(Array.isArray(dependsOn) && dependsOn.every((d) => typeof d === 'string'))
    ) {
      throw new TemplateError(`${path}.DependsOn`, 'must be a logical ID or a list of them');
    }
  }
  return raw as unknown as Template;
};

/** Read and parse a template file. */
export const loadTemplate = async (file: string): Promise<Template> => {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new TemplateError('', `cannot read template ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseTemplate(source, file);
};
