import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultRuntimeClientCache, ensureRuntimeClient } from '../../src/runtimeClient.ts';
import {
  copyBuild,
  editTemplate,
  propertiesOf,
  rebuildEmailBundle,
  removeBuild,
  repoRoot,
  runVerifier,
} from './brokenBuild.ts';

// Each test breaks one thing in a copy of .aws-sam/build, the way real builds break, and
// expects the verifier to fail saying what is wrong. The first proves the copy itself passes.

let dir: string;
// Installs aws-lambda-ric first if this machine has none yet (1-2 min).
beforeAll(() => ensureRuntimeClient(defaultRuntimeClientCache(repoRoot), () => undefined));
beforeEach(async () => {
  dir = await copyBuild();
});
afterEach(() => removeBuild(dir));

describe('pnpm verify:artifacts', () => {
  it('passes on an unchanged copy of the build', async () => {
    // Act
    const { code, output } = await runVerifier(dir);

    // Assess
    expect(output).toMatch(/artifact-check passed/);
    expect(output).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
  });

  it('fails when the Handler names an export the bundle does not have', async () => {
    // Prepare
    await editTemplate(dir, (t) => {
      propertiesOf(t, 'AuthorizerFunction').Handler = 'index.authorize';
    });

    // Act
    const { code, output } = await runVerifier(dir, 'AuthorizerFunction');

    // Assess
    expect(output).toContain(
      'Handler "index.authorize" does not resolve: index has no export "authorize"',
    );
    expect(output).toContain('artifact-check FAILED: AuthorizerFunction');
    expect(code).toBe(1);
  });

  it('fails when the Handler names a file the build does not have', async () => {
    // Prepare
    await editTemplate(dir, (t) => {
      propertiesOf(t, 'OrdersApiFunction').Handler = 'app.handler';
    });

    // Act
    const { code, output } = await runVerifier(dir, 'getOrder.json');

    // Assess
    expect(output).toMatch(
      /Handler "app\.handler" does not resolve: no app\.js\/\.mjs\/\.cjs in \S+OrdersApiFunction \(files: index\.mjs, index\.mjs\.map\)/,
    );
    expect(code).toBe(1);
  });

  it('fails when the bundle needs a package from node_modules', async () => {
    // Prepare: zod left external, as a forgotten --external would.
    await rebuildEmailBundle(dir, { format: 'esm', external: ['zod'] });

    // Act
    const { code, output } = await runVerifier(dir, 'EmailFunction');

    // Assess
    expect(output).toContain('the bundle imports "zod", which is not in the artifact');
    expect(code).toBe(1);
  });

  it('fails when the layer has no sharp binary for the host architecture', async () => {
    // Prepare
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    const img = path.join(dir, 'SharpLayer/nodejs/node_modules/@img');
    await rm(path.join(img, `sharp-linux-${arch}`), { recursive: true });

    // Act
    const { code, output } = await runVerifier(dir, 'put-unicode-key');

    // Assess
    expect(output).toContain(
      `sharp cannot load for linux-${arch}: layer SharpLayer has no @img/sharp-linux-${arch}`,
    );
    expect(code).toBe(1);
    expect(await readdir(img)).not.toContain(`sharp-linux-${arch}`);
  });

  it('fails when ThumbnailsFunction loses its layer (no fallback to the workspace sharp)', async () => {
    // Prepare
    await editTemplate(dir, (t) => {
      delete propertiesOf(t, 'ThumbnailsFunction').Layers;
    });

    // Act
    const { code, output } = await runVerifier(dir, 'put-unicode-key');

    // Assess
    expect(output).toContain(
      'sharp is not found: it must come from a layer mounted at /opt/nodejs/node_modules (the function has no Layers)',
    );
    expect(code).toBe(1);
  });

  it('fails when an ES module bundle is shipped as CommonJS', async () => {
    // Prepare: index.js beside a package.json of "type": "commonjs".
    const fn = path.join(dir, 'EmailFunction');
    await rename(path.join(fn, 'index.mjs'), path.join(fn, 'index.js'));
    await writeFile(path.join(fn, 'package.json'), '{ "type": "commonjs" }\n');

    // Act
    const { code, output } = await runVerifier(dir, 'order-placed');

    // Assess
    expect(output).toContain(
      'ESM/CJS mismatch: the bundle is an ES module but Node loads it as CommonJS',
    );
    expect(code).toBe(1);
  });

  it('fails when a CommonJS bundle is shipped as .mjs', async () => {
    // Prepare
    await rebuildEmailBundle(dir, { format: 'cjs' });

    // Act
    const { code, output } = await runVerifier(dir, 'order-placed');

    // Assess
    expect(output).toMatch(
      /ESM\/CJS mismatch: CommonJS code \((module|exports|require)\) loaded as an ES module/,
    );
    expect(code).toBe(1);
  });

  it('fails when the template no longer gives a function a variable it needs', async () => {
    // Prepare
    await editTemplate(dir, (t) => {
      const env = propertiesOf(t, 'OrdersApiFunction').Environment as {
        Variables: Record<string, unknown>;
      };
      delete env.Variables.ORDERS_TABLE_NAME;
    });

    // Act
    const { code, output } = await runVerifier(dir, 'placeOrder.json');

    // Assess
    expect(output).toContain('ORDERS_TABLE_NAME is required but not set');
    expect(code).toBe(1);
  });
});
