import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTemplate } from '@shop/local-cloud/cloud';
import { build } from 'esbuild';

// A scratch copy of .aws-sam/build to break on purpose, and the verifier run on it.

export const packageDir = path.resolve(import.meta.dirname, '..', '..');
export const repoRoot = path.resolve(packageDir, '..', '..');
const realBuild = path.join(repoRoot, '.aws-sam', 'build');

type Template = Awaited<ReturnType<typeof loadTemplate>>;

/** A copy of the real build output in a temp folder. */
export const copyBuild = async (): Promise<string> => {
  if (!existsSync(path.join(realBuild, 'template.yaml'))) {
    throw new Error(`${realBuild} is missing: run \`pnpm build && sam build\` first`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'artifact-check-broken-'));
  await cp(realBuild, dir, { recursive: true });
  return dir;
};

export const removeBuild = (dir: string) => rm(dir, { recursive: true, force: true });

/** Change the built template (written back as JSON, which is YAML too). */
export const editTemplate = async (dir: string, edit: (template: Template) => void) => {
  const file = path.join(dir, 'template.yaml');
  const template = await loadTemplate(file);
  edit(template);
  await writeFile(file, JSON.stringify(template, null, 2));
};

/** Properties of one resource of a template, for editing. */
export const propertiesOf = (template: Template, id: string): Record<string, unknown> => {
  const properties = template.Resources[id]?.Properties;
  if (properties === undefined) throw new Error(`no resource ${id}`);
  return properties;
};

/** Rebuild the email function's bundle into the copy, with other esbuild settings. */
export const rebuildEmailBundle = async (
  dir: string,
  options: { format: 'esm' | 'cjs'; external?: string[] },
) => {
  await build({
    entryPoints: [path.join(repoRoot, 'services/email/src/handlers/sendOrderEmail.ts')],
    outfile: path.join(dir, 'EmailFunction', 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: options.format,
    target: 'node24',
    mainFields: ['module', 'main'],
    external: options.external ?? [],
    // As shop-bundle does for ESM: CommonJS dependencies get a require().
    ...(options.format === 'esm'
      ? {
          banner: {
            js: "import{createRequire as __r}from'node:module';const require=__r(import.meta.url);",
          },
        }
      : {}),
    logLevel: 'silent',
  });
};

/** Run `pnpm verify:artifacts` on a build folder; exit code and everything it printed. */
export const runVerifier = (buildDir: string, only?: string) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const args = ['--import', '@shop/tooling/ts-resolve', 'src/cli.ts', '--build-dir', buildDir];
    if (only) args.push('--only', only);
    const child = spawn(process.execPath, args, {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
