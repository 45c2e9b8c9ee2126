import { ConfigError } from '@shop/common/config';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CACHE_CONTROL,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_SOURCE_PIXELS,
  loadThumbnailsConfig,
} from '../../src/config.js';

describe('loadThumbnailsConfig', () => {
  it('fills in the defaults, widths largest first', () => {
    // Act
    const config = loadThumbnailsConfig({ THUMBNAILS_BUCKET: 'thumbs' });

    // Assess
    expect(config).toEqual({
      thumbnailsBucket: 'thumbs',
      widths: [1024, 512, 128],
      maxSourceBytes: DEFAULT_MAX_SOURCE_BYTES,
      maxSourcePixels: DEFAULT_MAX_SOURCE_PIXELS,
      cacheControl: DEFAULT_CACHE_CONTROL,
      webpQuality: 80,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('sorts and de-duplicates configured widths', () => {
    const config = loadThumbnailsConfig({
      THUMBNAILS_BUCKET: 'thumbs',
      THUMBNAIL_WIDTHS: '64, 256,64,1200',
    });
    expect(config.widths).toEqual([1200, 256, 64]);
  });

  it('names every bad variable at once', () => {
    // Act
    const attempt = () =>
      loadThumbnailsConfig({
        THUMBNAIL_WIDTHS: '128,abc',
        MAX_SOURCE_BYTES: '-1',
        MAX_SOURCE_PIXELS: 'x',
      });

    // Assess
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of [
        'THUMBNAILS_BUCKET',
        'THUMBNAIL_WIDTHS',
        'MAX_SOURCE_BYTES',
        'MAX_SOURCE_PIXELS',
      ]) {
        expect(problems).toContain(name);
      }
    }
  });

  it('refuses more widths than an outcome document can list', () => {
    // Prepare
    const widths = (count: number) => Array.from({ length: count }, (_, i) => 16 + i).join(',');

    // Act / Assess
    expect(
      loadThumbnailsConfig({ THUMBNAILS_BUCKET: 'thumbs', THUMBNAIL_WIDTHS: widths(32) }).widths,
    ).toHaveLength(32);
    expect(() =>
      loadThumbnailsConfig({ THUMBNAILS_BUCKET: 'thumbs', THUMBNAIL_WIDTHS: widths(33) }),
    ).toThrow('at most 32 widths');
  });
});
