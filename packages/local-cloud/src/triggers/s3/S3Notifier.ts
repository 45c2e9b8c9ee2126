import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { BackendClients } from '../../clients.js';
import type { FunctionPool } from '../../lambda/FunctionPool.js';
import type { RunnerLog } from '../../lambda/types.js';
import type { LocalStackModel } from '../../provision/model.js';
import type { EventBus } from '../eventbridge/EventBus.js';
import {
  notificationMatches,
  type S3EventContext,
  type S3ObjectChange,
  s3EventBridgeEvent,
  s3EventName,
  s3NotificationEvent,
} from './s3Events.js';

/**
 * Delivers each object change as S3 would: to every matching notification configuration
 * of its bucket (Lambda: asynchronous invocation; SQS: a message) and, for buckets with
 * EventBridge enabled, as an event on the default bus.
 */
export class S3Notifier {
  private readonly model: LocalStackModel;
  private readonly pool: FunctionPool;
  private readonly bus: EventBus;
  private readonly clients: BackendClients;
  private readonly log: RunnerLog;
  private readonly context: S3EventContext;

  constructor(
    model: LocalStackModel,
    pool: FunctionPool,
    bus: EventBus,
    clients: BackendClients,
    log: RunnerLog,
  ) {
    this.model = model;
    this.pool = pool;
    this.bus = bus;
    this.clients = clients;
    this.log = log;
    this.context = { region: model.region, accountId: model.accountId };
  }

  /** Names of the buckets whose changes anything listens to. */
  watchedBuckets(): Set<string> {
    return new Set(
      [...this.model.buckets.values()]
        .filter((b) => b.eventBridge || b.notifications.length > 0)
        .map((b) => b.name),
    );
  }

  async handle(change: S3ObjectChange): Promise<void> {
    const bucket = [...this.model.buckets.values()].find((b) => b.name === change.bucket);
    if (bucket === undefined) return;
    const delivered: string[] = [];
    for (const notification of bucket.notifications) {
      if (!notificationMatches(notification, change)) continue;
      const event = s3NotificationEvent(change, notification.id, this.context);
      try {
        if (notification.target.kind === 'function') {
          this.pool.invokeAsync(notification.target.functionId, event);
          delivered.push(notification.target.functionId);
        } else {
          const queue = this.model.queues.get(notification.target.queueId);
          if (queue === undefined) continue;
          await this.clients.sqs.send(
            new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(event) }),
          );
          delivered.push(queue.logicalId);
        }
      } catch (error) {
        this.log.error(
          `S3 notification to ${JSON.stringify(notification.target)}: ${(error as Error).message}`,
        );
      }
    }
    if (bucket.eventBridge) {
      const targets = await this.bus.put(s3EventBridgeEvent(change, this.context));
      delivered.push(`EventBridge (${targets} target${targets === 1 ? '' : 's'})`);
    }
    if (delivered.length > 0) {
      this.log.info(
        `S3 ${s3EventName(change)} s3://${change.bucket}/${change.key} -> ${delivered.join(', ')}`,
      );
    }
  }
}
