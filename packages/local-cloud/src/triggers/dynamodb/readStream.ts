import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { BackendClients } from '../../clients.js';
import { streamEventRecord } from './streamEvents.js';

/** A Lambda DynamoDB stream event, as tests hand it to a handler. */
export interface StreamEvent {
  Records: ReturnType<typeof streamEventRecord>[];
}

/**
 * Every record of a table's stream from its start (TRIM_HORIZON), in order per shard, as the
 * `Records` of a Lambda event: for tests that drive a stream consumer's handler in-process
 * against the embedded backend or moto. Reads until `until` accepts the records or the
 * deadline passes (then it returns what it has).
 *
 * @example
 * const event = await readStreamEvent(clients, streamArn, { until: (r) => r.length >= 2 });
 * await handler(event, context);
 */
export const readStreamEvent = async (
  clients: Pick<BackendClients, 'dynamodbStreams'>,
  streamArn: string,
  options: { until?: (records: StreamRecord[]) => boolean; timeoutMs?: number } = {},
): Promise<StreamEvent> => {
  const until = options.until ?? (() => false);
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  const streams = clients.dynamodbStreams;
  const records: StreamRecord[] = [];
  const { StreamDescription } = await streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator !== undefined && iterator !== null) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) {
        if (until(records) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      iterator = page.NextShardIterator;
    }
  }
  return { Records: records.map((record) => streamEventRecord(record, streamArn)) };
};
