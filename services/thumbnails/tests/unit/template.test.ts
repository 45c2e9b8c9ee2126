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
