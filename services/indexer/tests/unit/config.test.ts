import { ConfigError } from '@shop/common/config';
import { describe, expect, it } from 'vitest';
import { loadIndexerConfig } from '../../src/config.js';

describe('loadIndexerConfig', () => {
  it('reads the table and both buckets', () => {
    // Act
    const config = loadIndexerConfig({
      MEDIA_TABLE_NAME: 'media',
      UPLOADS_BUCKET: 'uploads',
      THUMBNAILS_BUCKET: 'thumbs',
    });

    // Assess
    expect(config).toEqual({
      mediaTableName: 'media',
      uploadsBucket: 'uploads',
      thumbnailsBucket: 'thumbs',
    });
  });

  it('names every missing or malformed variable', () => {
    // Act
    let caught: unknown;
    try {
      loadIndexerConfig({ THUMBNAILS_BUCKET: 'x' });
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ConfigError);
    const names = (caught as ConfigError).problems.map((problem) => problem.split(' ')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['MEDIA_TABLE_NAME', 'UPLOADS_BUCKET', 'THUMBNAILS_BUCKET']),
    );
  });
});
