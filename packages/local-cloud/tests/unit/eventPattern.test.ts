import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/triggers/eventbridge/eventPattern.js';

const s3Event = {
  source: 'aws.s3',
  'detail-type': 'Object Created',
  resources: ['arn:aws:s3:::uploads'],
  detail: {
    bucket: { name: 'uploads' },
    object: { key: 'uploads/p-1/a.jpg', size: 2048 },
    'source-ip-address': '10.0.1.7',
    reason: 'PutObject',
  },
};

describe('matchesPattern', () => {
  it.each([
    [
      'exact values',
      { source: ['aws.s3'], 'detail-type': ['Object Created', 'Object Deleted'] },
      true,
    ],
    ['a value not listed', { 'detail-type': ['Object Deleted'] }, false],
    ['nested fields', { detail: { bucket: { name: ['uploads'] } } }, true],
    ['prefix', { detail: { object: { key: [{ prefix: 'uploads/' }] } } }, true],
    ['prefix that differs', { detail: { object: { key: [{ prefix: 'other/' }] } } }, false],
    ['suffix', { detail: { object: { key: [{ suffix: '.jpg' }] } } }, true],
    [
      'prefix ignoring case',
      { detail: { object: { key: [{ prefix: { 'equals-ignore-case': 'UPLOADS/' } }] } } },
      true,
    ],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.S3' }] }, true],
    ['wildcard', { detail: { object: { key: [{ wildcard: 'uploads/*/a.jpg' }] } } }, true],
    ['anything-but a value', { detail: { reason: [{ 'anything-but': 'DeleteObject' }] } }, true],
    [
      'anything-but a listed value',
      { detail: { reason: [{ 'anything-but': ['PutObject', 'CopyObject'] }] } },
      false,
    ],
    [
      'anything-but a prefix',
      { detail: { object: { key: [{ 'anything-but': { prefix: 'tmp/' } }] } } },
      true,
    ],
    ['exists true', { detail: { object: { size: [{ exists: true }] } } }, true],
    [
      'exists false on a missing field',
      { detail: { object: { etag: [{ exists: false }] } } },
      true,
    ],
    [
      'exists false on a present field',
      { detail: { object: { size: [{ exists: false }] } } },
      false,
    ],
    ['a value on a missing field', { detail: { object: { etag: ['x'] } } }, false],
    [
      'numeric range',
      { detail: { object: { size: [{ numeric: ['>', 1024, '<=', 4096] }] } } },
      true,
    ],
    ['numeric range outside', { detail: { object: { size: [{ numeric: ['<', 1024] }] } } }, false],
    ['cidr', { detail: { 'source-ip-address': [{ cidr: '10.0.0.0/16' }] } }, true],
    ['an array field (any element)', { resources: ['arn:aws:s3:::uploads'] }, true],
    ['$or', { $or: [{ source: ['aws.ec2'] }, { detail: { reason: ['PutObject'] } }] }, true],
    [
      '$or with no match',
      { $or: [{ source: ['aws.ec2'] }, { detail: { reason: ['CopyObject'] } }] },
      false,
    ],
  ])('%s', (_case, pattern, expected) => {
    // Act / Assess
    expect(matchesPattern(pattern, s3Event)).toBe(expected);
  });

  it('matches null only against a present null', () => {
    // Act / Assess
    expect(matchesPattern({ a: [null] }, { a: null })).toBe(true);
    expect(matchesPattern({ a: [null] }, {})).toBe(false);
  });

  it('matches a nested pattern against any one element of an array of objects', () => {
    // Prepare: an order event whose items are objects (event-ruler's "JSON array matching").
    const event = {
      detail: {
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 3 },
        ],
      },
    };

    // Act / Assess
    expect(matchesPattern({ detail: { items: { sku: ['B'] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { items: { sku: ['C'] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { items: { sku: ['B'], qty: [3] } } }, event)).toBe(true);
    // Fields of different elements are not combined: no single item is A with 3.
    expect(matchesPattern({ detail: { items: { sku: ['A'], qty: [3] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { items: { sku: [{ exists: true }] } } }, event)).toBe(true);
    // An empty array has no fields: only absence matches.
    const empty = { detail: { items: [] } };
    expect(matchesPattern({ detail: { items: { sku: ['A'] } } }, empty)).toBe(false);
    expect(matchesPattern({ detail: { items: { sku: [{ exists: false }] } } }, empty)).toBe(true);
  });

  it.each([
    ['equals-ignore-case', { 'equals-ignore-case': ['stopped', 'paused'] }, 'Stopped', false],
    ['equals-ignore-case', { 'equals-ignore-case': ['stopped', 'paused'] }, 'Running', true],
    ['equals-ignore-case', { 'equals-ignore-case': 'stopped' }, 'STOPPED', false],
    ['prefix', { prefix: ['tmp/', 'cache/'] }, 'cache/a.jpg', false],
    ['prefix', { prefix: ['tmp/', 'cache/'] }, 'uploads/a.jpg', true],
    ['suffix', { suffix: ['.tmp', '.part'] }, 'a.part', false],
    ['suffix', { suffix: ['.tmp', '.part'] }, 'a.jpg', true],
    ['wildcard', { wildcard: ['*/thumbs/*', 'tmp/*'] }, 'p-1/thumbs/a.jpg', false],
    ['wildcard', { wildcard: ['*/thumbs/*', 'tmp/*'] }, 'p-1/a.jpg', true],
  ])('anything-but %s %j: %s -> %s', (_op, inner, value, expected) => {
    // Act / Assess
    expect(matchesPattern({ state: [{ 'anything-but': inner }] }, { state: value })).toBe(expected);
  });
});
