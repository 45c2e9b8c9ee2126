import { readTemplate } from '@shop/testing/template';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadThumbnailsConfig } from '../../src/config.js';

// CloudFormation checks ThumbnailWidths against its AllowedPattern at deploy time; the
// function checks THUMBNAIL_WIDTHS at every cold start. A value the first takes and the second
// refuses deploys fine and then fails every upload, so the pattern must admit no such value.

const parameter = readTemplate().Parameters?.ThumbnailWidths as {
  Default: string;
  AllowedPattern: string;
};
const allowed = new RegExp(parameter.AllowedPattern);
const configures = (widths: string) => {
  try {
    loadThumbnailsConfig({ THUMBNAILS_BUCKET: 'thumbs', THUMBNAIL_WIDTHS: widths });
    return true;
  } catch {
    return false;
  }
};

describe('template.yaml ThumbnailWidths', () => {
  it('admits the default and the limits, and refuses what lies beyond them', () => {
    const thirtyTwo = Array.from({ length: 32 }, (_, i) => String(i + 1)).join(',');
    for (const widths of [
      parameter.Default,
      '1',
      '4096',
      '999,1000,3999,4000,4089,4090',
      thirtyTwo,
    ]) {
      expect([widths, allowed.test(widths), configures(widths)]).toEqual([widths, true, true]);
    }
    for (const widths of ['4097', '9999', '0', '128,,512', '', `${thirtyTwo},33`]) {
      expect([widths, allowed.test(widths)]).toEqual([widths, false]);
    }
  });

  it('admits no value that the function would refuse at cold start', () => {
    const lists = fc
      .array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 40 })
      .map((widths) => widths.join(','));
    fc.assert(
      fc.property(lists, (widths) => !allowed.test(widths) || configures(widths)),
      { numRuns: 2000 },
    );
  });
});

describe.each([
  ['ThumbnailMaxSourceBytes', 'MAX_SOURCE_BYTES'],
  ['ThumbnailMaxSourcePixels', 'MAX_SOURCE_PIXELS'],
])('template.yaml %s', (name, variable) => {
  const limit = readTemplate().Parameters?.[name] as { Default: string; AllowedPattern: string };
  const allowed = new RegExp(limit.AllowedPattern);
  const configuresLimit = (value: string) => {
    try {
      loadThumbnailsConfig({ THUMBNAILS_BUCKET: 'thumbs', [variable]: value });
      return true;
    } catch {
      return false;
    }
  };

  it('admits whole numbers only, as the function does', () => {
    for (const value of [limit.Default, '1', '999999999999999']) {
      expect([value, allowed.test(value), configuresLimit(value)]).toEqual([value, true, true]);
    }
    for (const value of ['1.5', '1e6', '0', '-1', '', ' 5', '0x10']) {
      expect([value, allowed.test(value)]).toEqual([value, false]);
    }
  });

  it('admits no value that the function would refuse at cold start', () => {
    const values = fc.oneof(
      fc.integer().map(String),
      fc.double().map(String),
      fc.string({ unit: fc.constantFrom(...'0123456789.e-+ '.split('')), maxLength: 20 }),
    );
    fc.assert(
      fc.property(values, (value) => !allowed.test(value) || configuresLimit(value)),
      { numRuns: 2000 },
    );
  });
});

/** Every object of the uploads bucket, as the template names them (`Fn::Sub`). */
const OBJECTS = ['$', '{UploadsBucket.Arn}/*'].join('');

describe('template.yaml UploadsBucketPolicy', () => {
  it('refuses at the edge the uploads S3 would never serve the thumbnailer', () => {
    // Prepare
    const policy = readTemplate().Resources.UploadsBucketPolicy?.Properties as {
      PolicyDocument: { Statement: Array<Record<string, unknown>> };
    };
    const deniedPuts = policy.PolicyDocument.Statement.filter(
      (statement) =>
        statement.Effect === 'Deny' &&
        statement.Principal === '*' &&
        statement.Action === 's3:PutObject' &&
        JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::Sub': OBJECTS }),
    );

    // Act
    const conditions = deniedPuts.map((statement) => statement.Condition);

    // Assess: any SSE-C header, and the two classes a GET needs a restore for.
    expect(conditions).toEqual([
      { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
      { StringEquals: { 's3:x-amz-storage-class': ['GLACIER', 'DEEP_ARCHIVE'] } },
    ]);
  });
});
