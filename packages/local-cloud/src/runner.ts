// The template-driven runner behind `pnpm dev`, for programmatic use (tests, scripts).

export {
  type LocalCloud,
  type LocalCloudDescriptor,
  type LocalCloudOptions,
  startLocalCloud,
} from './cloud/startLocalCloud.js';
export { type DevState, isAlive, readDevState, stateFileFor } from './dev/devState.js';
export { type ConsoleLog, consoleLog, memoryLog } from './dev/log.js';
export { signToken, stackToken, type TokenOptions, tokenFromState } from './dev/token.js';
export { functionEnvironment } from './lambda/environment.js';
export { FunctionPool } from './lambda/FunctionPool.js';
export { type InvokeResult, LambdaFunction } from './lambda/LambdaFunction.js';
export {
  environmentNodeArgs,
  lambdaNodeArgs,
  tierUpArgs,
  type V8Tiering,
} from './lambda/nodeArgs.js';
export type { RunnerLog } from './lambda/types.js';
export type { LocalStackModel, StreamMappingModel } from './provision/model.js';
export { type ProvisionOptions, provisionStack } from './provision/provisionStack.js';
export { TemplateError } from './template/errors.js';
export { parseParameterOverrides } from './template/parameters.js';
export { loadTemplate, parseTemplate } from './template/parseTemplate.js';
export { Stack } from './template/Stack.js';
export { StreamPoller, type StreamPollerOptions } from './triggers/dynamodb/StreamPoller.js';
export { matchesPattern } from './triggers/eventbridge/eventPattern.js';
