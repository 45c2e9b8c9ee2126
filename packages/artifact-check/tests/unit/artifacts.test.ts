import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactError, layOut, leakyAncestors } from '../../src/artifacts.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'artifact-check-test-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const write = async (file: string, text: string) => {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
};

describe('layOut', () => {
  it('copies the code to var/task and the layers, in order, to opt', async () => {
    // Prepare
    await write('build/Fn/index.mjs', 'export const handler = () => 1;');
    await write('build/A/nodejs/node_modules/a/index.js', 'first');
    await write('build/B/nodejs/node_modules/a/index.js', 'second');
    const layers = ['A', 'B'].map((id) => ({ logicalId: id, dir: path.join(dir, 'build', id) }));

    // Act
    const layout = await layOut('Fn', path.join(dir, 'build/Fn'), layers, path.join(dir, 'env'));

    // Assess
    expect(await readFile(path.join(layout.taskDir, 'index.mjs'), 'utf8')).toContain('handler');
    expect(await readFile(path.join(layout.optDir, 'nodejs/node_modules/a/index.js'), 'utf8')).toBe(
      'second',
    );
    expect(layout.nodePath.split(':')).toEqual([
      path.join(dir, 'env/opt/nodejs/node24/node_modules'),
      path.join(dir, 'env/opt/nodejs/node_modules'),
      path.join(dir, 'env/var/runtime/node_modules'),
      path.join(dir, 'env/var/runtime'),
      path.join(dir, 'env/var/task'),
    ]);
    expect(layout.layers).toEqual(['A', 'B']);
  });

  it('refuses symlinks and a missing code folder', async () => {
    // Prepare
    await write('build/Fn/index.mjs', '');
    await symlink('/usr', path.join(dir, 'build/Fn/node_modules'));

    // Act
    const linked = await layOut('Fn', path.join(dir, 'build/Fn'), [], path.join(dir, 'env')).catch(
      (error: unknown) => error,
    );
    const missing = await layOut('Gone', path.join(dir, 'build/Gone'), [], dir).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(linked).toBeInstanceOf(ArtifactError);
    expect((linked as Error).message).toMatch(/contains symlinks \(node_modules\)/);
    expect((missing as Error).message).toMatch(/code folder .*build\/Gone does not exist/);
  });
});

describe('leakyAncestors', () => {
  it('finds node_modules folders above a folder', async () => {
    // Prepare
    await mkdir(path.join(dir, 'node_modules'));
    await mkdir(path.join(dir, 'a/b'), { recursive: true });

    // Act
    const found = leakyAncestors(path.join(dir, 'a/b'));

    // Assess
    expect(found).toContain(path.join(dir, 'node_modules'));
  });
});
