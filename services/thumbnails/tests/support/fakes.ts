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
import type { ThumbnailOutcome } from '../../src/domain/ThumbnailOutcome.js';

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
  readonly outcomes = new Map<string, ThumbnailOutcome>();
  /** Every outcome write, in order: [key, status]. */
  readonly outcomeWrites: [string, string][] = [];
  /** Every call, in order, so tests can see that the outcome is written last. */
  readonly calls: string[] = [];

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key) || this.outcomes.has(key);
  }

  async readOutcome(key: string): Promise<ThumbnailOutcome | undefined> {
    return this.outcomes.get(key);
  }

  async writeOutcome(key: string, outcome: ThumbnailOutcome): Promise<void> {
    this.calls.push(`outcome ${key}`);
    this.outcomeWrites.push([key, outcome.status]);
    this.outcomes.set(key, structuredClone(outcome));
  }

  async put(thumbnail: Thumbnail, sourceEtag: string): Promise<void> {
    this.writes.push(thumbnail.key);
    this.calls.push(`put ${thumbnail.key}`);
    this.objects.set(thumbnail.key, { thumbnail, sourceEtag });
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.deletes.push([...keys]);
    this.calls.push(`delete ${keys.join(',')}`);
    for (const key of keys) {
      this.objects.delete(key);
      this.outcomes.delete(key);
    }
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
