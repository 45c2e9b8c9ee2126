// The template-driven runner behind `pnpm dev`, for programmatic use (tests, scripts).

export { DEMO_ORDER } from '../dev/demo.js';
export { consoleLog, memoryLog, type RunnerLog } from '../dev/log.js';
export { SAMPLE_JPEG_LANDSCAPE, SAMPLE_JPEG_PORTRAIT } from '../dev/sampleImages.js';
export { DEFAULT_DEMO_TOKEN, demoToken, mintToken } from '../dev/token.js';
export { functionEnvironment } from '../lambda/environment.js';
export { type InvokeResult, LambdaFunction } from '../lambda/LambdaFunction.js';
export type { LocalStackModel, StreamMappingModel } from '../provision/model.js';
export { type ProvisionOptions, provisionStack } from '../provision/provisionStack.js';
export { TemplateError } from '../template/errors.js';
export { parseParameterOverrides } from '../template/parameters.js';
export { loadTemplate, parseTemplate } from '../template/parseTemplate.js';
export { Stack } from '../template/Stack.js';
export { StreamPoller, type StreamPollerOptions } from '../triggers/dynamodb/StreamPoller.js';
export { matchesPattern } from '../triggers/eventbridge/eventPattern.js';
export { FunctionPool } from './FunctionPool.js';
export {
  type LocalCloud,
  type LocalCloudDescriptor,
  type LocalCloudOptions,
  startLocalCloud,
} from './startLocalCloud.js';
