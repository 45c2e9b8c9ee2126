import type { Faults } from '../faults/types.js';

/** Where each AWS service is served. */
export interface Endpoints {
  dynamodb: string;
  sqs: string;
  s3: string;
  ses: string;
  secretsManager: string;
}

/** One email as the SES backend recorded it, normalised across backends. */
export interface SentEmail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
}

/**
 * An S3 object change on the embedded backend, as it happens (reads are not reported):
 * `uploaded` (PutObject, CompleteMultipartUpload), `copied` (CopyObject), `deleted`.
 */
export interface S3BackendEvent {
  bucket: string;
  key: string;
  status: 'uploaded' | 'copied' | 'deleted';
  /** Size and ETag (no quotes) of a written object, as written, when known. */
  size?: number;
  eTag?: string;
}

/** Running backends (embedded, or an external endpoint such as moto_server). */
export interface Backends {
  readonly mode: 'embedded' | 'external';
  readonly region: string;
  readonly endpoints: Endpoints;
  /**
   * The standard SDK variables that point a process at these backends: region, dummy
   * credentials and one `AWS_ENDPOINT_URL_<SERVICE>` per service.
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * The fault rules of the proxies in front of these backends (absent for an external
   * endpoint used without the proxy).
   */
  readonly faults?: Faults;
  /** External mode: the endpoint the fault proxy forwards to (e.g. moto_server). */
  readonly upstream?: string;
  /** Every email the SES backend has accepted, oldest first. */
  sentEmails(): Promise<SentEmail[]>;
  /**
   * Embedded backends only: be told of every S3 object event synchronously, in the order
   * they happen (the local runner builds S3 notifications from these). Returns an
   * unsubscribe function.
   */
  watchS3?(listener: (event: S3BackendEvent) => void): () => void;
  stop(): Promise<void>;
}
