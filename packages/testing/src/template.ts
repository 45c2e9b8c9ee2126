import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplate } from '@shop/local-cloud/cloud';

type Template = ReturnType<typeof parseTemplate>;

// template.yaml as local-cloud reads it (one CloudFormation YAML schema: short-form intrinsics
// in their long form), for tests that keep code and template in step.

/** The repository's template.yaml. */
export const templatePath = fileURLToPath(new URL('../../../template.yaml', import.meta.url));

let cached: Template | undefined;

/** The parsed template.yaml (read once per test file). */
export const readTemplate = (): Template => {
  cached ??= parseTemplate(readFileSync(templatePath, 'utf8'), 'template.yaml');
  return cached;
};

/**
 * Walk into parsed YAML by keys; undefined as soon as a key is missing.
 *
 * @example
 * dig(readTemplate(), 'Resources', 'EmailFunction', 'Properties', 'Timeout');
 */
export const dig = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[key]
        : undefined,
    value,
  );

/** A resource's Properties; throws when the template has no such resource. */
export const resourceProperties = (logicalId: string): Record<string, unknown> => {
  const resource = readTemplate().Resources[logicalId];
  if (resource === undefined) throw new Error(`template.yaml has no resource ${logicalId}`);
  return resource.Properties ?? {};
};

/** A function's timeout in milliseconds: its own Timeout, else Globals.Function.Timeout. */
export const functionTimeoutMs = (logicalId: string): number => {
  const seconds =
    resourceProperties(logicalId).Timeout ?? dig(readTemplate(), 'Globals', 'Function', 'Timeout');
  if (typeof seconds !== 'number') throw new Error(`${logicalId} has no numeric Timeout`);
  return 1_000 * seconds;
};

/** One environment variable of a function as the template sets it (Globals, then its own). */
export const functionEnvironmentValue = (logicalId: string, name: string): unknown =>
  dig(resourceProperties(logicalId), 'Environment', 'Variables', name) ??
  dig(readTemplate(), 'Globals', 'Function', 'Environment', 'Variables', name);

/** One metric a CloudWatch alarm reads: its namespace, name and dimensions (name -> value). */
export interface AlarmMetric {
  namespace: unknown;
  metricName: unknown;
  dimensions: Record<string, unknown>;
}

/** The properties of each of a function's CodeDeploy rollback alarms (`DeploymentPreference.Alarms`). */
const rollbackAlarms = (functionId: string): Record<string, unknown>[] => {
  const alarms = dig(resourceProperties(functionId), 'DeploymentPreference', 'Alarms');
  if (!Array.isArray(alarms)) throw new Error(`${functionId} has no DeploymentPreference.Alarms`);
  return alarms.map((alarm) => resourceProperties(String(dig(alarm, 'Ref'))));
};

/**
 * The metrics of a function's CodeDeploy rollback alarms (`DeploymentPreference.Alarms`):
 * each alarm's own metric, or each `MetricStat` of its metric math.
 *
 * @example
 * rollbackAlarmMetrics('EmailFunction').map((metric) => metric.metricName); // ['Errors', 'HandledFailures']
 */
export const rollbackAlarmMetrics = (functionId: string): AlarmMetric[] => {
  const metric = (source: unknown): AlarmMetric => ({
    namespace: dig(source, 'Namespace'),
    metricName: dig(source, 'MetricName'),
    dimensions: Object.fromEntries(
      ((dig(source, 'Dimensions') ?? []) as Array<{ Name: string; Value: unknown }>).map(
        ({ Name, Value }) => [Name, Value],
      ),
    ),
  });
  return rollbackAlarms(functionId).flatMap((props) => {
    const math = props.Metrics as unknown[] | undefined;
    if (math === undefined) return [metric(props)];
    return math
      .map((query) => dig(query, 'MetricStat', 'Metric'))
      .filter((stat) => stat !== undefined)
      .map(metric);
  });
};

/**
 * The metric-math expressions of a function's rollback alarms (`DeploymentPreference.Alarms`),
 * by query id: what each alarm adds up from the metrics it reads.
 *
 * @example
 * rollbackAlarmExpressions('EmailFunction').failures; // 'FILL(errors, 0) + ...'
 */
export const rollbackAlarmExpressions = (functionId: string): Record<string, string> =>
  Object.fromEntries(
    rollbackAlarms(functionId).flatMap((props) =>
      ((props.Metrics ?? []) as unknown[]).flatMap((query) => {
        const expression = dig(query, 'Expression');
        return typeof expression === 'string' ? [[String(dig(query, 'Id')), expression]] : [];
      }),
    ),
  );

/**
 * What keeps a function's rollback alarms from seeing every failure of the version being
 * deployed, and only its: Lambda's `Errors` of that version (`ExecutedVersion`), and the
 * `HandledFailures` that `lambdaHandler` publishes for it (answered 5xx, failed batch records;
 * dimensions `service`, `function_name`, `version`). Empty when both are there.
 *
 * @example
 * expect(rollbackAlarmProblems('EmailFunction', 'email', 'HandledFailures')).toEqual([]);
 */
export const rollbackAlarmProblems = (
  functionId: string,
  service: string,
  handledFailuresMetric: string,
): string[] => {
  const metrics = rollbackAlarmMetrics(functionId);
  const version = { 'Fn::GetAtt': [functionId, 'Version.Version'] };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const problems: string[] = [];
  const errors = metrics.find((m) => m.namespace === 'AWS/Lambda' && m.metricName === 'Errors');
  if (errors === undefined)
    problems.push(`${functionId}: no rollback alarm reads AWS/Lambda Errors`);
  else if (!same(errors.dimensions.ExecutedVersion, version))
    problems.push(`${functionId}: Errors is not read for the deployed version (ExecutedVersion)`);
  const handled = metrics.find((m) => m.metricName === handledFailuresMetric);
  if (handled === undefined) {
    problems.push(`${functionId}: no rollback alarm reads ${handledFailuresMetric}`);
    return problems;
  }
  if (handled.namespace !== 'Shop')
    problems.push(`${functionId}: ${handledFailuresMetric} is not read in namespace Shop`);
  if (handled.dimensions.service !== service)
    problems.push(
      `${functionId}: ${handledFailuresMetric} is read for service ${JSON.stringify(handled.dimensions.service)}, the code publishes ${service}`,
    );
  if (!same(handled.dimensions.function_name, { Ref: functionId }))
    problems.push(
      `${functionId}: ${handledFailuresMetric} is not read for this function (function_name)`,
    );
  if (!same(handled.dimensions.version, version))
    problems.push(`${functionId}: ${handledFailuresMetric} is not read for the deployed version`);
  const extra = Object.keys(handled.dimensions).filter(
    (name) => !['service', 'function_name', 'version'].includes(name),
  );
  if (extra.length > 0)
    problems.push(
      `${functionId}: ${handledFailuresMetric} has dimensions the code does not publish: ${extra.join(', ')}`,
    );
  return problems;
};
