import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOpenApi } from '../../src/openapi.js';

const folder = mkdtempSync(path.join(tmpdir(), 'openapi-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const file = path.join(folder, 'openapi.yaml');
writeFileSync(
  file,
  `openapi: 3.1.0
info: { title: t, version: '1' }
paths: {}
components:
  schemas:
    Note:
      type: string
      minLength: 1
      maxLength: 3
      pattern: '^\\p{L}+$'
    Order:
      type: object
      additionalProperties: false
      required: [id, note, placedAt]
      properties:
        id: { type: string }
        note: { $ref: '#/components/schemas/Note' }
        placedAt: { type: string, format: date-time }
  responses:
    Created:
      content:
        application/json:
          schema: { $ref: '#/components/schemas/Order' }
`,
);

describe('loadOpenApi', () => {
  const api = loadOpenApi(file);
  const order = api.resolve({ $ref: '#/components/schemas/Order' });

  it('accepts a value that conforms, through $refs', () => {
    // Assess
    expect(api.check(order, { id: 'a', note: 'äöü', placedAt: '2026-12-02T10:00:00Z' })).toEqual(
      [],
    );
  });

  it('names each problem: required, additional, format, length, pattern', () => {
    // Act
    const problems = api.check(order, { note: '😀😀😀😀', extra: 1, placedAt: 'yesterday' });

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must have required property 'id'"),
        expect.stringContaining('must NOT have additional properties'),
        expect.stringMatching(/^\$\.placedAt: must match format "date-time"/),
        expect.stringMatching(/^\$\.note: must NOT have more than 3 characters/),
        expect.stringMatching(/^\$\.note: must match pattern/),
      ]),
    );
  });

  it('counts lengths in code points, not UTF-16 units', () => {
    // Prepare: U+1D400 MATHEMATICAL BOLD CAPITAL A, a letter outside the BMP (2 UTF-16 units)
    const three = '\u{1D400}\u{1D400}\u{1D400}';
    const four = '\u{1D400}\u{1D400}\u{1D400}\u{1D400}';
    expect([three.length, [...three].length]).toEqual([6, 3]);

    // Act
    const threeProblems = api.check(order, {
      id: 'a',
      note: three,
      placedAt: '2026-12-02T10:00:00Z',
    });
    const fourProblems = api.check(order, {
      id: 'a',
      note: four,
      placedAt: '2026-12-02T10:00:00Z',
    });

    // Assess: 3 code points fit maxLength 3 (6 UTF-16 units would not); 4 do not
    expect(threeProblems).toEqual([]);
    expect(fourProblems).toEqual(['$.note: must NOT have more than 3 characters']);
  });

  it('checks a schema given inline with local refs (a response content schema)', () => {
    // Prepare
    const created = api.resolve({ $ref: '#/components/responses/Created' }) as {
      content: { 'application/json': { schema: Record<string, unknown> } };
    };
    const schema = created.content['application/json'].schema;

    // Assess
    expect(api.check(schema, { id: 'a', note: 'ab', placedAt: '2026-12-02T10:00:00Z' })).toEqual(
      [],
    );
    expect(api.check(schema, { id: 1 })).not.toEqual([]);
  });
});
