// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
import { describe, expect, it } from 'vitest';
import { Warnings } from '../../src/template/errors.js';
import { parseTemplate } from '../../src/template/parseTemplate.js';
import { Stack } from '../../src/template/Stack.js';

const template = parseTemplate(`
Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
  Sizes: { Type: CommaDelimitedList, Default: "128,512" }
  Retention: { Type: Number, Default: 30, MinValue: 1 }
  Email: { Type: String, Default: orders@example.com }
Mappings:
  Limits:
    dev: { memory: 256 }
    prod: { memory: 1024 }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Equals [!Ref Retention, 30]]
Globals:
  Function:
    Timeout: 10
    Layers: [GlobalLayer]
    Environment:
      Variables:
        STAGE: !Ref Stage
        SHARED: global
Resources:
  Queue:
    Type: AWS::SQS::Queue
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 30
      Layers: [OwnLayer]
      Environment:
        Variables:
          SHARED: own
          QUEUE: !Ref Queue
`);

const stackWith = (overrides: Record<string, string> = {}) => {
  const stack = new Stack(
    template,
    { parameterOverrides: overrides, stackName: 'shop-local' },
    new Warnings(),
  );
  stack.register('Queue', {
    ref: 'http://queue-url',
    attributes: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q' },
  });
  return stack;
};

describe('Stack', () => {
  it('resolves parameters, pseudo parameters, mappings and every intrinsic function', () => {
    // Prepare
    const stack = stackWith();

    // Act
    const value = stack.resolve(
      {
        name: { 'Fn::Sub': '${AWS::StackName}-${Stage}-${AWS::AccountId}-${AWS::Region}' },
        queue: { 'Fn::Sub': ['${Url}|${Queue.Arn}|${!Literal}', { Url: { Ref: 'Queue' } }] },
        sizes: { 'Fn::Join': ['/', { Ref: 'Sizes' }] },
        domain: { 'Fn::Select': [1, { 'Fn::Split': ['@', { Ref: 'Email' }] }] },
        memory: { 'Fn::FindInMap': ['Limits', { Ref: 'Stage' }, 'memory'] },
        mode: { 'Fn::If': ['IsProd', 'production', 'development'] },
        dropped: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] },
        list: ['a', { 'Fn::If': ['IsProd', 'b', { Ref: 'AWS::NoValue' }] }],
        encoded: { 'Fn::Base64': 'hi' },
        partition: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x.${AWS::URLSuffix}' },
        azs: { 'Fn::GetAZs': '' },
      },
      'Test',
    );

    // Assess
    expect(value).toEqual({
      name: 'shop-local-dev-000000000000-us-east-1',
      queue: 'http://queue-url|arn:aws:sqs:us-east-1:000000000000:q|${Literal}',
      sizes: '128/512',
      domain: 'example.com',
      memory: 256,
      mode: 'development',
      list: ['a'],
      encoded: 'aGk=',
      partition: 'arn:aws:s3:::x.amazonaws.com',
      azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
  });

  it('evaluates conditions and leaves out resources whose condition is false', () => {
    // Act
    const dev = stackWith();
    const prod = stackWith({ Stage: 'prod' });

    // Assess
    expect([dev.condition('IsDev', ''), dev.condition('Both', '')]).toEqual([true, true]);
    expect(dev.resources.has('ProdOnly')).toBe(false);
    expect(dev.skipped).toEqual(['ProdOnly']);
    expect(prod.resources.has('ProdOnly')).toBe(true);
    expect(() => dev.resolve({ Ref: 'ProdOnly' }, 'Outputs.Topic.Value')).toThrow(
      "Outputs.Topic.Value: !Ref ProdOnly: that resource's Condition is false",
    );
  });

  it('merges Globals into functions as SAM does', () => {
    // Act
    const fn = stackWith().resources.get('Fn');

    // Assess
    expect(fn?.Properties).toMatchObject({
      Timeout: 30,
      Layers: ['GlobalLayer', 'OwnLayer'],
      Environment: {
        Variables: { STAGE: { Ref: 'Stage' }, SHARED: 'own', QUEUE: { Ref: 'Queue' } },
      },
    });
  });

  it('rejects overrides outside AllowedValues and unknown parameters, naming them', () => {
    // Act / Assess
    expect(() => stackWith({ Stage: 'qa' })).toThrow(
      'Parameters.Stage: override value "qa" is not one of: dev, prod',
    );
    expect(() => stackWith({ Retention: '0' })).toThrow(
      'Parameters.Retention: override value "0" is below MinValue 1',
    );
    expect(() => stackWith({ Nope: 'x' })).toThrow(
      /Parameters\.Nope: override given, but the template declares no such parameter/,
    );
  });

  it('names the field of an unresolvable reference', () => {
    // Prepare
    const stack = stackWith();

    // Act
    const unknown = () =>
      stack.resolve(
        { 'Fn::GetAtt': ['Missing', 'Arn'] },
        'Resources.Fn.Properties.Environment.Variables.X',
      );
    const badAttribute = () =>
      stack.resolve({ 'Fn::Sub': '${Queue.Nope}' }, 'Resources.Fn.Properties.Y');

    // Assess
    expect(unknown).toThrow(
      'Resources.Fn.Properties.Environment.Variables.X: !GetAtt Missing: no parameter or resource named Missing',
    );
    expect(badAttribute).toThrow(
      'Resources.Fn.Properties.Y: !GetAtt Queue.Nope: Queue has no attribute Nope',
    );
  });

  it('collects the resources a value refers to, following only the chosen !If branch', () => {
    // Act
    const refs = stackWith().references({
      a: { Ref: 'Queue' },
      b: { 'Fn::Sub': '${Bucket.Arn}/${Stage}/${AWS::Region}/${local}' },
      c: { 'Fn::If': ['IsProd', { Ref: 'ProdThing' }, { Ref: 'DevThing' }] },
      d: { 'Fn::Sub': ['${x}', { x: { 'Fn::GetAtt': ['Table', 'Arn'] } }] },
    });

    // Assess
    expect([...refs].sort()).toEqual(['Bucket', 'DevThing', 'Queue', 'Table', 'local']);
  });
});
