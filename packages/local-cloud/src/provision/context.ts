import type { BackendClients } from '../clients.js';
import { TemplateError } from '../template/errors.js';
import { NO_VALUE } from '../template/intrinsics.js';
import type { Stack } from '../template/Stack.js';
import type { TemplateResource } from '../template/types.js';
import type { FunctionModel, LocalStackModel } from './model.js';

/** Shared by every resource provisioner. */
export interface ProvisionContext {
  stack: Stack;
  clients: BackendClients;
  model: LocalStackModel;
  /** Folder of the template (CodeUri is relative to it). */
  templateDir: string;
  warn(message: string): void;
}

/** One resource to provision. */
export interface ResourceInput {
  id: string;
  resource: TemplateResource;
  path: string;
}

export type Provisioner = (ctx: ProvisionContext, input: ResourceInput) => Promise<void> | void;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Resolve one property of a resource (`undefined` when absent). */
export const property = (ctx: ProvisionContext, input: ResourceInput, name: string): unknown => {
  const raw = input.resource.Properties?.[name];
  if (raw === undefined) return undefined;
  const value = ctx.stack.resolve(raw, `${input.path}.Properties.${name}`);
  // `!If [Cond, x, !Ref AWS::NoValue]` as the whole property: as if it were not there.
  return value === NO_VALUE ? undefined : value;
};

/** A resolved property that must be a string, if present. */
export const stringProperty = (
  ctx: ProvisionContext,
  input: ResourceInput,
  name: string,
): string | undefined => {
  const value = property(ctx, input, name);
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') {
    throw new TemplateError(`${input.path}.Properties.${name}`, 'must be a string');
  }
  return value;
};

/** A resolved property that must be a number, if present (numeric strings accepted). */
export const numberProperty = (
  ctx: ProvisionContext,
  input: ResourceInput,
  name: string,
): number | undefined => {
  const value = property(ctx, input, name);
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new TemplateError(
      `${input.path}.Properties.${name}`,
      `must be a number, got ${JSON.stringify(value)}`,
    );
  }
  return number;
};

/** CloudFormation's name for a resource without an explicit one (minus the random suffix). */
export const defaultName = (ctx: ProvisionContext, id: string, maxLength = 80): string =>
  `${ctx.stack.info.stackName}-${id}`.slice(0, maxLength);

/** An ARN in the local account and region. */
export const localArn = (ctx: ProvisionContext, service: string, resource: string): string =>
  `arn:${ctx.stack.info.partition}:${service}:${ctx.stack.info.region}:${ctx.stack.info.accountId}:${resource}`;

/**
 * The function an ARN names: unqualified, or qualified with a version or alias
 * (`...:function:name:live`, what `!Ref Fn.Alias` gives); every version runs the same code
 * locally.
 */
export const functionByArn = (ctx: ProvisionContext, arn: unknown): FunctionModel | undefined =>
  typeof arn === 'string'
    ? [...ctx.model.functions.values()].find(
        (f) =>
          f.arn === arn ||
          (arn.startsWith(`${f.arn}:`) && !arn.slice(f.arn.length + 1).includes(':')),
      )
    : undefined;
