import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeCommand } from './types.js';

/** The package folder of @shop/local-cloud, found from this module (in src/ or dist/). */
export const packageRoot = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the @shop/local-cloud package folder');
    dir = parent;
  }
  return dir;
};

/** How to start our runtime client: Node running the bootstrap, and its folder. */
export const bootstrapCommand = (): {
  runtimeCommand: RuntimeCommand;
  runtimeDir: string;
} => {
  const bootstrap = path.join(packageRoot(), 'src', 'lambda', 'runtime', 'bootstrap.mjs');
  return {
    runtimeCommand: { command: process.execPath, args: [bootstrap], channel: true },
    runtimeDir: path.dirname(bootstrap),
  };
};
