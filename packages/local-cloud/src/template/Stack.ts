import { TemplateError, Warnings } from './errors.js';
import { applyGlobals, unknownGlobalSections } from './globals.js';
import { evaluateCondition, type IntrinsicContext, resolveValue } from './intrinsics.js';
import { resolveParameters } from './parameters.js';
import { collectReferences } from './references.js';
import type { ParameterValue, StackInfo, Template, TemplateResource } from './types.js';

/** What a resource resolves to: its `Ref` value and its `GetAtt` attributes. */
export interface ResourceValues {
  ref: unknown;
  attributes: Record<string, unknown>;
  /** Attributes not listed are answered by this (e.g. generic placeholders). */
  attribute?: (name: string) => unknown;
}

/** Options for {@link Stack}. */
export interface StackOptions {
  parameterOverrides?: Record<string, string>;
  stackName?: string;
  accountId?: string;
  region?: string;
}

/**
 * A template bound to parameter values and a local account: conditions evaluated, Globals
 * merged, and intrinsic functions resolvable once the resources they name are registered.
 */
export class Stack {
  readonly template: Template;
  readonly info: StackInfo;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly warnings: Warnings;
  /** Resources whose Condition holds, Globals merged. */
  readonly resources: ReadonlyMap<string, TemplateResource>;
  /** Resources left out because their Condition is false. */
  readonly skipped: string[] = [];
  private readonly values = new Map<string, ResourceValues>();
  private readonly conditionCache = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();
  private readonly context: IntrinsicContext;

  constructor(template: Template, options: StackOptions = {}, warnings = new Warnings()) {
    this.template = template;
    this.warnings = warnings;
    this.info = {
      stackName: options.stackName ?? 'shop-local',
      accountId: options.accountId ?? '000000000000',
      region: options.region ?? 'us-east-1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    };
    this.parameters = resolveParameters(template.Parameters, options.parameterOverrides, warnings);
    const { stackName, accountId, region, partition, urlSuffix } = this.info;
    this.context = {
      parameters: this.parameters,
      pseudo: {
        'AWS::StackName': stackName,
        'AWS::StackId': `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
        'AWS::AccountId': accountId,
        'AWS::Region': region,
        'AWS::Partition': partition,
        'AWS::URLSuffix': urlSuffix,
        'AWS::NotificationARNs': [],
      },
      mappings: template.Mappings,
      condition: (name, path) => this.condition(name, path),
      ref: (id, path) => this.lookup(id, path, '!Ref').ref,
      getAtt: (id, attribute, path) => {
        const values = this.lookup(id, path, '!GetAtt');
        const value = values.attributes[attribute] ?? values.attribute?.(attribute);
        if (value === undefined) {
          throw new TemplateError(
            path,
            `!GetAtt ${id}.${attribute}: ${id} has no attribute ${attribute}`,
          );
        }
        return value;
      },
      warn: (message) => warnings.add(message),
    };
    for (const name of Object.keys(template.Conditions ?? {}))
      this.condition(name, `Conditions.${name}`);
    for (const section of unknownGlobalSections(template)) {
      warnings.add(`Globals.${section}: not a SAM Globals section; ignored`);
    }
    const resources = new Map<string, TemplateResource>();
    for (const [id, resource] of Object.entries(applyGlobals(template))) {
      if (
        resource.Condition !== undefined &&
        !this.condition(resource.Condition, `Resources.${id}.Condition`)
      ) {
        this.skipped.push(id);
        continue;
      }
      resources.set(id, resource);
    }
    this.resources = resources;
  }

  /** The value of a named condition. */
  condition(name: string, path: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new TemplateError(path, `unknown condition ${name}`);
    if (this.evaluating.has(name)) {
      throw new TemplateError(`Conditions.${name}`, 'refers to itself (circular condition)');
    }
    this.evaluating.add(name);
    try {
      const value = evaluateCondition(expression, this.context, `Conditions.${name}`);
      this.conditionCache.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }

  /** Resolve every intrinsic in a value (errors name `path`). */
  resolve(value: unknown, path: string): unknown {
    return resolveValue(value, this.context, path);
  }

  /** Logical IDs a value refers to (for ordering resource creation). */
  references(value: unknown): Set<string> {
    return collectReferences(
      value,
      (name) => this.parameters.has(name),
      (name) => this.condition(name, ''),
    );
  }

  /** Make a resource's Ref/GetAtt values available to later resolutions. */
  register(id: string, values: ResourceValues): void {
    this.values.set(id, values);
  }

  registered(id: string): ResourceValues | undefined {
    return this.values.get(id);
  }

  private lookup(id: string, path: string, fn: string): ResourceValues {
    const values = this.values.get(id);
    if (values !== undefined) return values;
    if (this.skipped.includes(id)) {
      throw new TemplateError(
        path,
        `${fn} ${id}: that resource's Condition is false, so it does not exist`,
      );
    }
    if (this.template.Resources[id] === undefined) {
      throw new TemplateError(path, `${fn} ${id}: no parameter or resource named ${id}`);
    }
    throw new TemplateError(path, `${fn} ${id}: ${id} is not created yet (circular dependency?)`);
  }
}
