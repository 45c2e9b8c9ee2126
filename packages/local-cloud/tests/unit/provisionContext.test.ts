import { describe, expect, it } from 'vitest';
import {
  numberProperty,
  type ProvisionContext,
  property,
  stringProperty,
} from '../../src/provision/context.js';
import { Warnings } from '../../src/template/errors.js';
import { parseTemplate } from '../../src/template/parseTemplate.js';
import { Stack } from '../../src/template/Stack.js';

const template = parseTemplate(`
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      ReservedConcurrentExecutions: !If [IsProd, 50, !Ref AWS::NoValue]
      FunctionName: !If [IsProd, shop-fn, !Ref AWS::NoValue]
      Description: !Ref AWS::NoValue
`);

const inputOf = (stage: string) => {
  const stack = new Stack(
    template,
    { parameterOverrides: { Stage: stage }, stackName: 'shop-local' },
    new Warnings(),
  );
  const ctx = { stack } as unknown as ProvisionContext;
  const resource = template.Resources?.Fn as never;
  return { ctx, input: { id: 'Fn', resource, path: 'Resources.Fn' } };
};

describe('resource properties', () => {
  it('reads a property that resolves to AWS::NoValue as absent, as CloudFormation does', () => {
    // Prepare
    const { ctx, input } = inputOf('dev');

    // Act / Assess
    expect(numberProperty(ctx, input, 'ReservedConcurrentExecutions')).toBeUndefined();
    expect(stringProperty(ctx, input, 'FunctionName')).toBeUndefined();
    expect(property(ctx, input, 'Description')).toBeUndefined();
  });

  it('reads the other branch when the condition holds', () => {
    // Prepare
    const { ctx, input } = inputOf('prod');

    // Act / Assess
    expect(numberProperty(ctx, input, 'ReservedConcurrentExecutions')).toBe(50);
    expect(stringProperty(ctx, input, 'FunctionName')).toBe('shop-fn');
  });
});
