import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseParameterOverrides } from '../../src/template/parameters.js';

describe('parseParameterOverrides', () => {
  it('reads Key=Value pairs, quoted values and the ParameterKey form', () => {
    // Act
    const overrides = parseParameterOverrides(
      'Stage=prod Greeting="hello world" ParameterKey=Email,ParameterValue=a@b.co Empty=',
    );

    // Assess
    expect(overrides).toEqual({
      Stage: 'prod',
      Greeting: 'hello world',
      Email: 'a@b.co',
      Empty: '',
    });
  });

  it('rejects text that is not Key=Value', () => {
    // Act / Assess
    expect(() => parseParameterOverrides('Stage prod')).toThrow('cannot read parameter override');
  });

  it('round-trips any alphanumeric key and space-free value', () => {
    // Assess
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/),
          fc.stringMatching(/^[^\s"']{0,20}$/),
          { maxKeys: 5 },
        ),
        (pairs) => {
          const text = Object.entries(pairs)
            .map(([key, value]) => `${key}=${value}`)
            .join(' ');
          expect(parseParameterOverrides(text)).toEqual(pairs);
        },
      ),
    );
  });
});
