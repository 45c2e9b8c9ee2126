export {
  BackendProxy,
  type BufferedAnswer,
  type BufferedRequest,
  type ProxyInterceptor,
} from './backends/BackendProxy.js';
export { type BackendsDescriptor, connectBackends, describeBackends } from './backends/connect.js';
export { DynamoDBStreamsInterceptor } from './backends/dynamoStreams/DynamoDBStreamsInterceptor.js';
export { StreamStore } from './backends/dynamoStreams/StreamStore.js';
export { SecretsManagerServer } from './backends/SecretsManagerServer.js';
export {
  BackendPortInUseError,
  type BackendPorts,
  endpointEnv,
  type StartBackendsOptions,
  startBackends,
} from './backends/startBackends.js';
export type { Backends, Endpoints, S3BackendEvent, SentEmail } from './backends/types.js';
export { type BackendClients, backendClients } from './clients.js';
export { FaultRuleError } from './faults/errors.js';
export { FaultSet } from './faults/FaultSet.js';
export { FaultsClient } from './faults/FaultsClient.js';
export { parseFaultFile, parseFaultRule, parseFaultRules } from './faults/parseFaultRules.js';
export * from './faults/types.js';
export * from './resources.js';
