// `pnpm demo`: run the shop demo against the `pnpm dev` started from the nearest
// template.yaml (or --template <file>).
//   node --import @shop/tooling/ts-resolve packages/shop-e2e/src/demoCommand.ts
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stateFileFor } from '@shop/local-cloud/cloud';
import { runDemo } from './demo.js';

const findTemplate = (start: string): string | undefined => {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'template.yaml');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
};

const { values } = parseArgs({ options: { template: { type: 'string' } } });
const templatePath = path.resolve(
  values.template ?? findTemplate(process.cwd()) ?? 'template.yaml',
);
runDemo(stateFileFor(templatePath)).catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(1);
});
