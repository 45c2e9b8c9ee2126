import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { MEDIA_TABLE } from '../domain/constants.js';
import type {
  DeletedMediaItem,
  LiveMediaItem,
  MediaItem,
  OutcomeFields,
} from '../domain/MediaItem.js';
import type { MediaCatalog, MediaPage, WriteResult } from '../domain/ports.js';

// Every write carries the same guard: apply only if no event has been applied to this key yet,
// or the stored sequencer is older. Sequencers are stored normalised (fixed width, upper-case
// hex; see domain/sequencer.ts), so DynamoDB's string `<` is the documented S3 order. An equal
// sequencer is a duplicate delivery and fails the guard: nothing changes.
const NEWER_EVENT_ONLY = 'attribute_not_exists(#sequencer) OR #sequencer < :sequencer';

const guarded = async (write: () => Promise<unknown>): Promise<WriteResult> => {
  try {
    await write();
    return 'applied';
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return 'stale';
    throw error;
  }
};

// An outcome applies to the upload event it answers (equal sequencer), and outcomes of that
// upload apply in the order the thumbnailer wrote them (the outcome object's sequencer).
const OUTCOME_OF_THIS_UPLOAD =
  '#sequencer = :sequencer AND (attribute_not_exists(#outcomeSequencer) OR #outcomeSequencer < :outcomeSequencer)';
const OPTIONAL_OUTCOME_ATTRIBUTES = ['reason', 'detail'] as const;

/** {@link MediaCatalog} over MediaTable. */
export class DynamoDBMediaCatalog implements MediaCatalog {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async putActive(item: LiveMediaItem): Promise<WriteResult> {
    return guarded(() =>
      this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: item,
          ConditionExpression: NEWER_EVENT_ONLY,
          ExpressionAttributeNames: { '#sequencer': 'sequencer' },
          ExpressionAttributeValues: { ':sequencer': item.sequencer },
        }),
      ),
    );
  }

  /**
   * An update, not a put: the attributes of the last live version stay on the tombstone
   * (its thumbnails become an empty list: the thumbnailer deletes them with the upload), and
   * the `byProduct` sort key is removed so the deleted object drops out of that index.
   */
  async markDeleted(item: DeletedMediaItem): Promise<WriteResult> {
    const { key, ...attributes } = item;
    const entries = Object.entries(attributes);
    const names: Record<string, string> = {
      '#productSort': MEDIA_TABLE.productSortAttribute,
      '#reason': 'reason',
      '#detail': 'detail',
    };
    const values: Record<string, unknown> = {};
    for (const [name, value] of entries) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
    }
    const assignments = entries.map(([name]) => `#${name} = :${name}`).join(', ');
    return guarded(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [MEDIA_TABLE.partitionKey]: key },
          UpdateExpression: `SET ${assignments} REMOVE #productSort, #reason, #detail`,
          ConditionExpression: NEWER_EVENT_ONLY,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async applyOutcome(key: string, sequencer: string, fields: OutcomeFields): Promise<WriteResult> {
    const values: Record<string, unknown> = {
      ':sequencer': sequencer,
      ':updatedAt': new Date().toISOString(),
    };
    const names: Record<string, string> = { '#sequencer': 'sequencer', '#updatedAt': 'updatedAt' };
    const set: string[] = ['#updatedAt = :updatedAt'];
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      set.push(`#${name} = :${name}`);
    }
    // A skip reason left over from an earlier outcome of the same upload goes.
    const remove = OPTIONAL_OUTCOME_ATTRIBUTES.filter((name) => fields[name] === undefined);
    for (const name of remove) names[`#${name}`] = name;
    const removal = remove.length === 0 ? '' : ` REMOVE ${remove.map((n) => `#${n}`).join(', ')}`;
    return guarded(() =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [MEDIA_TABLE.partitionKey]: key },
          UpdateExpression: `SET ${set.join(', ')}${removal}`,
          ConditionExpression: OUTCOME_OF_THIS_UPLOAD,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** The item of one object key (live or tombstone), if any. */
  async get(key: string): Promise<MediaItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [MEDIA_TABLE.partitionKey]: key },
        ConsistentRead: true,
      }),
    );
    return Item as MediaItem | undefined;
  }

  /**
   * A product's live media, newest first (by Last-Modified, then key), `limit` (default 50) at
   * a time. DynamoDB returns a LastEvaluatedKey whenever it stops at Limit, even when nothing
   * follows, so that key would give the last page a cursor to an empty page. Instead this reads
   * one item past the page: the cursor (the index position of the page's last item, the same
   * shape as DynamoDB's LastEvaluatedKey) is there only if that extra item exists. A read that
   * DynamoDB cuts short (its 1 MB page size) continues until the page and the look-ahead item
   * are in or the index has no more.
   */
  async listByProduct(
    productId: string,
    options: { limit?: number; cursor?: Record<string, unknown> } = {},
  ): Promise<MediaPage> {
    const limit = options.limit ?? 50;
    const items: LiveMediaItem[] = [];
    let startKey = options.cursor;
    do {
      const { Items, LastEvaluatedKey } = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: MEDIA_TABLE.byProductIndex,
          KeyConditionExpression: '#productId = :productId',
          ExpressionAttributeNames: { '#productId': MEDIA_TABLE.productIdAttribute },
          ExpressionAttributeValues: { ':productId': productId },
          ScanIndexForward: false,
          Limit: limit + 1 - items.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...((Items ?? []) as LiveMediaItem[]));
      startKey = LastEvaluatedKey;
    } while (startKey !== undefined && items.length <= limit);
    if (items.length <= limit) return { items };
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return last === undefined
      ? { items: page }
      : {
          items: page,
          cursor: {
            [MEDIA_TABLE.partitionKey]: last.key,
            [MEDIA_TABLE.productIdAttribute]: last.productId,
            [MEDIA_TABLE.productSortAttribute]: last.productSort,
          },
        };
  }
}
