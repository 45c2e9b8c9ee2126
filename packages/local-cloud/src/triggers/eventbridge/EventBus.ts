import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { BackendClients } from '../../clients.js';
import type { FunctionPool } from '../../lambda/FunctionPool.js';
import type { RunnerLog } from '../../lambda/types.js';
import type { LocalStackModel, QueueModel, RuleModel, RuleTarget } from '../../provision/model.js';
import { matchesPattern } from './eventPattern.js';

/** `$.detail.object` style paths (the subset InputPath uses in practice). */
export const selectPath = (value: unknown, path: string): unknown => {
  if (path === '$') return value;
  if (!path.startsWith('$.')) throw new Error(`unsupported InputPath ${path}`);
  let current = value;
  for (const key of path.slice(2).split('.')) {
    current =
      typeof current === 'object' && current !== null
        ? (current as Record<string, unknown>)[key]
        : undefined;
  }
  return current;
};

const targetInput = (target: RuleTarget, event: unknown): string => {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined)
    return JSON.stringify(selectPath(event, target.inputPath) ?? null);
  return JSON.stringify(event);
};

/**
 * What a FIFO queue needs besides the body, as EventBridge sends it: the target's
 * SqsParameters.MessageGroupId, and the event's id as deduplication id unless the queue
 * deduplicates by content.
 */
const fifoParameters = (queue: QueueModel, target: RuleTarget, event: unknown) => {
  if (!queue.name.endsWith('.fifo')) return {};
  const id = (event as { id?: unknown } | null)?.id;
  return {
    MessageGroupId: target.messageGroupId,
    ...(queue.contentBasedDeduplication
      ? {}
      : { MessageDeduplicationId: typeof id === 'string' ? id : randomUUID() }),
  };
};

/**
 * The event buses of the stack: every event put on a bus is matched against the rules'
 * patterns and delivered to their targets (SQS: SendMessage with the event as body; Lambda:
 * an asynchronous invocation).
 */
export class EventBus {
  private readonly model: LocalStackModel;
  private readonly pool: FunctionPool;
  private readonly clients: BackendClients;
  private readonly log: RunnerLog;

  constructor(model: LocalStackModel, pool: FunctionPool, clients: BackendClients, log: RunnerLog) {
    this.model = model;
    this.pool = pool;
    this.clients = clients;
    this.log = log;
  }

  /** Put one event on a bus; resolves with the number of targets it was delivered to. */
  async put(event: Record<string, unknown>, busName = 'default'): Promise<number> {
    let delivered = 0;
    for (const rule of this.model.rules) {
      if (rule.pattern === undefined) continue;
      if (rule.eventBusName !== busName && !rule.eventBusName.endsWith(`/${busName}`)) continue;
      let matches: boolean;
      try {
        matches = matchesPattern(rule.pattern, event);
      } catch (error) {
        this.log.warn(`rule ${rule.logicalId}: ${(error as Error).message}`);
        continue;
      }
      if (matches) delivered += await this.deliver(rule, event);
    }
    return delivered;
  }

  /** Send an event to every target of a rule (also used for scheduled rules). */
  async deliver(rule: RuleModel, event: unknown): Promise<number> {
    let delivered = 0;
    for (const target of rule.targets) {
      const input = targetInput(target, event);
      try {
        if (target.kind === 'function') {
          this.pool.invokeAsync(target.resourceId, JSON.parse(input));
        } else {
          const queue = this.model.queues.get(target.resourceId);
          if (queue === undefined) continue;
          await this.clients.sqs.send(
            new SendMessageCommand({
              QueueUrl: queue.url,
              MessageBody: input,
              ...fifoParameters(queue, target, event),
            }),
          );
        }
        delivered++;
      } catch (error) {
        this.log.error(
          `rule ${rule.logicalId} -> ${target.resourceId}: ${(error as Error).message}`,
        );
      }
    }
    return delivered;
  }
}
