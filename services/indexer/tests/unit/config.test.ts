import { ConfigError } from '@shop/common/config';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';

describe('readConfig', () => {
  it('applies the default thumbnail widths and leaves the thumbnails bucket out', () => {
    // Act
    const config = readConfig({ MEDIA_TABLE_NAME: 'media', UPLOADS_BUCKET: 'uploads' });

    // Assess
    expect(config).toEqual({
      mediaTableName: 'media',
      uploadsBucket: 'uploads',
      thumbnailWidths: [128, 512, 1024],
    });
  });

  it('reads widths as a distinct, ascending list', () => {
    const config = readConfig({
      MEDIA_TABLE_NAME: 'media',
      UPLOADS_BUCKET: 'uploads',
      THUMBNAILS_BUCKET: 'thumbs',
      THUMBNAIL_WIDTHS: '512, 128,512',
    });
    expect(config.thumbnailWidths).toEqual([128, 512]);
    expect(config.thumbnailsBucket).toBe('thumbs');
  });

  it('names every missing or malformed variable', () => {
    // Act
    let caught: unknown;
    try {
      readConfig({ THUMBNAIL_WIDTHS: '128,big' });
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ConfigError);
    const names = (caught as ConfigError).problems.map((problem) => problem.split(' ')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['MEDIA_TABLE_NAME', 'UPLOADS_BUCKET', 'THUMBNAIL_WIDTHS.1']),
    );
  });
});
