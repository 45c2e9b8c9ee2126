import { TemplateError } from '../template/errors.js';
import { isRecord } from './context.js';

/** Parse `FilterCriteria: { Filters: [{ Pattern: '<json>' }] }` into pattern objects. */
export const parseFilterCriteria = (value: unknown, path: string): unknown[] => {
  if (value === undefined) return [];
  const filters = isRecord(value) ? value.Filters : undefined;
  if (!Array.isArray(filters)) throw new TemplateError(path, 'expected Filters: [{ Pattern }]');
  return filters.map((filter, i) => {
    const pattern = isRecord(filter) ? filter.Pattern : undefined;
    try {
      return typeof pattern === 'string' ? (JSON.parse(pattern) as unknown) : pattern;
    } catch (error) {
      throw new TemplateError(`${path}.Filters[${i}].Pattern`, 'is not valid JSON', {
        cause: error,
      });
    }
  });
};
