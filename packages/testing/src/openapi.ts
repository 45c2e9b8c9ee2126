import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** A JSON Schema (or any part of an OpenAPI document) as parsed YAML. */
export type Schema = Record<string, unknown>;

/** An OpenAPI 3.1 document with a JSON Schema 2020-12 validator over its schemas. */
export interface OpenApi {
  readonly document: Schema;
  /** Follow `$ref`s (`#/components/...`) until a node that is not a reference. */
  resolve(node: Schema): Schema;
  /** The problems of `value` against `schema` (a node of the document); empty when it conforms. */
  check(schema: Schema, value: unknown): string[];
}

const DOCUMENT_ID = 'openapi.yaml';

/** Point a node's local `$ref`s (`#/...`) at the document, so it compiles on its own. */
const anchorRefs = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(anchorRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${DOCUMENT_ID}${value}`
        : anchorRefs(value),
    ]),
  );
};

/**
 * Load an OpenAPI 3.1 document and validate values against its schemas with Ajv (JSON Schema
 * 2020-12, the dialect OpenAPI 3.1 uses; ajv-formats for `date-time`, `uri` ...). As JSON
 * Schema says, lengths count code points and patterns are `u`-flag regexes.
 *
 * @example
 * const api = loadOpenApi(openapiPath);
 * const schema = api.resolve(operation.responses['201']).content['application/json'].schema;
 * expect(api.check(schema, JSON.parse(response.body))).toEqual([]);
 */
export const loadOpenApi = (file: string): OpenApi => {
  const document = parse(readFileSync(file, 'utf8')) as Schema;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const resolve = (node: Schema): Schema => {
    let current = node;
    while (typeof current.$ref === 'string') {
      const path = current.$ref.replace(/^#\//, '').split('/');
      current = path.reduce<Schema>((at, key) => at[key] as Schema, document);
    }
    return current;
  };
  return {
    document,
    resolve,
    check: (schema, value) => {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (validate === undefined) {
        validate = ajv.compile(anchorRefs(schema) as Schema);
        compiled.set(key, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map(
        (error) => `$${error.instancePath.replaceAll('/', '.')}: ${error.message}`,
      );
    },
  };
};
