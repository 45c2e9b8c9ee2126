import { fileURLToPath } from 'node:url';
import { loadTemplate } from '@shop/local-cloud/cloud';

// template.yaml as local-cloud parses it (short-form intrinsics in their long form), for tests
// that keep the email service's code and the template in step.

export const templatePath = fileURLToPath(new URL('../../../../template.yaml', import.meta.url));

export const readTemplate = () => loadTemplate(templatePath);

/** Walk into parsed YAML by keys: `dig(template, 'Resources', 'EmailFunction', 'Properties')`. */
export const dig = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[key]
        : undefined,
    value,
  );
