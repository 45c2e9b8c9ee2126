import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import {
  BasePersistenceLayer,
  IdempotencyRecord,
} from '@aws-lambda-powertools/idempotency/persistence';

/**
 * A Powertools idempotency store in memory, with the DynamoDB layer's conditional-put rules:
 * a key can be taken when it is absent, expired, or INPROGRESS past its in-progress expiry.
 * Several instances may share one `items` map, like functions sharing one table.
 */
export class InMemoryPersistenceLayer extends BasePersistenceLayer {
  readonly items: Map<string, IdempotencyRecord>;
  /** Make the next store operations fail, to simulate DynamoDB being unavailable. */
  failWith: Error | undefined;

  constructor(items: Map<string, IdempotencyRecord> = new Map()) {
    super();
    this.items = items;
  }

  #check() {
    if (this.failWith !== undefined) throw this.failWith;
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    this.#check();
    const existing = this.items.get(record.idempotencyKey);
    const now = Date.now();
    const takeable =
      existing === undefined ||
      (existing.expiryTimestamp !== undefined && existing.expiryTimestamp < now / 1000) ||
      (existing.getStatus() === IdempotencyRecordStatus.INPROGRESS &&
        existing.inProgressExpiryTimestamp !== undefined &&
        existing.inProgressExpiryTimestamp < now);
    if (!takeable) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        existing,
      );
    }
    this.items.set(record.idempotencyKey, record);
  }

  protected override async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    this.#check();
    const record = this.items.get(idempotencyKey);
    if (record === undefined) throw new IdempotencyItemNotFoundError();
    return record;
  }

  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.#check();
    const existing = this.items.get(record.idempotencyKey);
    this.items.set(
      record.idempotencyKey,
      new IdempotencyRecord({
        idempotencyKey: record.idempotencyKey,
        status: record.getStatus(),
        expiryTimestamp: record.expiryTimestamp,
        inProgressExpiryTimestamp: existing?.inProgressExpiryTimestamp,
        // Like the DynamoDB layer: the payload hash written with the record stays with it.
        payloadHash: record.payloadHash ?? existing?.payloadHash,
        responseData: record.responseData,
      }),
    );
  }

  protected override async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#check();
    this.items.delete(record.idempotencyKey);
  }
}
