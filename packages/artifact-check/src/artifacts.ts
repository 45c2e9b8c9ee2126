import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Stack } from '@shop/local-cloud/cloud';

/** Lambda's limit on a function's unzipped code plus all its layers. */
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

/** The built artifact cannot run as Lambda would run it. */
export class ArtifactError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArtifactError';
  }
}

/** A layer of a function, as `sam build` left it. */
export interface LayerArtifact {
  logicalId: string;
  dir: string;
}

/** The folders Lambda would extract to /var/task and /opt, and the NODE_PATH it would set. */
export interface LambdaLayout {
  /** The function's folder in the build output (what was copied). */
  sourceDir: string;
  /** Logical IDs of the layers in /opt, in order. */
  layers: string[];
  taskDir: string;
  optDir: string;
  nodePath: string;
  bytes: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The layers a function declares, in order, resolved to the folders `sam build` wrote (the
 * built template's `ContentUri`). Only layers of this template can be mounted locally.
 */
export const functionLayers = (
  stack: Stack,
  functionId: string,
  templateDir: string,
): LayerArtifact[] => {
  const layers = stack.resources.get(functionId)?.Properties?.Layers;
  if (layers === undefined) return [];
  const where = `Resources.${functionId}.Properties.Layers`;
  if (!Array.isArray(layers)) throw new ArtifactError(`${where}: must be a list`);
  return layers.map((entry, index) => {
    const ref = isRecord(entry) && typeof entry.Ref === 'string' ? entry.Ref : undefined;
    const layer = ref === undefined ? undefined : stack.resources.get(ref);
    if (ref === undefined || layer === undefined) {
      throw new ArtifactError(
        `${where}[${index}]: ${JSON.stringify(entry)} is not a !Ref to a layer of this template; only layers built by sam build can be mounted locally`,
      );
    }
    const content =
      layer.Type === 'AWS::Serverless::LayerVersion'
        ? layer.Properties?.ContentUri
        : layer.Properties?.Content;
    if (typeof content !== 'string') {
      throw new ArtifactError(
        `${ref}: ${layer.Type} has no local content folder (ContentUri); run sam build, or it is not a layer`,
      );
    }
    const dir = path.resolve(templateDir, content);
    if (!existsSync(dir)) {
      throw new ArtifactError(`${ref}: built layer folder ${dir} does not exist (run sam build)`);
    }
    return { logicalId: ref, dir };
  });
};

/** Every file below `dir` (sizes summed), failing on symlinks: a deployment zip holds none. */
const inspectTree = async (dir: string, label: string): Promise<number> => {
  let bytes = 0;
  const links: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder)) {
      const full = path.join(folder, entry);
      const stat = await lstat(full);
      if (stat.isSymbolicLink()) links.push(path.relative(dir, full));
      else if (stat.isDirectory()) await walk(full);
      else bytes += stat.size;
    }
  };
  await walk(dir);
  if (links.length > 0) {
    throw new ArtifactError(
      `${label} contains symlinks (${links.slice(0, 5).join(', ')}${links.length > 5 ? ', ...' : ''}): a Lambda zip holds real files only`,
    );
  }
  return bytes;
};

/**
 * Lay a function out as Lambda does: its code in `<root>/var/task`, its layers extracted in
 * order into `<root>/opt` (later layers overwrite earlier ones), copies of the build output so
 * nothing can resolve back into the workspace. NODE_PATH is the nodejs runtime's.
 */
export const layOut = async (
  functionId: string,
  codeDir: string,
  layers: readonly LayerArtifact[],
  root: string,
): Promise<LambdaLayout> => {
  if (!existsSync(codeDir)) {
    throw new ArtifactError(
      `${functionId}: code folder ${codeDir} does not exist (run pnpm build && sam build)`,
    );
  }
  let bytes = await inspectTree(codeDir, `${functionId} (${codeDir})`);
  for (const layer of layers) {
    bytes += await inspectTree(layer.dir, `layer ${layer.logicalId} (${layer.dir})`);
  }
  if (bytes > MAX_UNZIPPED_BYTES) {
    throw new ArtifactError(
      `${functionId}: code and layers are ${(bytes / 2 ** 20).toFixed(1)} MiB unzipped; Lambda allows 250 MiB`,
    );
  }
  const taskDir = path.join(root, 'var', 'task');
  const optDir = path.join(root, 'opt');
  await mkdir(optDir, { recursive: true });
  await cp(codeDir, taskDir, { recursive: true });
  for (const layer of layers) await cp(layer.dir, optDir, { recursive: true, force: true });
  const nodePath = [
    path.join(optDir, 'nodejs', 'node24', 'node_modules'),
    path.join(optDir, 'nodejs', 'node_modules'),
    path.join(root, 'var', 'runtime', 'node_modules'),
    path.join(root, 'var', 'runtime'),
    taskDir,
  ].join(':');
  const layerIds = layers.map((layer) => layer.logicalId);
  return { sourceDir: codeDir, layers: layerIds, taskDir, optDir, nodePath, bytes };
};

/**
 * Folders above `dir` that hold a node_modules: module resolution from a function laid out
 * below `dir` would search them, which Lambda's /var/task never does.
 */
export const leakyAncestors = (dir: string): string[] => {
  const found: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(current, 'node_modules')))
      found.push(path.join(current, 'node_modules'));
    const parent = path.dirname(current);
    if (parent === current) return found;
    current = parent;
  }
};
