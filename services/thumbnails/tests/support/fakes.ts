import { createHash } from 'node:crypto';
import {
  type ReadRefusal,
  SourceChangedError,
  SourceUnreadableError,
} from '../../src/domain/errors.js';
import type {
  ImageRenderer,
  ObjectHead,
  RenderedImage,
  SourceStore,
  StoredOutcome,
  Thumbnail,
  ThumbnailStore,
} from '../../src/domain/ports.js';
import type { ThumbnailOutcome } from '../../src/domain/ThumbnailOutcome.js';

// In-memory ports for the use-case tests. They record every call, so tests can assert on
// effects (what was read, written, deleted) and not only on return values.

const etagOf = (body: Uint8Array) => createHash('md5').update(body).digest('hex');

/** What a HEAD reports besides ETag and size: storage class, encryption. */
export type StoredAttributes = Omit<ObjectHead, 'etag' | 'size'>;

export class FakeSourceStore implements SourceStore {
  readonly objects = new Map<string, Uint8Array>();
  /** Every GET attempted (refused ones too), as `bucket/key`. */
  readonly reads: string[] = [];
  /** Set to simulate an overwrite between HEAD and GET. */
  changeBeforeRead = false;
  readonly #attributes = new Map<string, StoredAttributes>();
  readonly #refusals = new Map<string, ReadRefusal>();

  /**
   * Store `body` (replacing the object and what it had), with the HEAD fields `attributes`;
   * `refusal`: S3 answers its GET with 403 (archived, or a KMS key that refuses).
   */
  put(
    bucket: string,
    key: string,
    body: Uint8Array,
    attributes: StoredAttributes = {},
    refusal?: ReadRefusal,
  ): string {
    const at = `${bucket}/${key}`;
    this.objects.set(at, body);
    this.#attributes.set(at, attributes);
    if (refusal === undefined) this.#refusals.delete(at);
    else this.#refusals.set(at, refusal);
    return etagOf(body);
  }

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const at = `${bucket}/${key}`;
    const body = this.objects.get(at);
    if (body === undefined) return undefined;
    return { etag: etagOf(body), size: body.byteLength, ...this.#attributes.get(at) };
  }

  async read(bucket: string, key: string, etag: string): Promise<Uint8Array> {
    const at = `${bucket}/${key}`;
    this.reads.push(at);
    const body = this.objects.get(at);
    if (this.changeBeforeRead || body === undefined || etagOf(body) !== etag) {
      throw new SourceChangedError();
    }
    const refusal = this.#refusals.get(at);
    if (refusal !== undefined) throw new SourceUnreadableError(refusal, `GetObject: ${refusal}`);
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
  /** Outcome writes refused because the document was no longer the version read. */
  readonly refusedOutcomeWrites: [string, string][] = [];
  /** Every call, in order, so tests can see that the outcome is written last. */
  readonly calls: string[] = [];
  /**
   * Runs before each call is carried out (with its entry in `calls`): tests use it to let
   * another run act at an exact point of this one (a re-upload landing before a delete).
   */
  before: ((call: string) => Promise<void>) | undefined;

  private async record(call: string) {
    await this.before?.(call);
    this.calls.push(call);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key) || this.outcomes.has(key);
  }

  async sourceEtagOf(key: string): Promise<string | undefined> {
    return this.objects.get(key)?.sourceEtag;
  }

  async readOutcome(key: string): Promise<StoredOutcome | undefined> {
    const outcome = this.outcomes.get(key);
    return outcome === undefined ? undefined : { outcome, etag: outcomeEtag(outcome) };
  }

  async deleteOutcome(key: string, etag: string): Promise<boolean> {
    await this.record(`delete-outcome ${key}`);
    const outcome = this.outcomes.get(key);
    if (outcome === undefined || outcomeEtag(outcome) !== etag) return false;
    this.outcomes.delete(key);
    return true;
  }

  async writeOutcome(
    key: string,
    outcome: ThumbnailOutcome,
    expectedEtag: string | undefined,
  ): Promise<string | undefined> {
    await this.record(`outcome ${key}`);
    const current = this.outcomes.get(key);
    if ((current === undefined ? undefined : outcomeEtag(current)) !== expectedEtag) {
      this.refusedOutcomeWrites.push([key, outcome.status]);
      return undefined;
    }
    this.outcomeWrites.push([key, outcome.status]);
    this.outcomes.set(key, structuredClone(outcome));
    return outcomeEtag(outcome);
  }

  async put(thumbnail: Thumbnail, sourceEtag: string): Promise<void> {
    await this.record(`put ${thumbnail.key}`);
    this.writes.push(thumbnail.key);
    this.objects.set(thumbnail.key, { thumbnail, sourceEtag });
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.record(`delete ${keys.join(',')}`);
    this.deletes.push([...keys]);
    for (const key of keys) {
      this.objects.delete(key);
      this.outcomes.delete(key);
    }
  }
}

/** As S3 would: the MD5 of the document's bytes. */
const outcomeEtag = (outcome: ThumbnailOutcome) => etagOf(Buffer.from(JSON.stringify(outcome)));

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
