import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadTemplate } from '@shop/local-cloud/cloud';
import type { Case } from './cases/types.ts';

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

/** Every events/**\/*.json, relative to the repository root, sorted. */
export const listEventFiles = async (repoRoot: string): Promise<string[]> => {
  const root = path.join(repoRoot, 'events');
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)))
    .sort();
};

/** Logical IDs of the functions a template declares. */
export const templateFunctionIds = async (templatePath: string): Promise<string[]> => {
  const template = await loadTemplate(templatePath);
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => FUNCTION_TYPES.has(resource.Type))
    .map(([id]) => id)
    .sort();
};

/** What the mapping must cover and may refer to. */
export interface MappingScope {
  cases: readonly Case[];
  eventFiles: readonly string[];
  functionIds: readonly string[];
  profiles: readonly string[];
  /** Does a file (relative to the repository root) exist? */
  exists(file: string): boolean;
}

/**
 * Where the mapping (src/cases) and the repository disagree: a sample event nobody checks,
 * a function nobody runs, or a case naming something that is not there.
 */
export const mappingProblems = (scope: MappingScope): string[] => {
  const problems: string[] = [];
  const mapped = new Set(scope.cases.map((c) => c.event));
  for (const file of scope.eventFiles) {
    if (!mapped.has(file)) {
      problems.push(
        `${file} is not in the mapping: add a case with its function and expected result to packages/artifact-check/src/cases/`,
      );
    }
  }
  const invoked = new Set(scope.cases.map((c) => c.functionId));
  for (const id of scope.functionIds) {
    if (!invoked.has(id)) {
      problems.push(
        `${id} is in the template but no case invokes it: add a sample event (events/<service>/) and a case`,
      );
    }
  }
  for (const c of scope.cases) {
    const label = `case "${c.title}" (${c.event})`;
    if (!scope.exists(c.event)) problems.push(`${label}: the event file does not exist`);
    if (!scope.functionIds.includes(c.functionId)) {
      problems.push(`${label}: function ${c.functionId} is not in the template`);
    }
    if (!scope.profiles.includes(c.stack)) problems.push(`${label}: no stack profile ${c.stack}`);
  }
  return problems;
};
