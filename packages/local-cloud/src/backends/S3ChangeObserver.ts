import type { IncomingHttpHeaders } from 'node:http';
import { requestOperation } from '../faults/awsRequest.js';
import type { FaultService } from '../faults/types.js';
import type { BufferedAnswer, BufferedRequest, ProxyObserver } from './BackendProxy.js';
import type { S3BackendEvent } from './types.js';

type Listener = (event: S3BackendEvent) => void;

const OBJECT_WRITES: Record<string, S3BackendEvent['status']> = {
  PutObject: 'uploaded',
  CompleteMultipartUpload: 'uploaded',
  CopyObject: 'copied',
  DeleteObject: 'deleted',
};

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    const lower = entity.toLowerCase();
    if (lower in named) return named[lower] as string;
    return String.fromCodePoint(
      lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1)),
    );
  });

/** The `<Key>`s of each `<tag>` element of an S3 XML document. */
const keysIn = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].flatMap((match) => {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(match[1] ?? '')?.[1];
    return key === undefined ? [] : [unescapeXml(key)];
  });

/**
 * Bucket and key of an S3 request, path-style (`/<bucket>/<key>`) or virtual-hosted
 * (`<bucket>.<host>`), as the embedded S3 (fauxqs) reads them.
 */
export const s3Target = (
  url: URL,
  headers: IncomingHttpHeaders,
): { bucket: string; key: string; objectPath: string } => {
  const hostname = (headers.host ?? '').split(':')[0] ?? '';
  const virtual = hostname.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname);
  const segments = url.pathname.replace(/^\//, '').split('/');
  const bucket = virtual ? hostname.slice(0, hostname.indexOf('.')) : (segments.shift() ?? '');
  const encodedKey = segments.join('/');
  return {
    bucket,
    key: decodeURIComponent(encodedKey),
    objectPath: `/${encodeURIComponent(bucket)}/${encodedKey}`,
  };
};

/**
 * The S3 object changes of the embedded S3, seen where every S3 request passes: the proxy in
 * front of it. A successful PutObject, CompleteMultipartUpload or CopyObject is followed,
 * before its caller hears the answer, by a HEAD of the object (its size and ETag as written:
 * the caller's next write cannot have happened yet); DeleteObject and DeleteObjects report
 * each deleted key. Listeners hear of changes in the order their answers come back.
 */
export class S3ChangeObserver implements ProxyObserver {
  private readonly listeners = new Set<Listener>();

  /** Be told of every object change; returns the unsubscribe function. */
  watch(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wants(
    service: FaultService | undefined,
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
  ): 'answer' | 'bodies' | undefined {
    if (service !== 's3' || this.listeners.size === 0) return undefined;
    const operation = requestOperation('s3', method, url, headers);
    if (operation === 'DeleteObjects') return 'bodies';
    return operation !== undefined && operation in OBJECT_WRITES ? 'answer' : undefined;
  }

  async observe(
    request: BufferedRequest & { url: URL },
    answer: BufferedAnswer,
    forward: (request: BufferedRequest) => Promise<BufferedAnswer>,
  ): Promise<void> {
    if (answer.status < 200 || answer.status >= 300) return;
    const operation = requestOperation('s3', request.method, request.url, request.headers);
    const { bucket, key, objectPath } = s3Target(request.url, request.headers);
    if (operation === 'DeleteObjects') {
      const failed = new Set(keysIn(answer.body.toString('utf8'), 'Error'));
      for (const deleted of keysIn(request.body.toString('utf8'), 'Object')) {
        if (!failed.has(deleted)) this.emit({ bucket, key: deleted, status: 'deleted' });
      }
      return;
    }
    const status = operation === undefined ? undefined : OBJECT_WRITES[operation];
    if (status === undefined) return;
    if (status === 'deleted') {
      this.emit({ bucket, key, status });
      return;
    }
    const { host, authorization, 'x-amz-date': date } = request.headers;
    const head = await forward({
      method: 'HEAD',
      path: objectPath,
      headers: {
        ...(host === undefined ? {} : { host }),
        ...(authorization === undefined ? {} : { authorization }),
        ...(date === undefined ? {} : { 'x-amz-date': date }),
      },
      body: Buffer.alloc(0),
    });
    // Gone again before we looked (another caller's delete): the write still happened.
    if (head.status !== 200) {
      this.emit({ bucket, key, status });
      return;
    }
    this.emit({
      bucket,
      key,
      status,
      size: Number(head.headers['content-length'] ?? 0),
      eTag: String(head.headers.etag ?? '').replaceAll('"', ''),
    });
  }

  private emit(event: S3BackendEvent) {
    for (const listener of this.listeners) listener(event);
  }
}
