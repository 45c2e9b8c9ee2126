import { MEDIA_TABLE } from '../../src/domain/constants.js';
import type {
  DeletedMediaItem,
  LiveMediaItem,
  MediaItem,
  OutcomeFields,
} from '../../src/domain/MediaItem.js';
import type {
  MediaCatalog,
  MediaPage,
  ObjectInspector,
  ObjectSnapshot,
  OutcomeReader,
  StoredText,
  WriteResult,
} from '../../src/domain/ports.js';

// In-memory ports with the same conditions as MediaTable (see DynamoDBMediaCatalog): upload
// events write only if the stored sequencer is absent or older; an outcome only onto the item
// of its own upload event, in outcome order. FakeCatalog passes the same contract tests as
// DynamoDBMediaCatalog (support/mediaCatalogContract.ts). Like DynamoDB, and unlike dynalite
// (which checks only the table's key), it refuses a write whose key attribute of the table or
// of the byProduct index is over DynamoDB's size limit.

/** DynamoDB's limits (UTF-8 bytes) on MediaTable's key attributes, table and index alike. */
export const DYNAMODB_KEY_LIMITS: Record<string, number> = {
  [MEDIA_TABLE.partitionKey]: 2048,
  [MEDIA_TABLE.productIdAttribute]: 2048,
  [MEDIA_TABLE.productSortAttribute]: 1024,
};

const checkKeySizes = (item: MediaItem) => {
  for (const [attribute, limit] of Object.entries(DYNAMODB_KEY_LIMITS)) {
    const value = (item as unknown as Record<string, unknown>)[attribute];
    const bytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
    if (bytes > limit) {
      throw Object.assign(
        new Error(
          `One or more parameter values were invalid: ${attribute} is ${bytes} bytes, over the key limit of ${limit} bytes`,
        ),
        { name: 'ValidationException' },
      );
    }
  }
};

export class FakeCatalog implements MediaCatalog {
  readonly items = new Map<string, MediaItem>();
  writes = 0;

  async putActive(item: LiveMediaItem): Promise<WriteResult> {
    return this.#write(structuredClone(item));
  }

  async markDeleted(item: DeletedMediaItem): Promise<WriteResult> {
    const {
      productSort: _gone,
      reason: _r,
      detail: _d,
      ...kept
    } = (this.items.get(item.key) ?? {}) as Partial<LiveMediaItem>;
    return this.#write({ ...kept, ...structuredClone(item) } as MediaItem);
  }

  async applyOutcome(key: string, sequencer: string, fields: OutcomeFields): Promise<WriteResult> {
    const stored = this.items.get(key) as (MediaItem & Partial<OutcomeFields>) | undefined;
    if (stored === undefined || stored.sequencer !== sequencer) return 'stale';
    if (
      stored.outcomeSequencer !== undefined &&
      !(stored.outcomeSequencer < fields.outcomeSequencer)
    )
      return 'stale';
    const { reason: _r, detail: _d, ...rest } = stored;
    this.items.set(key, { ...rest, ...structuredClone(fields) } as MediaItem);
    this.writes += 1;
    return 'applied';
  }

  async get(key: string): Promise<MediaItem | undefined> {
    return this.items.get(key);
  }

  /** Like the `byProduct` index: live items only, newest first, paged by the index key. */
  async listByProduct(
    productId: string,
    options: { limit?: number; cursor?: Record<string, unknown> } = {},
  ): Promise<MediaPage> {
    const sorted = [...this.items.values()]
      .filter(
        (item): item is LiveMediaItem => item.productId === productId && item.status !== 'deleted',
      )
      .sort((a, b) => (a.productSort < b.productSort ? 1 : -1));
    const after = options.cursor?.productSort;
    const next = sorted.findIndex((item) => typeof after === 'string' && item.productSort < after);
    const start = after === undefined ? 0 : next === -1 ? sorted.length : next;
    const items = sorted.slice(start, start + (options.limit ?? 50));
    const last = items.at(-1);
    return start + items.length < sorted.length && last !== undefined
      ? { items, cursor: { key: last.key, productId, productSort: last.productSort } }
      : { items };
  }

  #write(item: MediaItem): WriteResult {
    checkKeySizes(item);
    const stored = this.items.get(item.key);
    if (stored !== undefined && !(stored.sequencer < item.sequencer)) return 'stale';
    this.items.set(item.key, item);
    this.writes += 1;
    return 'applied';
  }
}

export class FakeInspector implements ObjectInspector {
  readonly objects = new Map<string, ObjectSnapshot>();
  heads = 0;

  async inspect(_bucket: string, key: string) {
    this.heads += 1;
    return this.objects.get(key);
  }
}

export class FakeOutcomeReader implements OutcomeReader {
  readonly objects = new Map<string, StoredText>();

  async read(_bucket: string, key: string): Promise<StoredText | undefined> {
    return this.objects.get(key);
  }
}

/** What a HEAD of an uploaded JPEG says (override what a test needs). */
export const objectSnapshot = (overrides: Partial<ObjectSnapshot> = {}): ObjectSnapshot => ({
  size: 5,
  eTag: 'etag-1',
  contentType: 'image/jpeg',
  metadata: { alt: 'front' },
  lastModified: '2026-03-14T09:26:53.000Z',
  ...overrides,
});
