import { describe, expect, it } from 'vitest';
import { parseS3Event } from '../../src/app/s3Changes.js';
import { sampleEvent } from '../support/sampleEvents.js';

describe('events/thumbnails samples', () => {
  it('put-unicode-key.json is a creation of a key with spaces, a plus and unicode', () => {
    expect(parseS3Event(sampleEvent('put-unicode-key.json'))).toEqual([
      {
        action: 'created',
        eventName: 'ObjectCreated:Put',
        bucket: 'shop-dev-uploads-123456789012-us-east-1',
        key: 'uploads/p-1/summer sale +1 café 商品.jpg',
        sequencer: '0067F3E1A5B2C3D4E5',
      },
    ]);
  });

  it('delete.json is a removal of the same key', () => {
    expect(parseS3Event(sampleEvent('delete.json'))).toEqual([
      {
        action: 'removed',
        eventName: 'ObjectRemoved:Delete',
        bucket: 'shop-dev-uploads-123456789012-us-east-1',
        key: 'uploads/p-1/summer sale +1 café 商品.jpg',
        sequencer: '0067F3EA0B7D1E2F30',
      },
    ]);
  });
});
