import { randomBytes } from 'node:crypto';
import type { FunctionModel } from '../provision/model.js';
import type { RunnerLog } from './types.js';

/** Variables Lambda sets itself; a function's configuration may not override them. */
export const RESERVED_VARIABLES = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

const logStreamName = () => {
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
};

/**
 * The environment of a function's process, as Lambda builds it: the runtime's own
 * variables, the backends' endpoints and dummy credentials, then the function's configured
 * variables. Nothing is inherited from the runner's environment except PATH.
 */
export const functionEnvironment = (
  model: FunctionModel,
  runtimeApi: string,
  backendEnv: Readonly<Record<string, string>>,
  log: RunnerLog,
  runtimeDir: string,
): Record<string, string> => {
  const region = backendEnv.AWS_REGION ?? 'us-east-1';
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: model.codeDir,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    _HANDLER: model.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${model.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: model.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(model.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: model.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    // The convention `sam local` set: libraries (Powertools Tracer) skip X-Ray locally.
    AWS_SAM_LOCAL: 'true',
    ...backendEnv,
  };
  if (model.logFormat === 'JSON') {
    env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    if (model.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = model.applicationLogLevel;
  }
  for (const [name, value] of Object.entries(model.environment)) {
    if (RESERVED_VARIABLES.has(name)) {
      log.warn(
        `${model.logicalId}: ${name} is reserved by Lambda; the configured value is ignored`,
      );
      continue;
    }
    env[name] = value;
  }
  return env;
};
