// `--only variants`: what each of shop-bundle's settings buys at cold start, side by side in
// one run. Every function is bundled again from its sources with the settings switched on one
// at a time (packages/tooling/bin/bundle.mjs, FEATURES) and started cold, interleaved, both
// in a fresh Node process (import + module scope) and under aws-lambda-ric (Init Duration and
// first invocation). Plus fixtures bundled by the same settings: an empty handler (the
// baseline), Powertools Tracer (captureLambdaHandler, captureAWSv3Client) and a handler that
// throws (the first error's stack with and without --enable-source-maps).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { type BundleFeatures, bundleFunction, FEATURES } from '@shop/tooling/bundle';
import type { LayerArtifact } from '../../../artifact-check/src/artifacts.ts';
import { repoRoot } from '../bundleSizes.ts';
import { type FunctionModel, lambdaEnvironment } from '../lib/shopCloud.ts';
import { median, ratio, round } from '../lib/stats.ts';
import { bundleId, type FreshSample, measureFresh } from './coldInit.ts';
import { firstEvents, measureUnderRic, type RicTarget, runtimeClient } from './coldRic.ts';

type Features = BundleFeatures;

/** A bundle variant: bundler settings, and whether NODE_OPTIONS has --enable-source-maps. */
interface Variant {
  name: string;
  features: Features;
  sourceMaps: boolean;
  /** Rename the compile cache as if another Node/V8 (or CPU) had made it: Node must ignore it. */
  foreignCache?: boolean;
}

const BEFORE: Features = {
  keepNames: false,
  envCredentials: false,
  slimPackageJson: false,
  zodEnglishOnly: false,
  compileCache: false,
};
const CURRENT: Features = FEATURES;
const ALL: Features = { ...CURRENT, compileCache: true };

/** Before issue 16, then one change at a time on top of it. */
export const VARIANTS: Variant[] = [
  { name: 'before (issue 16)', features: BEFORE, sourceMaps: true },
  { name: '+ env credentials', features: { ...BEFORE, envCredentials: true }, sourceMaps: true },
  {
    name: '+ SDK package.json: version only',
    features: { ...BEFORE, envCredentials: true, slimPackageJson: true },
    sourceMaps: true,
  },
  {
    name: '+ zod locales: en only',
    features: { ...BEFORE, envCredentials: true, slimPackageJson: true, zodEnglishOnly: true },
    sourceMaps: true,
  },
  { name: '+ keepNames', features: CURRENT, sourceMaps: true },
  { name: '+ no --enable-source-maps (current)', features: CURRENT, sourceMaps: false },
  { name: '+ compile cache', features: ALL, sourceMaps: false },
  {
    name: '+ compile cache of another V8 (Lambda arm64)',
    features: ALL,
    sourceMaps: false,
    foreignCache: true,
  },
];

const FIXTURES = [
  { name: '(empty handler)', file: 'emptyHandler.ts', sourceMaps: false },
  { name: 'Tracer + captureLambdaHandler', file: 'tracerHandler.ts', sourceMaps: false },
  { name: 'DynamoDB client', file: 'clientHandler.ts', sourceMaps: false },
  {
    name: 'Tracer + DynamoDB client (captureAWSv3Client)',
    file: 'tracerClientHandler.ts',
    sourceMaps: false,
  },
  { name: 'throws, --enable-source-maps', file: 'throwingHandler.ts', sourceMaps: true },
  { name: 'throws, no source maps', file: 'throwingHandler.ts', sourceMaps: false },
];

export interface VariantRow {
  /** `<service>/<function>`, or `fixture`. */
  function: string;
  variant: string;
  bytes: number;
  gzipBytes: number;
  /** Fresh process: start to module scope done, and CPU time (medians). */
  readyMs: number;
  cpuMs: number;
  /** aws-lambda-ric: Init Duration and the first invocation (medians). */
  ricInitMs: number;
  ricFirstInvokeMs: number;
  /** readyMs and ricInitMs over the first variant's of the same function. */
  readyRatio: number;
  ricRatio: number;
  failures: number;
  firstFailure?: string;
}

