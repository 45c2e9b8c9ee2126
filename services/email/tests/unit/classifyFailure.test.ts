import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceLayerError,
} from '@aws-lambda-powertools/idempotency';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/domain/classifyFailure.js';
import {
  EmailProviderUnavailableError,
  EmailRejectedError,
  InvalidOrderEventError,
  TimeBudgetExhaustedError,
} from '../../src/domain/errors.js';

describe('classifyFailure', () => {
  it('treats invalid events and rejected emails as permanent', () => {
    // Act
    const invalid = classifyFailure(
      new InvalidOrderEventError('schema-invalid', ['total: invalid_type']),
    );
    const unknownType = classifyFailure(new InvalidOrderEventError('unknown-event-type'));
    const rejected = classifyFailure(new EmailRejectedError('MessageRejected'));

    // Assess
    expect(invalid).toEqual({
      kind: 'permanent',
      reason: 'schema-invalid',
      problems: ['total: invalid_type'],
    });
    expect(unknownType).toMatchObject({ kind: 'permanent', reason: 'unknown-event-type' });
    expect(rejected).toEqual({ kind: 'permanent', reason: 'email-rejected:MessageRejected' });
  });

  it('treats provider outages, the time budget and idempotency store trouble as transient', () => {
    // Act
    const results = [
      classifyFailure(new EmailProviderUnavailableError('TooManyRequestsException')),
      classifyFailure(new TimeBudgetExhaustedError(900)),
      classifyFailure(new IdempotencyAlreadyInProgressError('in progress')),
      classifyFailure(new IdempotencyPersistenceLayerError('store down')),
    ];

    // Assess
    expect(results).toEqual([
      { kind: 'transient', reason: 'email-provider-unavailable:TooManyRequestsException' },
      { kind: 'transient', reason: 'time-budget-exhausted' },
      { kind: 'transient', reason: 'IdempotencyAlreadyInProgressError' },
      { kind: 'transient', reason: 'IdempotencyPersistenceLayerError' },
    ]);
  });

  it('retries anything unexpected rather than dropping it', () => {
    // Act
    const results = [classifyFailure(new TypeError('bug')), classifyFailure('a string')];

    // Assess
    expect(results).toEqual([
      { kind: 'transient', reason: 'TypeError' },
      { kind: 'transient', reason: 'unknown' },
    ]);
  });
});
