import { parseUploadKey, thumbnailKeys } from '@shop/contracts/mediaKeys';
import { ImageRejectedError, SourceChangedError } from './errors.js';
import type { ImageRenderer, SourceStore, ThumbnailStore } from './ports.js';
import { SKIP_REASONS, type SkipReason } from './skipReasons.js';

/** An object that was created or overwritten in the uploads bucket. */
export interface CreatedObject {
  bucket: string;
  key: string;
}

export interface CreateThumbnailsDeps {
  sources: SourceStore;
  thumbnails: ThumbnailStore;
  renderer: ImageRenderer;
}

export interface CreateThumbnailsSettings {
  widths: readonly number[];
  maxSourceBytes: number;
}

/** A thumbnail that was written. */
export interface WrittenThumbnail {
  key: string;
  width: number;
  height: number;
  bytes: number;
}

export type CreateThumbnailsResult =
  | { status: 'created'; etag: string; sourceBytes: number; thumbnails: WrittenThumbnail[] }
  | { status: 'skipped'; reason: SkipReason; detail?: string; etag?: string; sourceBytes?: number };

const skipped = (
  reason: SkipReason,
  extra: { detail?: string; etag?: string; sourceBytes?: number } = {},
): CreateThumbnailsResult => ({ status: 'skipped', reason, ...extra });

/**
 * Make the thumbnails of one upload: HEAD (size limit, ETag), skip if thumbnails of this exact
 * ETag exist, download once, render every width from one decode, write. Input problems come
 * back as `skipped` with a reason; infrastructure errors (S3 unavailable) are thrown, so the
 * invocation is retried.
 *
 * The largest thumbnail is written last and carries the source ETag the idempotency check
 * reads, so a crash half-way leaves no marker and the retry redoes everything.
 *
 * @example
 * await createThumbnails({ bucket, key: 'uploads/p-1/a.jpg' }, deps, { widths: [512, 128], maxSourceBytes });
 * // { status: 'created', etag, thumbnails: [{ key: 'p-1/a.jpg/512.webp', ... }, ...] }
 */
export const createThumbnails = async (
  object: CreatedObject,
  deps: CreateThumbnailsDeps,
  settings: CreateThumbnailsSettings,
): Promise<CreateThumbnailsResult> => {
  const upload = parseUploadKey(object.key);
  if (upload === undefined) return skipped(SKIP_REASONS.notAnUploadKey);
  const widths = [...new Set(settings.widths)].sort((a, b) => b - a);
  const keys = thumbnailKeys(upload, widths);

  const head = await deps.sources.head(object.bucket, object.key);
  if (head === undefined) return skipped(SKIP_REASONS.sourceMissing);
  const known = { etag: head.etag, sourceBytes: head.size };
  if (head.size === 0) return skipped(SKIP_REASONS.empty, known);
  if (head.size > settings.maxSourceBytes) {
    return skipped(SKIP_REASONS.tooManyBytes, {
      ...known,
      detail: `limit ${settings.maxSourceBytes}`,
    });
  }
  const [markerKey] = keys;
  if (markerKey !== undefined && (await deps.thumbnails.sourceEtagOf(markerKey)) === head.etag) {
    return skipped(SKIP_REASONS.unchanged, known);
  }

  let source: Uint8Array;
  try {
    source = await deps.sources.read(object.bucket, object.key, head.etag);
  } catch (error) {
    if (error instanceof SourceChangedError) return skipped(SKIP_REASONS.superseded, known);
    throw error;
  }
  if (source.byteLength === 0) return skipped(SKIP_REASONS.empty, known);
  if (source.byteLength > settings.maxSourceBytes) return skipped(SKIP_REASONS.tooManyBytes, known);

  let rendered: Awaited<ReturnType<ImageRenderer['render']>>;
  try {
    rendered = await deps.renderer.render(source, widths);
  } catch (error) {
    if (error instanceof ImageRejectedError) {
      return skipped(error.reason, { ...known, detail: error.message });
    }
    throw error;
  }

  const thumbnails = rendered.map((image, index) => ({
    key: keys[index] as string,
    width: image.outputWidth,
    height: image.outputHeight,
    body: image.body,
  }));
  // Smallest first, largest (the idempotency marker) last.
  for (const thumbnail of [...thumbnails].reverse()) {
    await deps.thumbnails.put(thumbnail, head.etag);
  }
  return {
    status: 'created',
    ...known,
    thumbnails: thumbnails.map(({ key, width, height, body }) => ({
      key,
      width,
      height,
      bytes: body.byteLength,
    })),
  };
};
