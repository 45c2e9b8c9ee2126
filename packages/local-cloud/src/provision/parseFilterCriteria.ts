import { TemplateError } from '../template/errors.js';
import { isRecord } from './context.js';
import { eventPatternProblem } from './eventPatternProblem.js';

/** Parse `FilterCriteria: { Filters: [{ Pattern: '<json>' }] }` into pattern objects. */
export const parseFilterCriteria = (value: unknown, path: string): unknown[] => {
  if (value === undefined) return [];
  const filters = isRecord(value) ? value.Filters : undefined;
  if (!Array.isArray(filters)) throw new TemplateError(path, 'expected Filters: [{ Pattern }]');
  return filters.map((filter, i) => {
    const raw = isRecord(filter) ? filter.Pattern : undefined;
    let pattern: unknown;
    try {
      pattern = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    } catch (error) {
      throw new TemplateError(`${path}.Filters[${i}].Pattern`, 'is not valid JSON', {
        cause: error,
      });
    }
    const problem = eventPatternProblem(pattern);
    if (problem !== undefined) throw new TemplateError(`${path}.Filters[${i}].Pattern`, problem);
    return pattern;
  });
};
