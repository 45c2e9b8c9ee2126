// Cold start as Lambda measures it: each built function of .aws-sam/build laid out as
// /var/task (+ its layers as /opt) and started under AWS's aws-lambda-ric against
// local-cloud's Runtime API, the way `pnpm verify:artifacts` runs it (its harness is reused:
// ArtifactFunction, layOut, functionLayers, ensureRuntimeClient). A new execution environment
// per sample: "init" is process start to the runtime's first GET /next (Lambda's Init
// Duration: the runtime client loads, imports the handler module, module scope runs), "first
// invoke" is that environment's first invocation (lazy work, first connections). Rounds
// interleaved with an empty handler (order rotated each round), medians.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LocalCloud, loadTemplate, Stack } from '@shop/local-cloud/cloud';
import { ArtifactFunction } from '../../../artifact-check/src/ArtifactFunction.ts';
import {
  functionLayers,
  type LayerArtifact,
  layOut,
  leakyAncestors,
} from '../../../artifact-check/src/artifacts.ts';
import {
  defaultRuntimeClientCache,
  ensureRuntimeClient,
  type RuntimeClient,
} from '../../../artifact-check/src/runtimeClient.ts';
import { repoRoot } from '../bundleSizes.ts';
import { prepareScenarios } from '../lib/scenarios.ts';
import { type FunctionModel, sampleEvent } from '../lib/shopCloud.ts';
import { median, ratio, round } from '../lib/stats.ts';
import { bundleId } from './coldInit.ts';

/** One thing started cold under aws-lambda-ric. */
export interface RicTarget {
  id: string;
  logicalId: string;
  /** The function as the template makes it (environment, handler, memory); `codeDir` is the code. */
  model: FunctionModel;
  layers: LayerArtifact[];
  /**
   * The event of the first invocation, made (and whatever it needs prepared) before the
   * environment starts, so none of it is timed.
   */
  event: () => unknown | Promise<unknown>;
  /** Why a first invocation's payload is not a success, or undefined. */
  check?: (payload: unknown) => string | undefined | Promise<string | undefined>;
}

export interface RicRow {
  id: string;
  logicalId: string;
  /** Process start to the first GET /next (Init Duration), median. */
  initMs: number;
  /** The first invocation of the fresh environment, median. */
  firstInvokeMs: number;
  /** initMs over the empty handler's. */
  ratio: number;
  /** initMs minus the empty handler's: the function's own init. */
  extraMs: number;
  samples: number;
  failures: number;
  firstFailure?: string;
}

export interface RicResult {
  runs: number;
  runtimeClient: string;
  /** .aws-sam/build functions whose bundle differs from services/<svc>/dist (stale sam build). */
  stale: string[];
  baseline: RicRow;
  functions: RicRow[];
}

/** aws-lambda-ric (installed once into $ARTIFACT_CHECK_RIC_CACHE, as artifact-check does). */
export const runtimeClient = (progress: (text: string) => void): Promise<RuntimeClient> =>
  ensureRuntimeClient(defaultRuntimeClientCache(repoRoot), progress);

const EMPTY_HANDLER = 'export const handler = async () => ({});\n';

/** A folder holding only an empty handler (index.mjs), for baselines. */
export const emptyHandlerDir = async (scratch: string): Promise<string> => {
  const dir = path.join(scratch, 'empty-handler');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.mjs'), EMPTY_HANDLER);
  return dir;
};

const failureText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Start each target cold `runs` times under aws-lambda-ric (one unmeasured round first, which
 * warms the page cache as a second cold start on Lambda would), interleaved and rotated.
 * The first target is the baseline of the ratios.
 */
export const measureUnderRic = async (
  targets: readonly RicTarget[],
  options: {
    runs: number;
    backendEnv: Readonly<Record<string, string>>;
    runtimeClient: RuntimeClient;
    scratch: string;
    progress: (text: string) => void;
    label: string;
  },
): Promise<RicRow[]> => {
  const layouts = new Map<string, Awaited<ReturnType<typeof layOut>>>();
  for (const [i, target] of targets.entries()) {
    const root = path.join(options.scratch, `ric-${i}`);
    layouts.set(
      target.id,
      await layOut(target.logicalId, target.model.codeDir, target.layers, root),
    );
  }
  type Sample = { initMs: number; firstInvokeMs: number; failure?: string };
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.id, []]));
  const once = async (target: RicTarget): Promise<Sample> => {
    const layout = layouts.get(target.id);
    if (layout === undefined) throw new Error(`no layout for ${target.id}`);
    const event = await target.event();
    const fn = new ArtifactFunction(target.model, layout, {
      backendEnv: options.backendEnv,
      runtimeClient: options.runtimeClient,
    });
    try {
      const { result, lines } = await fn.invoke(event);
      let failure: string | undefined;
      if (!result.ok || result.error) {
        failure = `${result.error?.errorType}: ${result.error?.errorMessage} ${lines.slice(-3).join(' | ')}`;
      } else {
        try {
          failure = await target.check?.(JSON.parse(result.payload ?? 'null'));
        } catch (error) {
          failure = failureText(error);
        }
      }
      return {
        initMs: result.initDurationMs ?? Number.NaN,
        firstInvokeMs: result.durationMs,
        ...(failure === undefined ? {} : { failure }),
      };
    } finally {
      await fn.stop();
    }
  };
  for (const target of targets) await once(target);
  for (let round = 0; round < options.runs; round++) {
    options.progress(`${options.label}: round ${round + 1}/${options.runs}`);
    const shift = round % targets.length;
    for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
      samples.get(target.id)?.push(await once(target));
    }
  }
  const rows = targets.map((target): RicRow => {
    const list = samples.get(target.id) ?? [];
    const failures = list.filter((s) => s.failure !== undefined);
    const firstFailure = failures[0]?.failure;
    return {
      id: target.id,
      logicalId: target.logicalId,
      initMs: round(median(list.map((s) => s.initMs).filter((n) => !Number.isNaN(n)))),
      firstInvokeMs: round(median(list.map((s) => s.firstInvokeMs))),
      ratio: 1,
      extraMs: 0,
      samples: list.length,
      failures: failures.length,
      ...(firstFailure === undefined ? {} : { firstFailure: firstFailure.slice(0, 300) }),
    };
  });
  const baseline = rows[0];
  if (baseline !== undefined) {
    for (const row of rows) {
      row.ratio = ratio(row.initMs, baseline.initMs);
      row.extraMs = round(row.initMs - baseline.initMs);
    }
  }
  return rows;
};

