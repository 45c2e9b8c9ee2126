import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// shop-bundle (@shop/tooling's bin/bundle.mjs), which every service's build and the dev
// loop's rebuilds run, on a throw-away service.
const bundler = fileURLToPath(import.meta.resolve('@shop/tooling/bundle'));
const service = mkdtempSync(path.join(tmpdir(), 'shop-bundle-'));
const source = path.join(service, 'src', 'handlers', 'greet.ts');
mkdirSync(path.dirname(source), { recursive: true });
afterAll(() => rmSync(service, { recursive: true, force: true }));

/** Run the bundler in the service: its exit code and everything it printed. */
const bundle = () =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, [bundler], { cwd: service }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
let loads = 0;
/** What the bundle in dist answers now (a fresh import, as a cold start does). */
const greeting = async () => {
  const file = path.join(service, 'dist', 'greet', 'index.mjs');
  const module = await import(`${pathToFileURL(file).href}?load=${++loads}`);
  return module.handler();
};

describe('shop-bundle', () => {
  it('keeps the previous bundle when a build fails, and swaps in the next good one', async () => {
    // Prepare
    writeFileSync(source, "export const handler = async () => 'one';\n");
    expect((await bundle()).code).toBe(0);
    expect(await greeting()).toBe('one');

    // Act
    writeFileSync(source, "export const handler = async () => { return 'two' ;\n");
    const failed = await bundle();

    // Assess
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/src\/handlers\/greet\.ts:2:\d+/);
    expect(failed.output).toContain('dist/ still holds the previous bundle');
    expect(await greeting()).toBe('one');

    // Act
    writeFileSync(source, "export const handler = async () => 'three';\n");
    const fixed = await bundle();

    // Assess
    expect(fixed.code).toBe(0);
    expect(await greeting()).toBe('three');
    expect(readdirSync(service).sort()).toEqual(['dist', 'src']); // no staging folder left
    expect(readdirSync(path.join(service, 'dist')).sort()).toEqual(['bundle-sizes.json', 'greet']);
    expect(readdirSync(path.join(service, 'dist', 'greet')).sort()).toEqual([
      'index.mjs',
      'index.mjs.map',
    ]);
  });

  it('reaches every built-in through process.getBuiltinModule, names with digits included', async () => {
    // Prepare: built-ins as ESM imports (with and without node:, digits in the name) and as a
    // CommonJS require.
    writeFileSync(
      source,
      [
        "import { getHeapStatistics } from 'node:v8';",
        "import { constants } from 'http2';",
        "import { join } from 'node:path';",
        "const { createHash } = require('node:crypto');",
        'export const handler = async () =>',
        "  [typeof getHeapStatistics, typeof constants, join('a', 'b'), createHash('md5').update('').digest('hex').length].join(',');",
      ].join('\n'),
    );

    // Act
    const built = await bundle();
    const code = readFileSync(path.join(service, 'dist', 'greet', 'index.mjs'), 'utf8');

    // Assess: no ESM import of a built-in is left (each would build the module's ESM facade at
    // a cold start), and the bundle still works.
    expect(built.code).toBe(0);
    expect(code.match(/(?:from|import)\s*["'](?:node:)?(?:v8|http2|path|crypto)["']/g)).toBeNull();
    expect(code).toContain('process.getBuiltinModule("node:v8")');
    expect(code).toContain('process.getBuiltinModule("node:http2")');
    expect(await greeting()).toBe('function,object,a/b,32');
  });
});
