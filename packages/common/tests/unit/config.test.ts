import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { booleanFlag, ConfigError, loadConfig, positiveIntList } from '../../src/config.js';

const schema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PAGE_SIZE: z._default(z.coerce.number().check(z.int(), z.positive()), 20),
  WIDTHS: z._default(positiveIntList, [128]),
  DEBUG: z._default(booleanFlag, false),
});

describe('loadConfig', () => {
  it('returns a frozen, typed object with defaults applied', () => {
    // Act
    const config = loadConfig(schema, { TABLE_NAME: 'orders', WIDTHS: '128, 512', DEBUG: 'false' });

    // Assess
    expect(config).toEqual({
      TABLE_NAME: 'orders',
      PAGE_SIZE: 20,
      WIDTHS: [128, 512],
      DEBUG: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing or malformed variable in one error', () => {
    // Act
    const attempt = () => loadConfig(schema, { PAGE_SIZE: 'many', WIDTHS: '128,-1', DEBUG: 'yes' });

    // Assess
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('TABLE_NAME is required but not set');
      expect(problems).toContain('PAGE_SIZE Invalid input: expected number, received NaN');
      expect(problems).toContain('WIDTHS.1 Too small: expected number to be >0');
      expect(problems).toMatch(/DEBUG Invalid option: expected one of "[01a-z"|]+"/);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('treats an empty string as missing', () => {
    expect(() => loadConfig(schema, { TABLE_NAME: '' })).toThrow(
      /TABLE_NAME is required but not set/,
    );
  });

  it('treats a blank string as missing: a number is never read from whitespace as 0', () => {
    // Prepare
    const numbers = z.object({ CACHE_SECONDS: z._default(z.coerce.number(), 300) });

    // Act / Assess
    expect(() => loadConfig(schema, { TABLE_NAME: ' \t' })).toThrow(
      /TABLE_NAME is required but not set/,
    );
    expect(loadConfig(numbers, { CACHE_SECONDS: ' ' }).CACHE_SECONDS).toBe(300);
  });
});
