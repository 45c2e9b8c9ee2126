import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOpenApi } from '../../src/openapi.js';

const file = path.join(mkdtempSync(path.join(tmpdir(), 'openapi-')), 'openapi.yaml');
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

  it('names each problem: required, additional, format, code-point length, pattern', () => {
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
