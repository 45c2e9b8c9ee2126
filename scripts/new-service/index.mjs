#!/usr/bin/env node
// pnpm new:service <name> [--add-to-template]
//
// A new service in the shape every service of the repository follows (README "Adding a
// service"): services/<name>/ with a Lambda entry point (src/handlers, wiring only), the
// application layer (src/app), the domain (src/domain, no AWS), config, unit tests and a
// README; a sample event in events/<name>/; the function's resources as a template.yaml
// snippet (queue, DLQ, alarms, log group, permissions boundary: what `pnpm policy` asks for);
// a bundle budget in packages/bench/budgets.json. `--add-to-template` also pastes the snippet
// at the end of template.yaml's Resources.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templateDir = fileURLToPath(new URL('template', import.meta.url));

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'add-to-template': { type: 'boolean', default: false } },
});

const fail = (message) => {
  process.stderr.write(`new:service: ${message}\n`);
  process.exit(1);
};

const name = positionals[0];
if (name === undefined || positionals.length > 1) {
  fail('usage: pnpm new:service <name> [--add-to-template]   (name: kebab-case, e.g. reviews)');
}
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) {
  fail(`"${name}" is not a kebab-case name of at most 40 characters (e.g. product-reviews)`);
}
const Name = name
  .split('-')
  .map((part) => part[0].toUpperCase() + part.slice(1))
  .join('');
const serviceDir = path.join(root, 'services', name);
const eventsDir = path.join(root, 'events', name);
if (existsSync(serviceDir)) fail(`services/${name} exists already`);
if (existsSync(eventsDir)) fail(`events/${name} exists already`);

const templatePath = path.join(root, 'template.yaml');
const template = await readFile(templatePath, 'utf8');
if (new RegExp(`^  ${Name}(Function|Queue):`, 'm').test(template)) {
  fail(`template.yaml already has resources named ${Name}*`);
}

const fill = (text) => text.replaceAll('__name__', name).replaceAll('__Name__', Name);

/** Every template file, relative to the template folder. */
const walk = async (dir) => {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else files.push(path.relative(templateDir, full));
  }
  return files;
};

const written = [];
for (const relative of await walk(templateDir)) {
  const target = relative.startsWith(`events${path.sep}`)
    ? path.join(eventsDir, path.basename(relative, '.tmpl'))
    : path.join(serviceDir, relative.replace(/\.tmpl$/, ''));
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, fill(await readFile(path.join(templateDir, relative), 'utf8')));
  written.push(path.relative(root, target));
}

// Formatted as the repository's formatter would (tables and lines depend on the name).
const biome = path.join(root, 'node_modules', '.bin', 'biome');
const formatted = spawnSync(
  biome,
  ['format', '--write', ...written.map((file) => path.join(root, file))],
  { cwd: root, encoding: 'utf8' },
);
if (formatted.status !== 0) {
  process.stderr.write(
    `new:service: biome format failed (run pnpm install first?)\n${formatted.stderr ?? ''}`,
  );
}

// The budget is the project's goal for a function bundle (100 KiB gzip); lower it to the
// measured size (+5 %) once the service does its real work.
const budgetsPath = path.join(root, 'packages', 'bench', 'budgets.json');
const budgets = JSON.parse(await readFile(budgetsPath, 'utf8'));
budgets[`${name}/processMessage`] = { bytes: 360 * 1024, gzipBytes: 100 * 1024 };
const sorted = Object.fromEntries(Object.entries(budgets).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(budgetsPath, `${JSON.stringify(sorted, null, 2)}\n`);
written.push('packages/bench/budgets.json');

if (values['add-to-template']) {
  const snippet = await readFile(path.join(serviceDir, 'template.snippet.yaml'), 'utf8');
  const outputs = template.search(/^Outputs:/m);
  const updated =
    outputs === -1
      ? `${template.trimEnd()}\n\n${snippet}`
      : `${template.slice(0, outputs).trimEnd()}\n\n${snippet}\n${template.slice(outputs)}`;
  await writeFile(templatePath, updated);
  written.push('template.yaml');
}

process.stdout.write(
  [
    `Created @shop/${name}:`,
    ...written.map((file) => `  ${file}`),
    '',
    'Next:',
    '  pnpm install',
    `  pnpm --filter @shop/${name} test && pnpm --filter @shop/${name} build`,
    values['add-to-template']
      ? '  (the resources are in template.yaml)'
      : `  paste services/${name}/template.snippet.yaml under Resources in template.yaml`,
    '  sam validate --lint && pnpm policy',
    '',
  ].join('\n'),
);
