import { HANDLED_FAILURES_METRIC } from '@shop/common/lambda';
import { rollbackAlarmProblems } from '@shop/testing/template';
import { describe, expect, it } from 'vitest';
import { SERVICE } from '../../src/domain/constants.js';

describe('template.yaml (indexer)', () => {
  it.each([
    ['IndexerFunction', 'records it reports as failed'],
    ['MediaApiFunction', '5xx answers'],
  ])("rolls %s back on the new version's %s, not only on its errors", (functionId) => {
    // Assess: Lambda's Errors never counts an answered failure.
    expect(rollbackAlarmProblems(functionId, SERVICE.name, HANDLED_FAILURES_METRIC)).toEqual([]);
  });
});
