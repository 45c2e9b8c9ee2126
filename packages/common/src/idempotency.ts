import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

/**
 * Powertools' DynamoDB idempotency store that recognises its own write when an answer was
 * lost. The SDK retries a PutItem whose attempt timed out; if that attempt was applied, the
 * retry fails the condition on the record this very call wrote, and Powertools reports the
 * request as already in progress (a false 409, or a message held back until the in-progress
 * expiry). A failed condition whose stored record is this record (INPROGRESS, same expiry
 * and in-progress expiry to the millisecond, same payload hash) is this call's write: success.
 *
 * @example
 * const persistenceStore = new RetrySafeDynamoDBPersistenceLayer({ tableName, awsSdkV3Client });
 */
export class RetrySafeDynamoDBPersistenceLayer extends DynamoDBPersistenceLayer {
  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    try {
      await super._putRecord(record);
    } catch (error) {
      if (!(error instanceof IdempotencyItemAlreadyExistsError) || !isOwnWrite(error, record)) {
        throw error;
      }
    }
  }
}

const isOwnWrite = (error: IdempotencyItemAlreadyExistsError, record: IdempotencyRecord) => {
  const stored = error.existingRecord;
  return (
    stored !== undefined &&
    stored.getStatus() === IdempotencyRecordStatus.INPROGRESS &&
    record.inProgressExpiryTimestamp !== undefined &&
    stored.inProgressExpiryTimestamp === record.inProgressExpiryTimestamp &&
    stored.expiryTimestamp === record.expiryTimestamp &&
    // Without payload validation no hash is stored (the record still holds '').
    (stored.payloadHash ?? '') === (record.payloadHash ?? '')
  );
};
