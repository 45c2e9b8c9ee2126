import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// local-cloud is a tool of its own: its manifest names no package of the workspace it was
// born in (dependency-cruiser checks the imports of src/ and tests/).
const manifest = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
) as Record<string, unknown>;

describe('package.json', () => {
  it.each(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'])(
    '%s names no @shop/* package',
    (field) => {
      const names = Object.keys((manifest[field] ?? {}) as Record<string, string>);
      expect(names.filter((name) => name.startsWith('@shop/'))).toEqual([]);
    },
  );
});
