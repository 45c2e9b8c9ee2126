import { FakeSourceStore, FakeThumbnailStore } from '../support/fakes.js';
import { mediaStoreContract } from '../support/mediaStoreContract.js';

// The fakes the use-case tests run on pass the same contract as S3MediaStore
// (tests/integration/S3MediaStore.test.ts).
mediaStoreContract('FakeSourceStore + FakeThumbnailStore', () => {
  const sources = new FakeSourceStore();
  return {
    sources,
    thumbnails: new FakeThumbnailStore(),
    uploadsBucket: 'uploads',
    putSource: async (key, body) => sources.put('uploads', key, body),
  };
});
