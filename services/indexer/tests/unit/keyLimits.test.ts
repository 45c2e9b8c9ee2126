import { MAX_UPLOAD_KEY_BYTES, parseUploadKey, type UploadKey } from '@shop/contracts/mediaKeys';
import { resourceProperties } from '@shop/testing/template';
import { describe, expect, it } from 'vitest';
import { indexObjectChange } from '../../src/domain/indexObjectChange.js';
import {
  buildDeletedItem,
  buildUploadedItem,
  MAX_PRODUCT_SORT_BYTES,
  type MediaItem,
} from '../../src/domain/MediaItem.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import {
  DYNAMODB_KEY_LIMITS,
  FakeCatalog,
  FakeInspector,
  objectSnapshot,
} from '../support/fakes.js';

// DynamoDB refuses a write whose key attribute, of the table or of any index, is over its size
// limit: 2048 bytes for a partition key, 1024 for a sort key (UTF-8). dynalite checks only the
// table's keys, so the integration tests cannot see an index key that is too long: this test
// builds the items of the longest key the contract accepts and checks every key attribute
// template.yaml gives MediaTable, on the table and on each index.

const LIMITS = { HASH: 2048, RANGE: 1024 } as const;
type KeyElement = { AttributeName: string; KeyType: keyof typeof LIMITS };

/** Every key schema of MediaTable, as template.yaml defines it. */
const keySchemas = (): Array<[string, KeyElement[]]> => {
  const table = resourceProperties('MediaTable') as {
    KeySchema: KeyElement[];
    GlobalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: KeyElement[] }>;
    LocalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: KeyElement[] }>;
  };
  return [
    ['MediaTable', table.KeySchema],
    ...[...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].map(
      (index): [string, KeyElement[]] => [`index ${index.IndexName}`, index.KeySchema],
    ),
  ];
};

const bytes = (value: unknown) => Buffer.byteLength(String(value), 'utf8');

/** The longest upload key the contract accepts: longest product id, name of `fill` characters. */
const longestKey = (fill: string): UploadKey => {
  const prefix = `uploads/${'P'.repeat(64)}/`;
  let name = '';
  while (bytes(`${prefix}${name}${fill}`) <= MAX_UPLOAD_KEY_BYTES) name += fill;
  while (bytes(`${prefix}${name}`) < MAX_UPLOAD_KEY_BYTES) name += 'a';
  const upload = parseUploadKey(`${prefix}${name}`);
  if (upload === undefined) throw new Error('the longest key must parse');
  return upload;
};

/** The latest time `Date#toISOString` writes in 24 characters (what a HEAD's Last-Modified gives). */
const LATEST = new Date('9999-12-31T23:59:59.999Z').toISOString();
const SEQUENCER = normaliseSequencer('0069B528ED2C7A41F3');
const NOW = new Date('2026-03-14T09:27:00.000Z');

/** Every item shape the indexer writes for an upload key (the outcome path writes the first). */
const itemsOf = (upload: UploadKey): MediaItem[] => [
  buildUploadedItem(
    upload,
    'uploads',
    SEQUENCER,
    objectSnapshot({ lastModified: LATEST }),
    { thumbnailsBucket: 'thumbs' },
    NOW,
  ),
  buildDeletedItem(upload, 'uploads', SEQUENCER, LATEST, {}, NOW),
];

describe("MediaTable's key attributes within DynamoDB's limits", () => {
  it.each([
    ['ASCII', 'a'],
    ['2-byte characters', 'é'],
    ['3-byte characters', '商'],
    ['4-byte characters', '😀'],
  ])('fit for the longest accepted key (%s), on the table and every index', (_case, fill) => {
    // Prepare
    const upload = longestKey(fill);
    const schemas = keySchemas();

    // Assess: it is the longest key there is.
    expect(bytes(upload.key)).toBe(MAX_UPLOAD_KEY_BYTES);
    expect(parseUploadKey(`${upload.key}a`)).toBeUndefined();
    expect(schemas.map(([name]) => name)).toEqual(['MediaTable', 'index byProduct']);
    const sizes = itemsOf(upload).flatMap((item) =>
      schemas.flatMap(([schema, elements]) =>
        elements
          .filter(({ AttributeName }) => AttributeName in item)
          .map(({ AttributeName, KeyType }) => ({
            at: `${schema} ${KeyType} ${AttributeName} (${item.status})`,
            bytes: bytes((item as unknown as Record<string, unknown>)[AttributeName]),
            limit: LIMITS[KeyType],
          })),
      ),
    );
    // Not vacuous: the live item carries every key attribute of every schema.
    expect(sizes.map(({ at }) => at)).toContain('index byProduct RANGE productSort (processing)');
    expect(sizes.filter(({ bytes, limit }) => bytes > limit)).toEqual([]);
  });

  it('has MAX_PRODUCT_SORT_BYTES as the longest sort key, within 1024', () => {
    const [live] = itemsOf(longestKey('é'));
    expect(live && 'productSort' in live && bytes(live.productSort)).toBe(MAX_PRODUCT_SORT_BYTES);
    expect(MAX_PRODUCT_SORT_BYTES).toBeLessThanOrEqual(LIMITS.RANGE);
  });

  it("keeps FakeCatalog's key checks in step with the template", () => {
    const expected = Object.fromEntries(
      keySchemas().flatMap(([, elements]) =>
        elements.map(({ AttributeName, KeyType }) => [AttributeName, LIMITS[KeyType]]),
      ),
    );
    expect(DYNAMODB_KEY_LIMITS).toEqual(expected);
  });

  it('indexes the longest accepted key end to end (HEAD, item, conditional write)', async () => {
    // Prepare
    const upload = longestKey('😀');
    const catalog = new FakeCatalog();
    const inspector = new FakeInspector();
    inspector.objects.set(upload.key, objectSnapshot({ lastModified: LATEST }));

    // Act
    const outcome = await indexObjectChange(
      {
        kind: 'created',
        eventId: 'e-1',
        bucket: 'uploads',
        key: upload.key,
        sequencer: SEQUENCER,
        eTag: 'etag-1',
        eventTime: '2026-03-14T10:00:00Z',
      },
      { catalog, inspector, settings: {}, now: () => NOW },
    );

    // Assess
    expect(outcome).toMatchObject({ result: 'indexed', key: upload.key });
  });
});
