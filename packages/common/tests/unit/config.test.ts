import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { booleanFlag, ConfigError, loadConfig, positiveIntList } from '../../src/config.js';

const schema = z.object({
  TABLE_NAME: z.string().min(1),
  PAGE_SIZE: z.coerce.number().int().positive().default(20),
  WIDTHS: positiveIntList.default([128]),
  DEBUG: booleanFlag.default(false),
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
      expect(problems).toMatch(/PAGE_SIZE/);
      expect(problems).toMatch(/WIDTHS/);
      expect(problems).toMatch(/DEBUG/);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('treats an empty string as missing', () => {
    expect(() => loadConfig(schema, { TABLE_NAME: '' })).toThrow(
      /TABLE_NAME is required but not set/,
    );
  });
});
