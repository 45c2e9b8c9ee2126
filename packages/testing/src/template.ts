import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplate } from '@shop/local-cloud/cloud';

type Template = ReturnType<typeof parseTemplate>;

// template.yaml as local-cloud reads it (one CloudFormation YAML schema: short-form intrinsics
// in their long form), for tests that keep code and template in step.

/** The repository's template.yaml. */
export const templatePath = fileURLToPath(new URL('../../../template.yaml', import.meta.url));

let cached: Template | undefined;

/** The parsed template.yaml (read once per test file). */
export const readTemplate = (): Template => {
  cached ??= parseTemplate(readFileSync(templatePath, 'utf8'), 'template.yaml');
  return cached;
};

/**
 * Walk into parsed YAML by keys; undefined as soon as a key is missing.
 *
 * @example
 * dig(readTemplate(), 'Resources', 'EmailFunction', 'Properties', 'Timeout');
 */
export const dig = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[key]
        : undefined,
    value,
  );

/** A resource's Properties; throws when the template has no such resource. */
export const resourceProperties = (logicalId: string): Record<string, unknown> => {
  const resource = readTemplate().Resources[logicalId];
  if (resource === undefined) throw new Error(`template.yaml has no resource ${logicalId}`);
  return resource.Properties ?? {};
};

/** A function's timeout in milliseconds: its own Timeout, else Globals.Function.Timeout. */
export const functionTimeoutMs = (logicalId: string): number => {
  const seconds =
    resourceProperties(logicalId).Timeout ?? dig(readTemplate(), 'Globals', 'Function', 'Timeout');
  if (typeof seconds !== 'number') throw new Error(`${logicalId} has no numeric Timeout`);
  return 1_000 * seconds;
};

/** One environment variable of a function as the template sets it (Globals, then its own). */
export const functionEnvironmentValue = (logicalId: string, name: string): unknown =>
  dig(resourceProperties(logicalId), 'Environment', 'Variables', name) ??
  dig(readTemplate(), 'Globals', 'Function', 'Environment', 'Variables', name);