export interface VariantsResult {
  runs: number;
  rows: VariantRow[];
}

/** `--external x` arguments of a service's build script (the thumbnailer's sharp). */
const externalsOf = async (serviceDir: string): Promise<string[]> => {
  const pkg = JSON.parse(await readFile(path.join(serviceDir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  return [...(pkg.scripts?.build ?? '').matchAll(/--external[= ](\S+)/g)].map((m) => m[1] ?? '');
};

/** The environment with NODE_OPTIONS=--enable-source-maps on or off. */
const sourceMapsOption = (env: Record<string, string>, on: boolean): Record<string, string> => {
  const { NODE_OPTIONS: current = '', ...rest } = env;
  const others = current.replace('--enable-source-maps', '').trim();
  const options = on ? `${others} --enable-source-maps`.trim() : others;
  return options === '' ? rest : { ...rest, NODE_OPTIONS: options };
};

interface Target {
  fn: string;
  variant: string;
  sizes: { bytes: number; gzipBytes: number };
  ric: RicTarget;
  freshEnv: Record<string, string>;
}

export const measureVariants = async (
  cloud: LocalCloud,
  runs: number,
  progress: (text: string) => void,
): Promise<VariantsResult> => {
  const client = await runtimeClient(progress);
  const scratch = await mkdtemp(path.join(tmpdir(), 'shop-bench-variants-'));
  try {
    const events = await firstEvents(cloud);
    const functions = [...cloud.model.functions.values()];
    const targets: Target[] = [];
    let n = 0;
    const add = async (
      fn: string,
      variant: string,
      model: FunctionModel,
      entry: string,
      options: {
        external: string[];
        features: Features;
        sourceMaps: boolean;
        foreignCache?: boolean;
        layers: LayerArtifact[];
      },
      first: Pick<RicTarget, 'event' | 'check'>,
    ) => {
      const dir = path.join(scratch, `bundle-${n++}`);
      await mkdir(dir, { recursive: true });
      const sizes = await bundleFunction(entry, dir, {
        external: options.external,
        features: options.features,
      });
      if (options.foreignCache) await foreignCompileCache(dir);
      const environment = sourceMapsOption(model.environment, options.sourceMaps);
      const built = { ...model, codeDir: dir, environment };
      const layerPath = options.layers.map((l) => path.join(l.dir, 'nodejs', 'node_modules'));
      targets.push({
        fn,
        variant,
        sizes: { bytes: sizes.bytes, gzipBytes: sizes.gzipBytes },
        ric: {
          id: `${fn} | ${variant}`,
          logicalId: model.logicalId,
          model: built,
          layers: options.layers,
          ...first,
        },
        // The layer's packages as Lambda's NODE_PATH gives them (the thumbnailer requires sharp).
        freshEnv: {
          ...lambdaEnvironment(built, cloud.backends.env),
          ...(layerPath.length > 0 ? { NODE_PATH: layerPath.join(':') } : {}),
        },
      });
    };
    progress('variants: bundling fixtures');
    const fixtureModel: FunctionModel = {
      ...(functions[0] as FunctionModel),
      logicalId: 'BenchFixture',
      handler: 'index.handler',
      environment: {
        POWERTOOLS_SERVICE_NAME: 'bench',
        // Tracer traces as on Lambda (local-cloud sets AWS_SAM_LOCAL, which turns it off).
        AWS_SAM_LOCAL: '',
      },
    };
    for (const fixture of FIXTURES) {
      await add(
        'fixture',
        fixture.name,
        fixtureModel,
        path.join(import.meta.dirname, '..', 'fixtures', fixture.file),
        { external: [], features: CURRENT, sourceMaps: fixture.sourceMaps, layers: [] },
        { event: () => ({}) },
      );
    }
    for (const fn of functions) {
      const id = bundleId(fn);
      const [service, name] = id.split('/') as [string, string];
      const serviceDir = path.join(repoRoot, 'services', service);
      progress(`variants: bundling ${id}`);
      const external = await externalsOf(serviceDir);
      const layers = fn.logicalId === 'ThumbnailsFunction' ? sharpLayer() : [];
      for (const variant of VARIANTS) {
        await add(
          id,
          variant.name,
          fn,
          path.join(serviceDir, 'src', 'handlers', `${name}.ts`),
          {
            external,
            features: variant.features,
            sourceMaps: variant.sourceMaps,
            foreignCache: variant.foreignCache ?? false,
            layers,
          },
          events.get(fn.logicalId) ?? { event: () => ({}) },
        );
      }
    }

    // Fresh processes, rounds interleaved (order rotated), one unmeasured round first.
    const fresh = new Map<string, FreshSample[]>(targets.map((t) => [t.ric.id, []]));
    const freshOnce = (t: Target) =>
      measureFresh({
        id: t.ric.id,
        logicalId: t.ric.logicalId,
        file: path.join(t.ric.model.codeDir, 'index.mjs'),
        cwd: t.ric.model.codeDir,
        env: t.freshEnv,
      });
    for (const t of targets) await freshOnce(t).catch(() => undefined);
    for (let round = 0; round < runs; round++) {
      progress(`variants, fresh process: round ${round + 1}/${runs}`);
      const shift = round % targets.length;
      for (const t of [...targets.slice(shift), ...targets.slice(0, shift)]) {
        const sample = await freshOnce(t).catch(() => undefined);
        if (sample) fresh.get(t.ric.id)?.push(sample);
      }
    }
    const ric = await measureUnderRic(
      targets.map((t) => t.ric),
      {
        runs,
        backendEnv: cloud.backends.env,
        runtimeClient: client,
        scratch,
        progress,
        label: 'variants, aws-lambda-ric',
      },
    );
    const ricById = new Map(ric.map((row) => [row.id, row]));
    const rows: VariantRow[] = targets.map((t) => {
      const samples = fresh.get(t.ric.id) ?? [];
      const r = ricById.get(t.ric.id);
      return {
        function: t.fn,
        variant: t.variant,
        bytes: t.sizes.bytes,
        gzipBytes: t.sizes.gzipBytes,
        readyMs: round(median(samples.map((s) => s.readyMs))),
        cpuMs: round(median(samples.map((s) => s.cpuMs))),
        ricInitMs: r?.initMs ?? Number.NaN,
        ricFirstInvokeMs: r?.firstInvokeMs ?? Number.NaN,
        readyRatio: 1,
        ricRatio: 1,
        failures: (r?.failures ?? 0) + (runs - samples.length),
        ...(r?.firstFailure === undefined ? {} : { firstFailure: r.firstFailure }),
      };
    });
    for (const row of rows) {
      const base = rows.find((b) => b.function === row.function);
      if (base === undefined) continue;
      row.readyRatio = ratio(row.readyMs, base.readyMs);
      row.ricRatio = ratio(row.ricInitMs, base.ricInitMs);
    }
    return { runs, rows };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

/**
 * Node keeps a compile cache per `v<node>-<arch>-<V8 flags hash>` folder: renamed, it is what a
 * cache made on an x64 build host looks like to the arm64 Node of the Lambda runtime. Lambda's
 * /var/task is read-only, so Node cannot write a cache of its own there either: a file where
 * this host's folder would go stands in for that (it runs as root here, so modes would not).
 */
const foreignCompileCache = async (dir: string) => {
  const cacheDir = path.join(dir, '.node-compile-cache');
  for (const tag of await readdir(cacheDir)) {
    await rename(path.join(cacheDir, tag), path.join(cacheDir, 'v24.0.0-arm64-00000000-0'));
    await writeFile(path.join(cacheDir, tag), 'read-only file system\n');
  }
};

/** SharpLayer as `sam build` left it (the thumbnailer loads sharp from /opt). */
const sharpLayer = () => {
  const dir = path.join(repoRoot, '.aws-sam', 'build', 'SharpLayer');
  if (!existsSync(path.join(dir, 'nodejs', 'node_modules'))) {
    throw new Error(`${dir} not found: run \`pnpm build && sam build\` first`);
  }
  return [{ logicalId: 'SharpLayer', dir }];
};
