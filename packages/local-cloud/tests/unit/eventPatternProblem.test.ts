import { describe, expect, it } from 'vitest';
import { eventPatternProblem } from '../../src/provision/eventPatternProblem.js';

describe('eventPatternProblem', () => {
  it.each([
    { source: ['aws.s3'], detail: { object: { key: [{ prefix: 'uploads/' }] } } },
    { detail: { key: [{ prefix: { 'equals-ignore-case': 'UP/' } }, { suffix: '.jpg' }] } },
    { detail: { size: [{ numeric: ['>', 0, '<=', 5] }], ip: [{ cidr: '10.0.0.0/8' }] } },
    { detail: { state: [{ 'anything-but': ['a', 'b'] }, { 'anything-but': 3 }] } },
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] } },
    { detail: { state: [{ 'anything-but': { wildcard: 'tmp/*' } }, { exists: false }] } },
    { a: [null, true, 1, 'x'], $or: [{ b: ['1'] }, { c: [{ wildcard: '*x' }] }] },
  ])('accepts %j', (pattern) => {
    // Act / Assess
    expect(eventPatternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['not an object', ['aws.s3'], 'the pattern: must be an object'],
    ['a bare value', { source: 'aws.s3' }, 'source: must be a list of matchers or an object'],
    [
      'an unknown matcher',
      { detail: { key: [{ 'begins-with': 'x' }] } },
      'detail.key[0]: unsupported matcher "begins-with"',
    ],
    [
      'two keys in one matcher',
      { key: [{ prefix: 'a', suffix: 'b' }] },
      'key[0]: a matcher object has exactly one key',
    ],
    ['a list to prefix', { key: [{ prefix: ['a'] }] }, 'key[0]: prefix takes a string'],
    [
      'a numeric bound that is not a number',
      { detail: { size: [{ numeric: ['>', 'ten'] }] } },
      'detail.size[0]: numeric takes pairs',
    ],
    ['exists with a string', { key: [{ exists: 'yes' }] }, 'key[0]: exists takes true or false'],
    [
      'anything-but with a list of lists',
      { state: [{ 'anything-but': { prefix: [['a']] } }] },
      'state[0]: anything-but takes',
    ],
    [
      'anything-but with an unknown inner matcher',
      { state: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'state[0]: anything-but takes',
    ],
    ['an empty $or', { $or: [] }, '$or: takes a list of patterns'],
    ['a bad pattern inside $or', { $or: [{ a: ['x'] }, { b: 'y' }] }, '$or[1].b: must be a list'],
  ])('refuses %s', (_case, pattern, problem) => {
    // Act / Assess
    expect(eventPatternProblem(pattern)).toContain(problem);
  });
});
