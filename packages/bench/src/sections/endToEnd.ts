// End to end through the booted local cloud, as a user of `pnpm dev` feels it:
//   upload -> catalog item visible: PutObject into UploadsBucket until the item is in
//     MediaTable (S3 -> EventBridge rule -> IndexQueue -> IndexerFunction);
//   POST order -> email in the store: POST /orders until SES has the confirmation
//     (OrdersApiFunction -> OrdersTable -> its stream -> OrderEventsPublisherFunction ->
//      OrderEventsQueue.fifo -> EmailFunction -> SES).
// Both flows run side by side in each run; the event sources (SQS and DynamoDB streams) keep
// the template's MaximumBatchingWindowInSeconds unless the run caps it (--batching-window).
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/shop-e2e';
import { customerToken, ORDER_BODY } from '../lib/shopCloud.ts';
import { median, round } from '../lib/stats.ts';

export interface EndToEndResult {
  runs: number;
  /** The batching windows on each flow's path, in order (seconds, after the cap). */
  batchingWindowSeconds: { upload: number[]; order: number[] };
  uploadToCatalogMs: { p50: number; all: number[] };
  orderToEmailMs: { p50: number; all: number[] };
}

const POLL_MS = 25;
const TIMEOUT_MS = 30_000;

/** Milliseconds from `start` until `check` returns true (polling), or an error. */
const timeUntil = async (what: string, act: () => Promise<() => Promise<boolean>>) => {
  const started = performance.now();
  const check = await act();
  while (performance.now() - started < TIMEOUT_MS) {
    if (await check().catch(() => false)) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`end to end: ${what} did not happen within ${TIMEOUT_MS / 1000} s`);
};

export const measureEndToEnd = async (
  cloud: LocalCloud,
  runs: number,
  windowCapSeconds: number | undefined,
  progress: (text: string) => void,
): Promise<EndToEndResult> => {
  const uploads = cloud.model.buckets.get('UploadsBucket')?.name as string;
  const mediaTable = cloud.model.tables.get('MediaTable')?.name as string;
  const apiUrl = cloud.describe().apiUrl as string;
  const token = await customerToken(cloud);
  const upload = (key: string) =>
    timeUntil('upload -> catalog item', async () => {
      await cloud.clients.s3.send(
        new PutObjectCommand({
          Bucket: uploads,
          Key: key,
          Body: SAMPLE_JPEG_LANDSCAPE,
          ContentType: 'image/jpeg',
        }),
      );
      return async () => {
        const { Item } = await cloud.clients.dynamodb.send(
          new GetItemCommand({ TableName: mediaTable, Key: { key: { S: key } } }),
        );
        return Item !== undefined;
      };
    });
  const order = () =>
    timeUntil('order -> email', async () => {
      const response = await fetch(`${apiUrl}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(ORDER_BODY),
      });
      const { orderId } = (await response.json()) as { orderId: string };
      if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}`);
      return async () =>
        (await cloud.backends.sentEmails()).some((email) => email.subject.includes(orderId));
    });
  const uploadMs: number[] = [];
  const orderMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    progress(`end to end: run ${run + 1}/${runs}`);
    const [u, o] = await Promise.all([
      upload(`uploads/bench-e2e-${Date.now()}-${run}/photo.jpg`),
      order(),
    ]);
    uploadMs.push(round(u));
    orderMs.push(round(o));
  }
  const windowsOf = (...functionIds: string[]) =>
    functionIds.flatMap((id) =>
      [...cloud.model.streamMappings, ...cloud.model.sqsMappings]
        .filter((m) => m.functionId === id)
        .map((m) =>
          Math.min(m.maximumBatchingWindowSeconds, windowCapSeconds ?? Number.POSITIVE_INFINITY),
        ),
    );
  return {
    runs,
    batchingWindowSeconds: {
      upload: windowsOf('IndexerFunction'),
      order: windowsOf('OrderEventsPublisherFunction', 'EmailFunction'),
    },
    uploadToCatalogMs: { p50: round(median(uploadMs)), all: uploadMs },
    orderToEmailMs: { p50: round(median(orderMs)), all: orderMs },
  };
};
