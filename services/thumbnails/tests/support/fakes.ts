import { createHash } from 'node:crypto';
import { SourceChangedError } from '../../src/domain/errors.js';
import type {
  ImageRenderer,
  ObjectHead,
  RenderedImage,
  SourceStore,
  Thumbnail,
  ThumbnailStore,
} from '../../src/domain/ports.js';

// In-memory ports for the use-case tests. They record every call, so tests can assert on
// effects (what was read, written, deleted) and not only on return values.

const etagOf = (body: Uint8Array) => createHash('md5').update(body).digest('hex');

export class FakeSourceStore implements SourceStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly reads: string[] = [];
  /** Set to simulate an overwrite between HEAD and GET. */
  changeBeforeRead = false;

  put(bucket: string, key: string, body: Uint8Array): string {
    this.objects.set(`${bucket}/${key}`, body);
    return etagOf(body);
  }

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const body = this.objects.get(`${bucket}/${key}`);
    return body === undefined ? undefined : { etag: etagOf(body), size: body.byteLength };
  }

  async read(bucket: string, key: string, etag: string): Promise<Uint8Array> {
    this.reads.push(`${bucket}/${key}`);
    const body = this.objects.get(`${bucket}/${key}`);
    if (this.changeBeforeRead || body === undefined || etagOf(body) !== etag) {
      throw new SourceChangedError();
    }
    return body;
  }
}

export class FakeThumbnailStore implements ThumbnailStore {
  readonly objects = new Map<string, { thumbnail: Thumbnail; sourceEtag: string }>();
  readonly writes: string[] = [];
  readonly deletes: string[][] = [];

  async sourceEtagOf(key: string): Promise<string | undefined> {
    return this.objects.get(key)?.sourceEtag;
  }

  async put(thumbnail: Thumbnail, sourceEtag: string): Promise<void> {
    this.writes.push(thumbnail.key);
    this.objects.set(thumbnail.key, { thumbnail, sourceEtag });
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.deletes.push([...keys]);
    for (const key of keys) this.objects.delete(key);
  }
}

/** Renders `width` x `width / 2` placeholders; or throws what it is told to. */
export class FakeRenderer implements ImageRenderer {
  readonly calls: number[][] = [];
  failWith: Error | undefined;

  async render(_source: Uint8Array, widths: readonly number[]): Promise<RenderedImage[]> {
    this.calls.push([...widths]);
    if (this.failWith !== undefined) throw this.failWith;
    return widths.map((width) => ({
      width,
      outputWidth: width,
      outputHeight: width / 2,
      body: new TextEncoder().encode(`webp ${width}`),
    }));
  }
}
