// DynamoDB Streams records built from an item's image before and after a write, in the
// shape GetRecords answers on the wire (JSON, AttributeValues as DynamoDB sends them).

/** An item on the wire: attribute name -> AttributeValue (`{ S: 'x' }`, `{ N: '1' }` ...). */
export type WireItem = Record<string, unknown>;

export const STREAM_VIEW_TYPES = [
  'KEYS_ONLY',
  'NEW_IMAGE',
  'OLD_IMAGE',
  'NEW_AND_OLD_IMAGES',
] as const;
export type StreamViewType = (typeof STREAM_VIEW_TYPES)[number];

/** One stream record as GetRecords returns it (wire JSON). */
export interface WireStreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    /** Epoch seconds, rounded down, as AWS documents it. */
    ApproximateCreationDateTime: number;
    Keys: WireItem;
    NewImage?: WireItem;
    OldImage?: WireItem;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
}

// Attribute order and set order carry no meaning in DynamoDB: compare canonically.
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, inner]) => {
      const normal = canonical(inner);
      return [
        key,
        ['SS', 'NS', 'BS'].includes(key) && Array.isArray(normal) ? [...normal].sort() : normal,
      ];
    });
  return Object.fromEntries(entries);
};

/** Do two item images hold the same data (a write that changed nothing writes no record)? */
export const sameItem = (a: WireItem | undefined, b: WireItem | undefined): boolean =>
  JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));

/** The key attributes of an item, by the table's key schema. */
export const keyOf = (item: WireItem, keyNames: readonly string[]): WireItem =>
  Object.fromEntries(keyNames.filter((name) => name in item).map((name) => [name, item[name]]));

/**
 * The record for one write, or undefined when the write changed nothing (a PutItem of the
 * same item, an update to the same values, a delete of a missing item).
 */
export const streamRecord = (input: {
  before: WireItem | undefined;
  after: WireItem | undefined;
  keyNames: readonly string[];
  viewType: StreamViewType;
  sequenceNumber: string;
  eventId: string;
  region: string;
  now: number;
}): WireStreamRecord | undefined => {
  const { before, after, viewType } = input;
  if (sameItem(before, after)) return undefined;
  const image = (after ?? before) as WireItem;
  const eventName = before === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY';
  const keys = keyOf(image, input.keyNames);
  const newImage =
    after !== undefined && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')
      ? after
      : undefined;
  const oldImage =
    before !== undefined && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')
      ? before
      : undefined;
  return {
    eventID: input.eventId,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: input.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(input.now / 1000),
      Keys: keys,
      ...(newImage ? { NewImage: newImage } : {}),
      ...(oldImage ? { OldImage: oldImage } : {}),
      SequenceNumber: input.sequenceNumber,
      // Approximate: the JSON size of keys and images (AWS counts its own encoding).
      SizeBytes: Buffer.byteLength(JSON.stringify([keys, newImage ?? {}, oldImage ?? {}])),
      StreamViewType: viewType,
    },
  };
};
