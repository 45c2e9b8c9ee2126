import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionStack } from '../../src/provision/provisionStack.js';
import { parseTemplate } from '../../src/template/parseTemplate.js';
import { Stack } from '../../src/template/Stack.js';
import { uniqueName, useBackends } from '../../src/testing.js';

const { clients } = useBackends();
afterAll(() => clients.destroy());

const provision = (source: string) =>
  provisionStack(new Stack(parseTemplate(source), { stackName: uniqueName('prov') }), clients, {
    templateDir: '/tmp',
  });

/** The message provisioning fails with, caught at once (a template that provisions: 'ok'). */
const refusal = (source: string): Promise<string> =>
  provision(source).then(
    () => 'ok',
    (error: unknown) => (error as Error).message,
  );

describe('provisionStack', () => {
  it('creates tables, queues with redrive and secrets, and resolves function environments against them', async () => {
    // Act
    const model = await provision(`
Parameters:
  Sender: { Type: String, Default: orders@example.com }
Resources:
  Media:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: key, AttributeType: S }
        - { AttributeName: productId, AttributeType: S }
      KeySchema: [{ AttributeName: key, KeyType: HASH }]
      GlobalSecondaryIndexes:
        - IndexName: byProduct
          KeySchema: [{ AttributeName: productId, KeyType: HASH }]
          Projection: { ProjectionType: ALL }
      TimeToLiveSpecification: { AttributeName: expiresAt, Enabled: true }
  DeadLetters:
    Type: AWS::SQS::Queue
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 90
      RedrivePolicy: { deadLetterTargetArn: !GetAtt DeadLetters.Arn, maxReceiveCount: 3 }
  Key:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nowhere/
      Handler: index.handler
      Runtime: nodejs24.x
      Environment:
        Variables:
          TABLE: !Ref Media
          QUEUE_URL: !Ref Work
          QUEUE_ARN: !GetAtt Work.Arn
          SECRET: !Ref Key
          SENDER_EMAIL: !Ref Sender
      Events:
        Work:
          Type: SQS
          Properties: { Queue: !GetAtt Work.Arn, BatchSize: 5, FunctionResponseTypes: [ReportBatchItemFailures] }
        Notifications:
          Type: SNS
          Properties: { Topic: arn:aws:sns:us-east-1:000000000000:topic }
  Machine:
    Type: AWS::StepFunctions::StateMachine
  Other:
    Type: AWS::StepFunctions::StateMachine
`);

    // Assess
    const table = model.tables.get('Media');
    const work = model.queues.get('Work');
    const secret = model.secrets.get('Key');
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: table?.name }),
    );
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byProduct']);
    expect(table?.timeToLiveAttribute).toBe('expiresAt');
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: work?.url,
        AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
      }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('90');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: model.queues.get('DeadLetters')?.arn,
      maxReceiveCount: 3,
    });
    const stored = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secret?.arn }),
    );
    expect(stored.SecretString).toBe(secret?.value);
    expect(secret?.value).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(model.functions.get('Fn')?.environment).toEqual({
      TABLE: table?.name,
      QUEUE_URL: work?.url,
      QUEUE_ARN: work?.arn,
      SECRET: secret?.arn,
      SENDER_EMAIL: 'orders@example.com',
    });
    expect(model.emailIdentities).toContain('orders@example.com');
    expect(model.sqsMappings).toEqual([
      expect.objectContaining({
        functionId: 'Fn',
        queueId: 'Work',
        batchSize: 5,
        reportBatchItemFailures: true,
      }),
    ]);
    expect(model.warnings).toEqual([
      'Resources.Fn.Properties.Events.Notifications: event type SNS is not delivered locally',
      'AWS::StepFunctions::StateMachine is not emulated locally (Machine, Other); references to it resolve to placeholders',
    ]);
  });

  it('names the resource and field of a malformed resource', async () => {
    // Act
    const result = provision(`
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
`);

    // Assess
    await expect(result).rejects.toThrow('Resources.Orders.Properties.KeySchema: is required');
  });

  it('refuses an event pattern or filter AWS would refuse, naming where it is', async () => {
    // Act: a filter whose matcher takes a list where AWS takes one string.
    const filter = await refusal(`
Resources:
  Work:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nowhere/
      Handler: index.handler
      Runtime: nodejs24.x
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Work.Arn
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": [{"prefix": ["a", "b"]}]}}'
`);
    const rule = await refusal(`
Resources:
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { detail: { size: [{ numeric: ['>', ten] }] } }
`);

    // Assess
    expect(filter).toContain(
      'Resources.Fn.Properties.Events.Jobs.Properties.FilterCriteria.Filters[0].Pattern: body.kind[0]: prefix takes a string',
    );
    expect(rule).toContain(
      'Resources.Rule.Properties.EventPattern: detail.size[0]: numeric takes pairs',
    );
  });

  it('refuses an SQS mapping AWS refuses: a Timeout over the visibility timeout, a FIFO batch over 10', async () => {
    // Act
    const slowFunction = await refusal(`
Globals:
  Function: { Runtime: nodejs24.x, Handler: index.handler, CodeUri: nowhere/, Timeout: 60 }
Resources:
  Work:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Jobs: { Type: SQS, Properties: { Queue: !GetAtt Work.Arn } }
`);
    const slowMapping = await refusal(`
Resources:
  Work:
    Type: AWS::SQS::Queue
    Properties: { VisibilityTimeout: 40 }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { Runtime: nodejs24.x, Handler: index.handler, Code: { ZipFile: x }, Timeout: 45 }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt Work.Arn }
`);
    const fifoBatch = await refusal(`
Resources:
  Events:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nowhere/
      Handler: index.handler
      Runtime: nodejs24.x
      Events:
        Jobs:
          Type: SQS
          Properties: { Queue: !GetAtt Events.Arn, BatchSize: 11, MaximumBatchingWindowInSeconds: 1 }
`);
    const fifoWindow = await refusal(`
Resources:
  Events:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nowhere/
      Handler: index.handler
      Runtime: nodejs24.x
      Events:
        Jobs:
          Type: SQS
          Properties: { Queue: !GetAtt Events.Arn, BatchSize: 10, MaximumBatchingWindowInSeconds: 1 }
`);

    // Assess
    expect(slowFunction).toContain(
      'Resources.Fn.Properties.Events.Jobs.Properties.Queue: Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds',
    );
    expect(slowMapping).toContain(
      'Resources.Mapping.Properties.EventSourceArn: Queue visibility timeout: 40 seconds is less than Function timeout: 45 seconds',
    );
    expect(fifoBatch).toBe(
      'Resources.Fn.Properties.Events.Jobs.Properties.BatchSize: must be 1..10 for a FIFO queue (Events)',
    );
    expect(fifoWindow).toBe(
      'Resources.Fn.Properties.Events.Jobs.Properties.MaximumBatchingWindowInSeconds: Batching window is not supported for FIFO queues (Events): leave it out',
    );
  });

  it('accepts SQS mappings within the limits: default timeouts, large standard batches, 10 from FIFO', async () => {
    // Act
    const model = await provision(`
Globals:
  Function: { Runtime: nodejs24.x, Handler: index.handler, CodeUri: nowhere/ }
Resources:
  Work:
    Type: AWS::SQS::Queue
  Events:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true, VisibilityTimeout: 30 }
  Quick:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Jobs:
          Type: SQS
          Properties: { Queue: !GetAtt Work.Arn, BatchSize: 10000, MaximumBatchingWindowInSeconds: 1 }
  AsSlowAsAllowed:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 30
      Events:
        Events: { Type: SQS, Properties: { Queue: !GetAtt Events.Arn, BatchSize: 10 } }
`);

    // Assess
    expect(model.sqsMappings.map(({ functionId, batchSize }) => [functionId, batchSize])).toEqual([
      ['Quick', 10_000],
      ['AsSlowAsAllowed', 10],
    ]);
  });

  it('carries the message group of a FIFO queue target, and refuses such a target without one', async () => {
    // Act
    const rule = (sqsParameters: string) => `
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true }
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { source: [shop.orders] }
      Targets:
        - { Id: Orders, Arn: !GetAtt Orders.Arn${sqsParameters} }
`;
    const model = await provision(rule(', SqsParameters: { MessageGroupId: orders }'));
    const ungrouped = await refusal(rule(''));

    // Assess
    expect(model.rules[0]?.targets).toEqual([
      { id: 'Orders', kind: 'queue', resourceId: 'Orders', messageGroupId: 'orders' },
    ]);
    expect(ungrouped).toBe(
      'Resources.Rule.Properties.Targets[0].SqsParameters.MessageGroupId: is required for a FIFO queue target (Orders)',
    );
  });

  it('reports a circular dependency between resources', async () => {
    // Act
    const result = provision(`
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !GetAtt B.QueueName }
  B:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !GetAtt A.QueueName }
`);

    // Assess
    await expect(result).rejects.toThrow('Resources: circular dependency between resources: A, B');
  });

  it('configures the implicit HTTP API from Globals.HttpApi, after the authorizer function', async () => {
    // Act: the route's function comes before its authorizer in the template.
    const model = await provision(`
Globals:
  Function: { Runtime: nodejs24.x, Handler: index.handler, CodeUri: nowhere/ }
  HttpApi:
    CorsConfiguration: { AllowOrigins: ['https://shop.example'], AllowMethods: [GET] }
    Auth:
      DefaultAuthorizer: Lambda
      Authorizers:
        Lambda:
          FunctionArn: !GetAtt Auth.Arn
          AuthorizerPayloadFormatVersion: "2.0"
          EnableSimpleResponses: true
          Identity: { Headers: [Authorization] }
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        List: { Type: HttpApi, Properties: { Path: /orders, Method: GET } }
        Health: { Type: HttpApi, Properties: { Path: /health, Method: GET, Auth: { Authorizer: NONE } } }
  Auth:
    Type: AWS::Serverless::Function
`);

    // Assess
    const api = model.httpApis.get('ServerlessHttpApi');
    expect(api?.authorizers.get('Lambda')?.functionId).toBe('Auth');
    expect(api?.cors?.allowOrigins).toEqual(['https://shop.example']);
    const routes = Object.fromEntries(
      (api?.routes ?? []).map((route) => [route.routeKey, route.authorizer]),
    );
    expect(routes).toEqual({ 'GET /orders': 'Lambda', 'GET /health': undefined });
  });

  it('does not read an HTTP API definition, even one that refers to its own functions', async () => {
    // Act
    const model = await provision(`
Globals:
  Function: { Runtime: nodejs24.x, Handler: index.handler, CodeUri: nowhere/ }
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: { Location: openapi.yaml }
      Tags:
        handler: !Sub "\${Orders.Arn}"
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        List: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /orders, Method: GET } }
`);

    // Assess
    expect(model.httpApis.get('Api')?.routes.map((route) => route.routeKey)).toEqual([
      'GET /orders',
    ]);
  });

  it('resolves !Ref Fn.Alias of AutoPublishAlias functions, for notifications and authorizers', async () => {
    // Act
    const model = await provision(`
Globals:
  Function: { Runtime: nodejs24.x, Handler: index.handler, CodeUri: nowhere/, AutoPublishAlias: live }
Resources:
  Thumbs:
    Type: AWS::Serverless::Function
  Auth:
    Type: AWS::Serverless::Function
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Lambda
        Authorizers:
          Lambda:
            FunctionArn: !Ref Auth.Alias
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
  Uploads:
    Type: AWS::S3::Bucket
    DependsOn: ThumbsPermission
    Properties:
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !Ref Thumbs.Alias
  ThumbsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Thumbs.Alias
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::uploads
`);

    // Assess
    const bucket = [...model.buckets.values()][0];
    expect(bucket?.notifications.map((n) => n.target)).toEqual([
      { kind: 'function', functionId: 'Thumbs' },
    ]);
    const api = [...model.httpApis.values()][0];
    expect(api?.authorizers.get('Lambda')?.functionId).toBe('Auth');
  });
});
