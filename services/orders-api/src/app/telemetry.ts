import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger, type Logger } from '@shop/common/logger';
import { type MetricName, SERVICE } from '../domain/constants.js';

/** The part of Powertools Metrics the handlers use: business metrics of `METRICS`. */
export interface BusinessMetrics {
  addMetric(name: MetricName, unit: (typeof MetricUnit)['Count'], value: number): unknown;
}

/** A function's logger: service `orders-api`, the function's name in every line. */
export const createFunctionLogger = (functionName: string): Logger =>
  createLogger(SERVICE.name, { persistentKeys: { function: functionName } });

/**
 * A function's logger and metrics (service `orders-api`, namespace `Shop`; Metrics' own
 * warnings go through the logger, as JSON with the correlation id). Called once in each handler
 * file, which passes both in deps and to `lambdaHandler`: never module globals that other
 * modules import.
 *
 * @example
 * const { logger, metrics } = createTelemetry('api');
 */
export const createTelemetry = (functionName: string): { logger: Logger; metrics: Metrics } => {
  const logger = createFunctionLogger(functionName);
  const metrics = new Metrics({
    namespace: SERVICE.metricsNamespace,
    serviceName: SERVICE.name,
    logger,
  });
  return { logger, metrics };
};
