import { TemplateError } from '../template/errors.js';
import { isRecord } from './context.js';
import type { BucketNotification, KeyFilter } from './model.js';

/** A notification whose target is still an ARN (linked to a resource after provisioning). */
export interface PendingNotification extends Omit<BucketNotification, 'target'> {
  targetArn: string;
  targetKind: 'function' | 'queue';
}

/** The parsed `NotificationConfiguration` of a bucket. */
export interface NotificationConfig {
  eventBridge: boolean;
  notifications: BucketNotification[];
  pending: PendingNotification[];
}

const S3_EVENT =
  /^s3:(ObjectCreated|ObjectRemoved|ObjectRestore|ObjectTagging|ObjectAcl|Replication|LifecycleExpiration|LifecycleTransition|IntelligentTiering|ReducedRedundancyLostObject)(:[A-Za-z*]+)?$/;

/** Parse `Filter: { S3Key: { Rules: [{ Name: prefix|suffix, Value }] } }`. */
export const parseKeyFilter = (filter: unknown, path: string): KeyFilter => {
  if (filter === undefined) return {};
  const rules = isRecord(filter) && isRecord(filter.S3Key) ? filter.S3Key.Rules : undefined;
  if (!Array.isArray(rules))
    throw new TemplateError(path, 'expected S3Key.Rules: [{ Name, Value }]');
  const out: KeyFilter = {};
  rules.forEach((rule, i) => {
    const name = isRecord(rule) && typeof rule.Name === 'string' ? rule.Name.toLowerCase() : '';
    if (
      (name !== 'prefix' && name !== 'suffix') ||
      typeof (rule as { Value?: unknown }).Value !== 'string'
    ) {
      throw new TemplateError(
        `${path}.S3Key.Rules[${i}]`,
        'needs Name prefix|suffix and a string Value',
      );
    }
    if (out[name] !== undefined)
      throw new TemplateError(`${path}.S3Key.Rules[${i}]`, `second ${name} rule`);
    out[name] = (rule as { Value: string }).Value;
  });
  return out;
};

/** Check a list of S3 event types (`s3:ObjectCreated:*` ...). */
export const parseS3Events = (events: unknown, path: string): string[] => {
  const list = typeof events === 'string' ? [events] : events;
  if (!Array.isArray(list) || list.length === 0)
    throw new TemplateError(path, 'expected one or more S3 event types');
  return list.map((event, i) => {
    if (typeof event !== 'string' || !S3_EVENT.test(event)) {
      throw new TemplateError(`${path}[${i}]`, `not an S3 event type: ${JSON.stringify(event)}`);
    }
    return event;
  });
};

/** Read a bucket's CloudFormation `NotificationConfiguration`. */
export const parseNotificationConfiguration = (
  value: unknown,
  path: string,
  warn: (message: string) => void,
): NotificationConfig => {
  const config: NotificationConfig = { eventBridge: false, notifications: [], pending: [] };
  if (value === undefined) return config;
  if (!isRecord(value)) throw new TemplateError(path, 'must be a map');
  const eventBridge = value.EventBridgeConfiguration;
  if (isRecord(eventBridge)) {
    const enabled = eventBridge.EventBridgeEnabled;
    config.eventBridge = enabled === undefined || enabled === true || enabled === 'true';
  }
  const sections = [
    ['LambdaConfigurations', 'Function', 'function'],
    ['QueueConfigurations', 'Queue', 'queue'],
  ] as const;
  for (const [section, field, kind] of sections) {
    const list = value[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new TemplateError(`${path}.${section}`, 'must be a list');
    list.forEach((item, i) => {
      const itemPath = `${path}.${section}[${i}]`;
      if (!isRecord(item) || typeof item[field] !== 'string') {
        throw new TemplateError(itemPath, `needs Event and ${field} (an ARN)`);
      }
      config.pending.push({
        id: `${section}-${i}`,
        events: parseS3Events(item.Event, `${itemPath}.Event`),
        filter: parseKeyFilter(item.Filter, `${itemPath}.Filter`),
        targetArn: item[field] as string,
        targetKind: kind,
      });
    });
  }
  if (value.TopicConfigurations !== undefined) {
    warn(`${path}.TopicConfigurations: SNS notifications are not delivered locally`);
  }
  return config;
};
