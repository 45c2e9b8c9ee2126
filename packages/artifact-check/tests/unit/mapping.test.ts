import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES, STACK_PROFILES } from '../../src/cases/index.ts';
import { listEventFiles, mappingProblems, templateFunctionIds } from '../../src/coverage.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const profiles = Object.keys(STACK_PROFILES);
const exists = (file: string) => existsSync(path.join(repoRoot, file));

describe('the case mapping', () => {
  it('covers every sample event in events/ and every function in template.yaml', async () => {
    // Prepare
    const eventFiles = await listEventFiles(repoRoot);
    const functionIds = await templateFunctionIds(path.join(repoRoot, 'template.yaml'));

    // Act
    const problems = mappingProblems({ cases: CASES, eventFiles, functionIds, profiles, exists });

    // Assess
    expect(eventFiles.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('reports an unmapped event, a function without a case and a case naming nothing', () => {
    // Prepare
    const [first] = CASES;
    if (first === undefined) throw new Error('no cases');
    const broken = {
      ...first,
      functionId: 'GoneFunction',
      event: 'events/x/gone.json',
      stack: 'nope',
    };

    // Act
    const problems = mappingProblems({
      cases: [broken],
      eventFiles: ['events/x/new.json'],
      functionIds: ['NewFunction'],
      profiles,
      exists,
    });

    // Assess
    expect(problems).toEqual([
      'events/x/new.json is not in the mapping: add a case with its function and expected result to packages/artifact-check/src/cases/',
      'NewFunction is in the template but no case invokes it: add a sample event (events/<service>/) and a case',
      `case "${first.title}" (events/x/gone.json): the event file does not exist`,
      `case "${first.title}" (events/x/gone.json): function GoneFunction is not in the template`,
      `case "${first.title}" (events/x/gone.json): no stack profile nope`,
    ]);
  });

  it('runs every sample as it is at least once (adapted cases come with a reason)', () => {
    // Act
    const asIs = new Set(CASES.filter((c) => c.adapt === undefined).map((c) => c.event));
    const adapted = CASES.filter((c) => c.adapt !== undefined);

    // Assess
    for (const c of adapted) {
      expect(asIs.has(c.event), c.event).toBe(true);
      expect(c.adapt?.why.length).toBeGreaterThan(20);
    }
  });
});
