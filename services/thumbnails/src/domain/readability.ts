import type { SourceUnreadableError } from './errors.js';
import type { ObjectHead } from './ports.js';

// Whether S3 will hand this function an upload's bytes at all. Such an upload is skipped
// (`source-unreadable`, with a `skipped` outcome) like any other bad input: a retry would be
// refused the same way, and without an outcome its catalog item would stay `processing`.
//
// Told by the HEAD, before any GET:
// - archived: storage class GLACIER (Flexible Retrieval) or DEEP_ARCHIVE, or an
//   Intelligent-Tiering object in an archive tier (`ArchiveStatus`), unless a restore has
//   finished (`x-amz-restore: ongoing-request="false"`). The GET would answer 403
//   InvalidObjectState. GLACIER_IR, STANDARD_IA, ONEZONE_IA, REDUCED_REDUNDANCY and
//   Intelligent-Tiering's frequent, infrequent and archive-instant tiers are read directly.
// - SSE-C: S3 serves the object only to a request that carries the customer's key, which this
//   function never has (S3 even refuses the HEAD: see S3MediaStore.head).
//
// Told only by the GET: SSE-KMS and DSSE-KMS. Whether this function may decrypt depends on the
// key, which the HEAD names but does not describe: the AWS managed key `aws/s3` lets every
// principal of the account decrypt through S3 (no kms:Decrypt in the function's policy needed),
// a customer managed key only whom its policy allows. So the GET is tried, and a 403
// AccessDenied for such an object is the key refusing: skipped. SSE-S3 (AES256) is always
// readable.

const ARCHIVE_STORAGE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);
const KMS_ENCRYPTIONS: ReadonlySet<string> = new Set(['aws:kms', 'aws:kms:dsse']);

const RESTORE_ADVICE =
  'S3 serves it only after a restore (which sends this function no event): upload it again in ' +
  'a storage class that is read directly (STANDARD, INTELLIGENT_TIERING, GLACIER_IR, ...)';

/** A restore of an archived object has finished: its temporary copy is readable. */
const isRestored = (head: ObjectHead): boolean =>
  head.restore !== undefined && /ongoing-request="false"/.test(head.restore);

const restoring = (head: ObjectHead): string =>
  head.restore !== undefined && /ongoing-request="true"/.test(head.restore)
    ? ' (a restore is in progress)'
    : '';

/** What the HEAD says makes the object archived, if anything (ignoring restores). */
const archiveOf = (head: ObjectHead): string | undefined => {
  if (head.storageClass !== undefined && ARCHIVE_STORAGE_CLASSES.has(head.storageClass)) {
    return `storage class ${head.storageClass}`;
  }
  if (head.archiveStatus !== undefined) {
    const storageClass = head.storageClass ?? 'INTELLIGENT_TIERING';
    return `storage class ${storageClass}, archive tier ${head.archiveStatus}`;
  }
  return undefined;
};

/**
 * Why this function cannot read the object, as far as its HEAD tells (the skip's `detail`);
 * `undefined` when a GET can succeed.
 *
 * @example
 * unreadableFromHead({ etag, size, storageClass: 'DEEP_ARCHIVE' });
 * // 'archived (storage class DEEP_ARCHIVE): S3 serves it only after a restore ...'
 */
export const unreadableFromHead = (head: ObjectHead): string | undefined => {
  if (head.sseCustomerAlgorithm !== undefined) {
    return (
      `encrypted with a customer-provided key (SSE-C, ${head.sseCustomerAlgorithm}): S3 serves ` +
      'it only to requests that carry that key; upload it without SSE-C'
    );
  }
  const archive = archiveOf(head);
  if (archive === undefined || isRestored(head)) return undefined;
  return `archived (${archive})${restoring(head)}: ${RESTORE_ADVICE}`;
};

/**
 * Why S3's refusal of the GET (403, after a HEAD that succeeded) is the upload's own doing
 * (the skip's `detail`); `undefined` when it is not, and the error is an infrastructure error
 * (this function's permissions are wrong: retried, then the dead-letter queue).
 */
export const unreadableFromRefusal = (
  head: ObjectHead,
  error: SourceUnreadableError,
): string | undefined => {
  if (error.refusal === 'archived') {
    // Archived since the HEAD, or its restored copy expired meanwhile.
    const archive = archiveOf(head) ?? 'S3 answered the GET with InvalidObjectState';
    return `archived (${archive}): ${RESTORE_ADVICE}`;
  }
  const encryption = head.serverSideEncryption;
  if (encryption === undefined || !KMS_ENCRYPTIONS.has(encryption)) return undefined;
  const kind = encryption === 'aws:kms' ? 'SSE-KMS' : 'DSSE-KMS';
  return (
    `encrypted with ${kind} under a KMS key that does not let this function decrypt (S3 ` +
    'answered the GET with AccessDenied): upload it with SSE-S3 (the bucket default), or ' +
    'allow the function kms:Decrypt on that key'
  );
};