/** The first-invocation events: the warm section's scenarios, plus the media API's sample. */
export const firstEvents = async (
  cloud: LocalCloud,
): Promise<Map<string, Pick<RicTarget, 'event' | 'check'>>> => {
  const events = new Map<string, Pick<RicTarget, 'event' | 'check'>>();
  let i = 0;
  for (const scenario of await prepareScenarios(cloud)) {
    events.set(scenario.logicalId, {
      // One sample at a time: prepared, started and invoked, then checked.
      event: async () => {
        await scenario.prepare?.();
        return scenario.make('ric', i++);
      },
      check: (payload) => scenario.check(payload),
    });
  }
  const media = await sampleEvent('indexer', 'list-product-media');
  events.set('MediaApiFunction', {
    event: () => media,
    check: (p) =>
      (p as { statusCode?: number })?.statusCode === 200
        ? undefined
        : `status ${(p as { statusCode?: number })?.statusCode}`,
  });
  return events;
};

/** The empty handler as a target: the first function's model, no variables, no layers. */
export const emptyTarget = (model: FunctionModel, codeDir: string): RicTarget => ({
  id: '(empty handler)',
  logicalId: 'EmptyHandler',
  model: {
    ...model,
    logicalId: 'EmptyHandler',
    codeDir,
    handler: 'index.handler',
    environment: {},
  },
  layers: [],
  event: () => ({}),
});

/**
 * Every function of the built template (`.aws-sam/build`, what `sam deploy` ships), with the
 * booted shop's resources and environment, started cold under aws-lambda-ric.
 */
export const measureColdRic = async (
  cloud: LocalCloud,
  runs: number,
  progress: (text: string) => void,
): Promise<RicResult> => {
  const buildDir = path.join(repoRoot, '.aws-sam', 'build');
  const templatePath = path.join(buildDir, 'template.yaml');
  const built = new Stack(
    await loadTemplate(templatePath).catch(() => {
      throw new Error(`${templatePath} not found: run \`pnpm build && sam build\` first`);
    }),
    { stackName: 'shop-bench', accountId: '000000000000', region: 'us-east-1' },
  );
  const leaks = leakyAncestors(tmpdir());
  if (leaks.length > 0) {
    throw new Error(
      `${leaks.join(', ')} lies above ${tmpdir()}: set TMPDIR to a folder with no node_modules above it`,
    );
  }
  const client = await runtimeClient(progress);
  const scratch = await mkdtemp(path.join(tmpdir(), 'shop-bench-ric-'));
  try {
    const events = await firstEvents(cloud);
    const functions = [...cloud.model.functions.values()];
    const stale: string[] = [];
    const targets: RicTarget[] = [
      emptyTarget(functions[0] as FunctionModel, await emptyHandlerDir(scratch)),
    ];
    for (const fn of functions) {
      const codeDir = path.join(buildDir, fn.logicalId);
      const [shipped, dist] = await Promise.all([
        readFile(path.join(codeDir, 'index.mjs')).catch(() => undefined),
        readFile(path.join(fn.codeDir, 'index.mjs')).catch(() => undefined),
      ]);
      if (shipped === undefined) throw new Error(`${codeDir}/index.mjs not found: run sam build`);
      if (dist === undefined || !shipped.equals(dist)) stale.push(fn.logicalId);
      const first = events.get(fn.logicalId);
      targets.push({
        id: bundleId(fn),
        logicalId: fn.logicalId,
        model: { ...fn, codeDir },
        layers: functionLayers(built, fn.logicalId, buildDir),
        event: first?.event ?? (() => ({})),
        ...(first?.check ? { check: first.check } : {}),
      });
    }
    const [baseline, ...rest] = (await measureUnderRic(targets, {
      runs,
      backendEnv: cloud.backends.env,
      runtimeClient: client,
      scratch,
      progress,
      label: 'cold init under aws-lambda-ric',
    })) as [RicRow, ...RicRow[]];
    return {
      runs,
      runtimeClient: `aws-lambda-ric ${client.version}`,
      stale,
      baseline,
      functions: rest.sort((a, b) => a.id.localeCompare(b.id)),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};
