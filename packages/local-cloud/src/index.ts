export { type BackendsDescriptor, connectBackends, describeBackends } from './backends/connect.js';
export { DynamoDBStreamsProxy } from './backends/dynamoStreams/DynamoDBStreamsProxy.js';
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
export * from './resources.js';
