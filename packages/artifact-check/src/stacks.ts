import path from 'node:path';
import { type BackendClients, ensureSecret } from '@shop/local-cloud';
import { type LocalStackModel, loadTemplate, provisionStack, Stack } from '@shop/local-cloud/cloud';

/**
 * The deployment a group of sample events was written for: the stack name, account and
 * region that make up the resource names inside the events (bucket names, above all), and
 * secret values the events rely on (a token signed with a documented key).
 */
export interface StackProfile {
  stackName: string;
  accountId: string;
  region: string;
  parameterOverrides?: Record<string, string>;
  /** Secret values by the secret's logical ID, set after provisioning. */
  secrets?: Record<string, string>;
}

/** A profile's resources, created on the backends from the built template. */
export interface ProvisionedStack {
  id: string;
  profile: StackProfile;
  stack: Stack;
  model: LocalStackModel;
  bucket(logicalId: string): string;
  table(logicalId: string): string;
  queue(logicalId: string): { name: string; url: string; arn: string };
}

const named = <T>(map: Map<string, T>, id: string, kind: string, stackName: string): T => {
  const found = map.get(id);
  if (found === undefined) throw new Error(`${stackName}: the built template has no ${kind} ${id}`);
  return found;
};

/**
 * Create everything the built template declares on the backends (local-cloud's
 * provisioning: tables with their keys and indexes, queues with their DLQs, buckets, secrets,
 * sender identities), with the profile's names, then set the profile's secret values.
 */
export const provisionProfile = async (
  id: string,
  profile: StackProfile,
  templatePath: string,
  clients: BackendClients,
): Promise<ProvisionedStack> => {
  const template = await loadTemplate(templatePath);
  const stack = new Stack(template, {
    stackName: profile.stackName,
    accountId: profile.accountId,
    region: profile.region,
    ...(profile.parameterOverrides ? { parameterOverrides: profile.parameterOverrides } : {}),
  });
  const model = await provisionStack(stack, clients, { templateDir: path.dirname(templatePath) });
  for (const [logicalId, value] of Object.entries(profile.secrets ?? {})) {
    const secret = named(model.secrets, logicalId, 'secret', profile.stackName);
    await ensureSecret(clients, secret.name, value);
  }
  const { stackName } = profile;
  return {
    id,
    profile,
    stack,
    model,
    bucket: (logicalId) => named(model.buckets, logicalId, 'bucket', stackName).name,
    table: (logicalId) => named(model.tables, logicalId, 'table', stackName).name,
    queue: (logicalId) => {
      const { name, url, arn } = named(model.queues, logicalId, 'queue', stackName);
      return { name, url, arn };
    },
  };
};
