import { styleText } from 'node:util';
import type { LocalCloud } from '../cloud/startLocalCloud.js';
import { describeFaultRule } from '../faults/describeFaultRule.js';
import type { FaultRuleStats } from '../faults/types.js';

/** What the banner shows besides the cloud itself. */
export interface BannerExtras {
  templatePath: string;
  startedInMs: number;
  /** A token from `--token-secret`: signed with that secret, for `subject`. */
  token?: { value: string; secret: string; subject: string; email?: string; expiresIn: string };
  watching: boolean;
  stateFile?: string;
  /** The fault proxy's control URL and the rules in force at start. */
  faults?: { url: string; rules: FaultRuleStats[]; file?: string };
}

const list = (items: string[]) => items.join(', ');

/**
 * The one start-up banner of `dev`: where the API is, what was created, a token (with
 * `--token-secret`), where sent emails can be read, and what is not emulated.
 */
export const renderBanner = (cloud: LocalCloud, extras: BannerExtras, color = false): string => {
  const bold = (text: string) => (color ? styleText('bold', text) : text);
  const dim = (text: string) => (color ? styleText('dim', text) : text);
  const green = (text: string) => (color ? styleText('green', text) : text);
  const { model, backends } = cloud;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${bold(label.padEnd(10))} ${value}`);
  const more = (value: string) => lines.push(`  ${''.padEnd(10)} ${value}`);
  lines.push('');
  lines.push(
    `${green(bold('local-cloud ready'))} ${model.stackName} from ${extras.templatePath} ${dim(`(${(extras.startedInMs / 1000).toFixed(1)} s)`)}`,
  );
  lines.push('');
  for (const api of cloud.apis) {
    row('API', `${bold(api.url)}  ${dim(`(${api.api.logicalId})`)}`);
    for (const route of api.api.routes) {
      more(
        dim(
          `${route.routeKey.padEnd(32)} -> ${route.functionId}${route.authorizer ? ` (authorizer ${route.authorizer})` : ''}`,
        ),
      );
    }
  }
  for (const bucket of model.buckets.values()) {
    // One entry per target: a function notified of creations and removals is listed once.
    const targets = [
      ...new Set(
        bucket.notifications.map((n) =>
          n.target.kind === 'function' ? n.target.functionId : n.target.queueId,
        ),
      ),
      ...(bucket.eventBridge ? ['EventBridge'] : []),
    ];
    row(
      'Bucket',
      `${bucket.name}  ${dim(`(${bucket.logicalId}${targets.length ? ` -> ${list(targets)}` : ''})`)}`,
    );
  }
  for (const queue of model.queues.values()) {
    const consumers = model.sqsMappings
      .filter((m) => m.queueId === queue.logicalId)
      .map((m) => m.functionId);
    const dlq = [...model.queues.values()].find((q) => q.arn === queue.deadLetterQueueArn);
    const notes = [
      ...(consumers.length ? [`-> ${list(consumers)}`] : []),
      ...(dlq ? [`DLQ ${dlq.logicalId} after ${queue.maxReceiveCount}`] : []),
    ];
    row(
      'Queue',
      `${queue.name}  ${dim(`(${queue.logicalId}${notes.length ? `; ${notes.join('; ')}` : ''})`)}`,
    );
  }
  for (const table of model.tables.values()) {
    const consumers = model.streamMappings
      .filter((m) => m.tableId === table.logicalId)
      .map((m) => {
        const dlq = m.onFailureQueueId ? ` (on failure ${m.onFailureQueueId})` : '';
        return `${m.functionId}${dlq}`;
      });
    const stream = table.streamViewType
      ? `; stream ${table.streamViewType}${consumers.length ? ` -> ${list(consumers)}` : ''}`
      : '';
    row('Table', `${table.name}  ${dim(`(${table.logicalId}${stream})`)}`);
  }
  for (const rule of model.rules) {
    const trigger = rule.schedule ? ` ${rule.schedule.expression}` : '';
    row(
      'Rule',
      `${rule.logicalId}${trigger} ${dim(`-> ${list(rule.targets.map((t) => t.resourceId))}`)}`,
    );
  }
  row(
    'Functions',
    `${model.functions.size} ${dim('(one process each, started on first use, kept warm)')}`,
  );
  if (backends.mode === 'embedded') {
    row(
      'Emails',
      `${backends.endpoints.ses}/  ${dim(`(web page; JSON: ${backends.endpoints.ses}/store)`)}`,
    );
    row('Backends', `S3+SQS ${backends.endpoints.s3}  DynamoDB ${backends.endpoints.dynamodb}`);
    more(`SES ${backends.endpoints.ses}  Secrets Manager ${backends.endpoints.secretsManager}`);
    more(
      dim(
        `aws --endpoint-url ${backends.endpoints.s3} s3 ls s3://${[...model.buckets.values()][0]?.name ?? ''}`,
      ),
    );
  } else {
    row('Emails', `${backends.endpoints.ses}/moto-api/data.json ${dim('(moto: ses.Message)')}`);
    row(
      'Backends',
      backends.upstream
        ? `${backends.endpoints.s3} ${dim(`(fault proxy -> ${backends.upstream})`)}`
        : `${backends.endpoints.s3} (external)`,
    );
  }
  if (extras.faults) {
    const { rules, url, file } = extras.faults;
    row(
      'Faults',
      rules.length === 0
        ? dim(`none (add rules with --faults <file>, or POST them to ${url})`)
        : `${rules.length} rule${rules.length === 1 ? '' : 's'}${file ? ` from ${file}` : ''} ${dim(`(counters: GET ${url})`)}`,
    );
    for (const rule of rules) more(`${rule.id}: ${dim(describeFaultRule(rule.rule))}`);
  }
  if (extras.token) {
    lines.push('');
    row(
      'Token',
      dim(
        `sub ${extras.token.subject}${extras.token.email ? ` <${extras.token.email}>` : ''}, signed with ${extras.token.secret}, valid ${extras.token.expiresIn}:`,
      ),
    );
    lines.push(`  export TOKEN=${extras.token.value}`);
    const api = cloud.apis[0];
    if (api) {
      const path =
        api.api.routes.find((r) => r.method === 'GET' && !r.path.includes('{'))?.path ?? '/';
      lines.push(dim(`  curl -H "Authorization: Bearer $TOKEN" ${api.url}${path}`));
    }
  }
  if (extras.stateFile)
    lines.push(dim(`  State: ${extras.stateFile} (local-cloud token and other tools read it)`));
  lines.push('');
  if (extras.watching)
    lines.push(
      dim(
        '  Watching services/*/src and packages/*/src: a change rebuilds and reloads the affected functions.',
      ),
    );
  if (model.warnings.length > 0) {
    lines.push(`  ${bold(`Not emulated (${model.warnings.length}):`)}`);
    for (const warning of model.warnings) lines.push(dim(`   - ${warning}`));
  }
  lines.push('  Ctrl+C stops everything.');
  lines.push('');
  return lines.join('\n');
};
