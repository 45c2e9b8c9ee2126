import { loadConfig, positiveIntList } from '@shop/common/config';
import { DEFAULT_THUMBNAIL_WIDTHS } from '@shop/contracts/mediaKeys';
import * as z from 'zod';

// The only module that reads the environment.

const schema = z.object({
  MEDIA_TABLE_NAME: z.string().min(3),
  UPLOADS_BUCKET: z.string().min(3),
  /** Recorded on each item so readers know where the thumbnail keys live; optional. */
  THUMBNAILS_BUCKET: z.string().min(3).optional(),
  THUMBNAIL_WIDTHS: positiveIntList.default([...DEFAULT_THUMBNAIL_WIDTHS]),
});

/** The indexer's settings, validated once at cold start. */
export interface IndexerConfig {
  mediaTableName: string;
  /** The only bucket whose events are accepted (the rule filters on it too). */
  uploadsBucket: string;
  thumbnailsBucket?: string;
  /** Distinct widths, smallest first: the thumbnail keys recorded on each item. */
  thumbnailWidths: readonly number[];
}

/**
 * Read and validate the environment.
 *
 * @example
 * const config = readConfig({ MEDIA_TABLE_NAME: 'media', UPLOADS_BUCKET: 'uploads' });
 * config.thumbnailWidths; // [128, 512, 1024]
 */
export const readConfig = (env?: Readonly<Record<string, string | undefined>>): IndexerConfig => {
  const raw = loadConfig(schema, env);
  return Object.freeze({
    mediaTableName: raw.MEDIA_TABLE_NAME,
    uploadsBucket: raw.UPLOADS_BUCKET,
    ...(raw.THUMBNAILS_BUCKET === undefined ? {} : { thumbnailsBucket: raw.THUMBNAILS_BUCKET }),
    thumbnailWidths: Object.freeze([...new Set(raw.THUMBNAIL_WIDTHS)].sort((a, b) => a - b)),
  });
};
