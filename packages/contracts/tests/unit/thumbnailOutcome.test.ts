import { describe, expect, it } from 'vitest';
import { parseUploadKey } from '../../src/mediaKeys.js';
import {
  InvalidOutcomeError,
  OUTCOME_LIMITS,
  outcomeKey,
  parseThumbnailOutcome,
  type ThumbnailOutcome,
} from '../../src/thumbnailOutcome.js';

const generated: ThumbnailOutcome = {
  version: 1,
  status: 'generated',
  source: { bucket: 'uploads', key: 'uploads/p-1/a.jpg', eTag: '"e"', size: 10, sequencer: '0A' },
  thumbnails: [{ key: 'p-1/a.jpg/128.webp', width: 128, height: 96, bytes: 900 }],
  writtenAt: '2026-12-02T10:00:00.000Z',
};

describe('parseThumbnailOutcome', () => {
  it('reads a version-1 outcome back unchanged', () => {
    expect(parseThumbnailOutcome(JSON.stringify(generated))).toEqual(generated);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another version', JSON.stringify({ ...generated, version: 2 }), /invalid: version/],
    [
      'a zero width',
      JSON.stringify({ ...generated, thumbnails: [{ ...generated.thumbnails[0], width: 0 }] }),
      /invalid: thumbnails\.0\.width Too small: expected number to be >=1/,
    ],
    [
      'a timestamp that is not ISO 8601',
      JSON.stringify({ ...generated, writtenAt: 'today' }),
      /invalid: writtenAt/,
    ],
    [
      'too many thumbnails',
      JSON.stringify({
        ...generated,
        thumbnails: Array(OUTCOME_LIMITS.maxThumbnails + 1).fill(generated.thumbnails[0]),
      }),
      /invalid: thumbnails/,
    ],
  ])('rejects %s, naming the problem', (_case, text, message) => {
    // Act
    const attempt = () => parseThumbnailOutcome(text);

    // Assess
    expect(attempt).toThrow(InvalidOutcomeError);
    expect(attempt).toThrow(message);
  });
});

describe('outcomeKey', () => {
  it('puts the outcome next to the thumbnails of its upload', () => {
    // Prepare
    const upload = parseUploadKey('uploads/p-1/a.jpg');

    // Assess
    expect(upload && outcomeKey(upload)).toBe('p-1/a.jpg/outcome.json');
  });
});
