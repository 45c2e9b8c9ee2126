import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, run } from '../support/devProcess.js';

// shop-bundle (packages/tooling/bin/bundle.mjs) on a throw-away service.
const service = mkdtempSync(path.join(tmpdir(), 'shop-bundle-'));
const source = path.join(service, 'src', 'handlers', 'greet.ts');
mkdirSync(path.dirname(source), { recursive: true });
afterAll(() => rmSync(service, { recursive: true, force: true }));

const bundle = async () => {
  const build = run(
    process.execPath,
    [path.join(repoRoot, 'packages', 'tooling', 'bin', 'bundle.mjs')],
    service,
  );
  return { code: await build.exited, output: build.output() };
};
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
});
