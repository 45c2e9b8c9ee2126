import { intrinsicName } from './intrinsics.js';
import type { Template, TemplateResource } from './types.js';

// SAM's Globals section: which resource type each section applies to.
const GLOBAL_SECTIONS: Record<string, string> = {
  Function: 'AWS::Serverless::Function',
  Api: 'AWS::Serverless::Api',
  HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable',
  LayerVersion: 'AWS::Serverless::LayerVersion',
  StateMachine: 'AWS::Serverless::StateMachine',
};

const isPlainMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  intrinsicName(value) === undefined;

/**
 * Merge one Globals value into a resource's, as the SAM translator does: maps merge key by
 * key (the resource wins), lists concatenate (globals first), anything else (scalars,
 * intrinsic functions) is taken from the resource when it has one.
 */
export const mergeGlobal = (global: unknown, local: unknown): unknown => {
  if (local === undefined) return global;
  if (isPlainMap(global) && isPlainMap(local)) {
    const out: Record<string, unknown> = { ...global };
    for (const [key, value] of Object.entries(local)) out[key] = mergeGlobal(global[key], value);
    return out;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  return local;
};

/** The template's resources with their SAM Globals merged in. */
export const applyGlobals = (template: Template): Record<string, TemplateResource> => {
  const out: Record<string, TemplateResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const section = Object.entries(GLOBAL_SECTIONS).find(([, type]) => type === resource.Type);
    const globals = section ? template.Globals?.[section[0]] : undefined;
    out[id] =
      globals === undefined
        ? resource
        : {
            ...resource,
            Properties: mergeGlobal(globals, resource.Properties ?? {}) as Record<string, unknown>,
          };
  }
  return out;
};

/** Globals sections SAM does not know (reported as warnings). */
export const unknownGlobalSections = (template: Template): string[] =>
  Object.keys(template.Globals ?? {}).filter((section) => !(section in GLOBAL_SECTIONS));
