import { createRequire } from 'node:module';
import type sharpModule from 'sharp';

/** sharp's default export: the factory with its static settings. */
export type Sharp = typeof sharpModule;

// Loaded with require(), not `import`, on purpose. On Lambda sharp lives in SharpLayer at
// /opt/nodejs/node_modules, outside /var/task's ancestors. Node's ESM resolver only walks
// ancestor node_modules folders and ignores NODE_PATH; CommonJS resolution honours NODE_PATH,
// which Lambda sets to include /opt/nodejs/node_modules. (Lambda's own Node.js 18+ runtimes
// also patch ESM resolution to search NODE_PATH, but plain `node`, local runners and other
// emulators do not, so require() is the one spelling that works everywhere.) In tests and
// benchmarks the same call finds the workspace's node_modules.
const requireFromHere = createRequire(import.meta.url);

// Only these libvips loaders may run. Everything else (SVG, PDF, ImageMagick, matrix, raw
// file loaders...) is blocked for the whole process, so even a format that slipped past the
// magic-byte check never reaches a decoder we did not choose.
const ALLOWED_LOADERS = [
  'VipsForeignLoadJpegBuffer',
  'VipsForeignLoadPngBuffer',
  'VipsForeignLoadWebpBuffer',
  'VipsForeignLoadNsgifBuffer',
  'VipsForeignLoadHeifBuffer',
  'VipsForeignLoadTiffBuffer',
];

let loaded: Sharp | undefined;

/**
 * sharp, configured for Lambda: libvips' operation cache off (each image is seen once, and a
 * cache only holds memory between invocations) and only the decoders we use enabled.
 *
 * @example
 * const sharp = loadSharp();
 * await sharp(buffer).metadata();
 */
export const loadSharp = (): Sharp => {
  if (loaded !== undefined) return loaded;
  const sharp = requireFromHere('sharp') as Sharp;
  sharp.cache(false);
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
  loaded = sharp;
  return sharp;
};
