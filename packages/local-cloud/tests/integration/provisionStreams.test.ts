import { afterAll, describe, expect, it } from 'vitest';
import { provisionStack } from '../../src/provision/provisionStack.js';
import { parseTemplate } from '../../src/template/parseTemplate.js';
import { Stack } from '../../src/template/Stack.js';
import { uniqueName, useBackends } from '../../src/testing.js';

// SAM `DynamoDB` events become stream mappings bound to the table's real stream ARN.
const { clients } = useBackends();
afterAll(() => clients.destroy());

const template = (events: string) => `
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
  Plain:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
  Failures:
    Type: AWS::SQS::Queue
  Publisher:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: index.handler
      Runtime: nodejs24.x
      Events:
${events}
`;

const provision = (source: string) =>
  provisionStack(new Stack(parseTemplate(source), { stackName: uniqueName('streams') }), clients, {
    templateDir: '/tmp',
  });

describe('DynamoDB event provisioning', () => {
  it('maps a DynamoDB event to the stream the backend reports, with its settings', async () => {
    // Act
    const model = await provision(
      template(`
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: LATEST
            BatchSize: 25
            MaximumBatchingWindowInSeconds: 1
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 10
            MaximumRecordAgeInSeconds: 3600
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"eventName":["INSERT"]}'
            DestinationConfig:
              OnFailure: { Type: SQS, Destination: !GetAtt Failures.Arn }`),
    );

    // Assess
    const table = model.tables.get('Orders');
    expect(table?.streamArn).toMatch(/:table\/.+\/stream\/\d{4}-\d\d-\d\dT/);
    expect(table?.streamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(model.tables.get('Plain')?.streamArn).toBeUndefined();
    expect(model.streamMappings).toEqual([
      {
        id: 'PublisherChanges',
        functionId: 'Publisher',
        tableId: 'Orders',
        streamArn: table?.streamArn,
        startingPosition: 'LATEST',
        batchSize: 25,
        maximumBatchingWindowSeconds: 1,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 10,
        maximumRecordAgeSeconds: 3600,
        reportBatchItemFailures: true,
        enabled: true,
        filters: [{ eventName: ['INSERT'] }],
        onFailureQueueId: 'Failures',
      },
    ]);
    expect(model.warnings).toEqual([]);
  });

  it('rejects a starting position streams do not have, and warns about a table without a stream', async () => {
    // Act
    const invalid = await provision(
      template(`
        Changes:
          Type: DynamoDB
          Properties: { Stream: !GetAtt Orders.StreamArn, StartingPosition: AT_TIMESTAMP }`),
    ).catch((error: Error) => error);
    const unstreamed = await provision(
      template(`
        Changes:
          Type: DynamoDB
          Properties: { Stream: !GetAtt Plain.StreamArn, StartingPosition: TRIM_HORIZON }`),
    );

    // Assess
    expect(invalid).toBeInstanceOf(Error);
    expect((invalid as Error).message).toMatch(/StartingPosition: must be TRIM_HORIZON or LATEST/);
    expect(unstreamed.streamMappings).toEqual([]);
    expect(unstreamed.warnings.join('\n')).toMatch(/is not the stream of a table of this template/);
  });
});
