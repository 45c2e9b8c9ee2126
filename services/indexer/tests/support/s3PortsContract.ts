import { beforeEach, describe, expect, it } from 'vitest';
import type { ObjectInspector, OutcomeReader } from '../../src/domain/ports.js';

/** The two S3 read ports over one store, and how a test writes to that store. */
export interface S3PortsUnderTest {
  inspector: ObjectInspector;
  outcomes: OutcomeReader;
  bucket: string;
  /** Write an object as a merchant's upload or the thumbnailer would; its quoted ETag. */
  put(
    key: string,
    body: string,
    options?: { contentType?: string; metadata?: Record<string, string> },
  ): Promise<string>;
  remove(key: string): Promise<void>;
}

/**
 * What ObjectInspector and OutcomeReader must do, run against the S3 adapters (integration)
 * and the in-memory fakes (unit), so the use-case tests' fakes answer as S3 does.
 */
export const s3PortsContract = (name: string, portsOf: () => S3PortsUnderTest) =>
  describe(`${name} (ObjectInspector and OutcomeReader contract)`, () => {
    let ports: S3PortsUnderTest;
    beforeEach(() => {
      ports = portsOf();
    });

    it('inspects an object: size, ETag as events carry it, type, metadata, Last-Modified', async () => {
      // Prepare
      const before = Date.now() - 2_000;
      const eTag = await ports.put('uploads/p-1/front view.jpg', 'image bytes', {
        contentType: 'image/jpeg',
        metadata: { alt: 'Front view' },
      });

      // Act
      const snapshot = await ports.inspector.inspect(ports.bucket, 'uploads/p-1/front view.jpg');

      // Assess
      expect(snapshot).toEqual({
        size: 11,
        eTag: eTag.replaceAll('"', ''),
        contentType: 'image/jpeg',
        metadata: { alt: 'Front view' },
        lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect(Date.parse(snapshot?.lastModified ?? '')).toBeGreaterThanOrEqual(before);
    });

    it("reads an object's text with the ETag of the version read", async () => {
      // Prepare
      await ports.put('p-1/a.jpg/outcome.json', '{"version":1}');
      const eTag = await ports.put('p-1/a.jpg/outcome.json', '{"version":1,"status":"skipped"}');

      // Act
      const stored = await ports.outcomes.read(ports.bucket, 'p-1/a.jpg/outcome.json');

      // Assess
      expect(stored).toEqual({
        eTag: eTag.replaceAll('"', ''),
        text: '{"version":1,"status":"skipped"}',
      });
    });

    it('answers undefined for a key that does not exist, or no longer does', async () => {
      // Prepare
      await ports.put('uploads/p-1/gone.jpg', 'bytes');
      await ports.remove('uploads/p-1/gone.jpg');

      // Act
      const answers = [
        await ports.inspector.inspect(ports.bucket, 'uploads/p-1/gone.jpg'),
        await ports.inspector.inspect(ports.bucket, 'uploads/p-1/never.jpg'),
        await ports.outcomes.read(ports.bucket, 'uploads/p-1/gone.jpg'),
        await ports.outcomes.read(ports.bucket, 'p-1/never.jpg/outcome.json'),
      ];

      // Assess
      expect(answers).toEqual([undefined, undefined, undefined, undefined]);
    });
  });
