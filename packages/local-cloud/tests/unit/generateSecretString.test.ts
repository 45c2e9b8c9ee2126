import { describe, expect, it } from 'vitest';
import { generateSecretString } from '../../src/provision/generateSecretString.js';

describe('generateSecretString', () => {
  it('makes a password of the requested length from the allowed classes, one of each', () => {
    // Act
    const values = Array.from({ length: 50 }, () =>
      generateSecretString({ PasswordLength: 64, ExcludePunctuation: true }),
    );

    // Assess
    for (const value of values) {
      expect(value).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(value).toMatch(/[a-z]/);
      expect(value).toMatch(/[A-Z]/);
      expect(value).toMatch(/[0-9]/);
    }
    expect(new Set(values).size).toBe(50);
  });

  it('honours excluded characters and fills a JSON template', () => {
    // Act
    const value = generateSecretString({
      PasswordLength: 20,
      ExcludeCharacters: 'aeiou',
      SecretStringTemplate: '{"username":"app"}',
      GenerateStringKey: 'password',
    });

    // Assess
    const parsed = JSON.parse(value);
    expect(parsed.username).toBe('app');
    expect(parsed.password).toHaveLength(20);
    expect(parsed.password).not.toMatch(/[aeiou]/);
  });
});
