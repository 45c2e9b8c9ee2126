// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, not JS templates
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/template/errors.js';
import { parseTemplate } from '../../src/template/parseTemplate.js';

const resources = (body: string) => `Resources:\n${body}`;

describe('parseTemplate', () => {
  it('reads every short-form intrinsic into its long form', () => {
    // Prepare
    const source = resources(`  Thing:
    Type: Custom::Thing
    Properties:
      A: !Ref Param
      B: !Sub "\${AWS::StackName}-x"
      C: !Sub ["\${a}-b", { a: !Ref Param }]
      D: !GetAtt Res.Arn
      E: !GetAtt [Res, Attr.Nested]
      F: !If [Cond, !Join [",", [a, b]], !Ref AWS::NoValue]
      G: !Select [1, !Split ["@", !Ref Email]]
      H: !FindInMap [Map, Top, Second]
      I: !Base64 plain
      J: !ImportValue Exported
      K: !Not [!Equals [!Ref P, ""]]
      L: !And [!Condition C1, !Or [!Condition C2, !Condition C3]]
      M: !GetAZs ""
`);

    // Act
    const template = parseTemplate(source);

    // Assess
    expect(template.Resources.Thing?.Properties).toEqual({
      A: { Ref: 'Param' },
      B: { 'Fn::Sub': '${AWS::StackName}-x' },
      C: { 'Fn::Sub': ['${a}-b', { a: { Ref: 'Param' } }] },
      D: { 'Fn::GetAtt': ['Res', 'Arn'] },
      E: { 'Fn::GetAtt': ['Res', 'Attr.Nested'] },
      F: { 'Fn::If': ['Cond', { 'Fn::Join': [',', ['a', 'b']] }, { Ref: 'AWS::NoValue' }] },
      G: { 'Fn::Select': [1, { 'Fn::Split': ['@', { Ref: 'Email' }] }] },
      H: { 'Fn::FindInMap': ['Map', 'Top', 'Second'] },
      I: { 'Fn::Base64': 'plain' },
      J: { 'Fn::ImportValue': 'Exported' },
      K: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'P' }, ''] }] },
      L: {
        'Fn::And': [{ Condition: 'C1' }, { 'Fn::Or': [{ Condition: 'C2' }, { Condition: 'C3' }] }],
      },
      M: { 'Fn::GetAZs': '' },
    });
  });

  it.each([
    [
      'a YAML syntax error, with its line',
      'Resources:\n  A:\n    Type: [unclosed\n',
      /not valid YAML \(line \d+\)/,
    ],
    [
      'a resource without Type',
      resources('  Bucket:\n    Properties: {}\n'),
      /^Resources\.Bucket\.Type: is required/,
    ],
    [
      'Properties that are not a map',
      resources('  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: [1]\n'),
      /^Resources\.Bucket\.Properties: must be a map/,
    ],
    [
      'a non-alphanumeric logical ID',
      resources('  my-bucket:\n    Type: AWS::S3::Bucket\n'),
      /^Resources\.my-bucket: logical IDs/,
    ],
    ['an unknown section', 'Resource:\n  A: { Type: X }\n', /^Resource: unknown top-level section/],
    ['no resources', 'Resources: {}\n', /^Resources: must be a map with at least one resource/],
    ['a duplicate key', resources('  A:\n    Type: X\n  A:\n    Type: Y\n'), /unique/],
  ])('names the problem for %s', (_case, source, message) => {
    // Act
    const parse = () => parseTemplate(source);

    // Assess
    expect(parse).toThrow(TemplateError);
    expect(parse).toThrow(message);
  });
});
