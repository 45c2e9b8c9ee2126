import { parseUploadKey, type UploadKey } from '@shop/contracts/mediaKeys';
import { describe, expect, it } from 'vitest';
import { MEDIA_STATUS } from '../../src/domain/constants.js';
import { buildDeletedItem, buildUploadedItem, productSortKey } from '../../src/domain/MediaItem.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import { objectSnapshot } from '../support/fakes.js';

const upload = parseUploadKey('uploads/prod-1042/front view.jpg') as UploadKey;
const sequencer = normaliseSequencer('0069B528ED2C7A41F3');
const now = new Date('2026-03-14T09:27:00.000Z');
const snapshot = objectSnapshot({ size: 482113, metadata: { alt: 'Front view' } });
/** What every item of the upload carries, live or deleted. */
const base = {
  key: 'uploads/prod-1042/front view.jpg',
  bucket: 'uploads-bucket',
  productId: 'prod-1042',
  name: 'front view.jpg',
  sequencer,
  thumbnails: [],
  updatedAt: '2026-03-14T09:27:00.000Z',
};

describe('buildUploadedItem', () => {
  it('maps the key, the HEAD and the event to a live catalog entry', () => {
    // Act
    const item = buildUploadedItem(
      upload,
      'uploads-bucket',
      sequencer,
      snapshot,
      { thumbnailsBucket: 'thumbs-bucket' },
      now,
    );

    // Assess
    expect(item).toEqual({
      ...base,
      thumbnailsBucket: 'thumbs-bucket',
      status: MEDIA_STATUS.processing,
      size: 482113,
      eTag: 'etag-1',
      contentType: 'image/jpeg',
      metadata: { alt: 'Front view' },
      lastModified: '2026-03-14T09:26:53.000Z',
      productSort: '2026-03-14T09:26:53.000Z#uploads/prod-1042/front view.jpg',
    });
  });

  it('leaves out what is unknown rather than storing undefined', () => {
    // Prepare
    const { contentType: _omitted, ...withoutType } = snapshot;

    // Act
    const item = buildUploadedItem(upload, 'b', sequencer, withoutType, {}, now);

    // Assess
    expect(Object.keys(item)).not.toContain('contentType');
    expect(Object.keys(item)).not.toContain('thumbnailsBucket');
    expect(item.thumbnails).toEqual([]);
  });

  it('copies the metadata instead of sharing the object', () => {
    const item = buildUploadedItem(upload, 'b', sequencer, snapshot, {}, now);
    expect(item.metadata).not.toBe(snapshot.metadata);
  });
});

describe('buildDeletedItem', () => {
  it('maps a delete event to a tombstone without thumbnails', () => {
    // Act
    const item = buildDeletedItem(
      upload,
      'uploads-bucket',
      sequencer,
      '2026-03-14T10:02:11Z',
      {},
      now,
    );

    // Assess
    expect(item).toEqual({
      ...base,
      status: MEDIA_STATUS.deleted,
      deletedAt: '2026-03-14T10:02:11Z',
    });
  });
});

describe('productSortKey', () => {
  it('sorts later uploads after earlier ones, and equal times by key', () => {
    // Prepare
    const keys = [
      productSortKey('2026-03-14T09:26:53.000Z', 'uploads/p/b.jpg'),
      productSortKey('2026-03-15T00:00:00.000Z', 'uploads/p/a.jpg'),
      productSortKey('2026-03-14T09:26:53.000Z', 'uploads/p/a.jpg'),
    ];

    // Act
    const sorted = [...keys].sort();

    // Assess
    expect(sorted).toEqual([keys[2], keys[0], keys[1]]);
  });
});
