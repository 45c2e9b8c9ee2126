// How S3 answers the two reads the indexer makes (HeadObject, GetObject).

/**
 * A missing key. S3 answers 404 only to callers allowed s3:ListBucket on the bucket, 403
 * otherwise (which would be retried until the DLQ): the template grants IndexerFunction
 * s3:ListBucket on both buckets for exactly this reason.
 */
export const isNotFound = (error: unknown): boolean => {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404;
};

/** An ETag without the quotes S3 puts around it, as S3 events carry it. */
export const unquoteETag = (eTag: string): string => eTag.replace(/^"(.*)"$/, '$1');
