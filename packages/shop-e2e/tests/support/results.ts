import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const reportsDir = path.resolve(import.meta.dirname, '../../reports');

/**
 * Keep a scenario's measured numbers (counts, wall time) in reports/<name>.json, for the READMEs
 * that quote them.
 */
export const recordResult = (name: string, result: object): void => {
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(path.join(reportsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
};

/** Run `tasks` with at most `limit` in flight, results in input order. */
export const inBatches = async <T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> => {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
};
