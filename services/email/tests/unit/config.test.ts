import { ConfigError } from '@shop/common/config';
import { describe, expect, it } from 'vitest';
import { loadEmailConfig } from '../../src/config.js';

describe('loadEmailConfig', () => {
  it('applies the defaults and treats an empty configuration set as none', () => {
    // Act
    const config = loadEmailConfig({
      IDEMPOTENCY_TABLE_NAME: 'email-idempotency',
      SENDER_EMAIL: 'orders@example.com',
      SES_CONFIGURATION_SET: '',
    });

    // Assess
    expect(config).toEqual({
      idempotencyTableName: 'email-idempotency',
      senderEmail: 'orders@example.com',
      idempotencyExpirySeconds: 604_800,
      remainingTimeSafetyMarginMs: 10_000,
      maxReceiveCount: 5,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('maps every variable to its camelCase field', () => {
    // Act
    const config = loadEmailConfig({
      IDEMPOTENCY_TABLE_NAME: 'email-idempotency',
      SENDER_EMAIL: 'orders@example.com',
      SES_CONFIGURATION_SET: 'shop-emails',
      IDEMPOTENCY_EXPIRY_SECONDS: '3600',
      REMAINING_TIME_SAFETY_MARGIN_MS: '5000',
      MAX_RECEIVE_COUNT: '3',
    });

    // Assess
    expect(config).toEqual({
      idempotencyTableName: 'email-idempotency',
      senderEmail: 'orders@example.com',
      sesConfigurationSet: 'shop-emails',
      idempotencyExpirySeconds: 3_600,
      remainingTimeSafetyMarginMs: 5_000,
      maxReceiveCount: 3,
    });
  });

  it('names every missing or malformed variable', () => {
    // Act
    const error = (() => {
      try {
        loadEmailConfig({
          SENDER_EMAIL: 'not-an-address',
          REMAINING_TIME_SAFETY_MARGIN_MS: '-1',
        });
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('IDEMPOTENCY_TABLE_NAME is required but not set');
    expect(problems).toContain('SENDER_EMAIL');
    expect(problems).toContain('REMAINING_TIME_SAFETY_MARGIN_MS');
  });
});
