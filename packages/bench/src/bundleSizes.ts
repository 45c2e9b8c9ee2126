import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One function bundle as the build wrote it. */
export interface Bundle {
  /** `<service>/<function>`, e.g. `orders-api/api`. */
  id: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

/** Every built function bundle: services/<service>/dist/<function>/index.mjs. */
export const findBundles = async (root = repoRoot): Promise<Bundle[]> => {
  const bundles: Bundle[] = [];
  const services = await readdir(path.join(root, 'services'));
  for (const service of services.sort()) {
    const dist = path.join(root, 'services', service, 'dist');
    const functions = await readdir(dist).catch(() => []);
    for (const fn of functions.sort()) {
      const file = path.join(dist, fn, 'index.mjs');
      if (!(await stat(file).catch(() => undefined))?.isFile()) continue;
      const code = await readFile(file);
      bundles.push({
        id: `${service}/${fn}`,
        file,
        bytes: code.byteLength,
        gzipBytes: gzipSync(code, { level: 9 }).byteLength,
      });
    }
  }
  return bundles;
};
