import { createHash } from 'node:crypto';
import { FakeCatalog, FakeInspector, FakeOutcomeReader } from '../support/fakes.js';
import { mediaCatalogContract } from '../support/mediaCatalogContract.js';
import { s3PortsContract } from '../support/s3PortsContract.js';

// The in-memory ports of the use-case tests pass the same contracts as the adapters
// (tests/integration/adapters.test.ts).

const catalog = new FakeCatalog();
mediaCatalogContract('FakeCatalog', () => catalog);

s3PortsContract('FakeInspector and FakeOutcomeReader', () => {
  const inspector = new FakeInspector();
  const outcomes = new FakeOutcomeReader();
  return {
    inspector,
    outcomes,
    bucket: 'uploads',
    put: async (key, body, options = {}) => {
      const eTag = createHash('md5').update(body).digest('hex');
      inspector.objects.set(key, {
        size: Buffer.byteLength(body),
        eTag,
        ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
        metadata: { ...options.metadata },
        lastModified: new Date().toISOString(),
      });
      outcomes.objects.set(key, { eTag, text: body });
      return `"${eTag}"`;
    },
    remove: async (key) => {
      inspector.objects.delete(key);
      outcomes.objects.delete(key);
    },
  };
});
