import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFaultFile } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';

// The sample fault files the README points at (`pnpm dev --faults examples/faults/<file>`)
// must stay valid for local-cloud's parser.
const examples = path.resolve(import.meta.dirname, '..', '..', '..', 'examples', 'faults');

describe('examples/faults', () => {
  it.each(readdirSync(examples))('%s parses into at least one rule', (file) => {
    expect(
      parseFaultFile(readFileSync(path.join(examples, file), 'utf8'), file).length,
    ).toBeGreaterThan(0);
  });
});
