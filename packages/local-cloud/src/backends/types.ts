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
  /** Every email the SES backend has accepted, oldest first. */
  sentEmails(): Promise<SentEmail[]>;
  stop(): Promise<void>;
}
