// The mapping: every sample event in events/ (and a fixture for functions without one), the
// built function it belongs to, and what must come of invoking it. Cases run in this order,
// each service's against one warm environment per function; later cases build on earlier
// ones (the order placed first is read, listed and cancelled; the thumbnails made by the
// put are removed by the delete).
import { emailCases } from './email.ts';
import { indexerCases } from './indexer.ts';
import { DEV_SIGNING_KEY, ordersApiCases } from './ordersApi.ts';
import { ordersPublisherCases } from './ordersPublisher.ts';
import { thumbnailsCases } from './thumbnails.ts';
import type { Case, StackProfile } from './types.ts';

/**
 * The stacks the samples were written for. Resource names come from the stack name (bucket
 * names from the BucketNamePrefix parameter: `${BucketNamePrefix}-uploads-${AWS::AccountId}-
 * ${AWS::Region}`), account and region, and the samples name those resources, so each group of
 * samples gets the stack it names.
 */
export const STACK_PROFILES: Record<string, StackProfile> = {
  // events/orders-api, events/email, events/thumbnails (bucket shop-dev-uploads-123456789012-us-east-1)
  'shop-dev': {
    stackName: 'shop-dev',
    accountId: '123456789012',
    region: 'us-east-1',
    parameterOverrides: { BucketNamePrefix: 'shop-dev' },
    secrets: { SigningKeySecret: DEV_SIGNING_KEY },
  },
  // A second run of events/orders-api/publisherBatchWithBadRecord.json, on queues no earlier
  // case has sent to: on shop-dev, SQS drops the batch's events that the single-record cases
  // already sent (same deduplication ids within five minutes).
  'shop-events': {
    stackName: 'shop-events',
    accountId: '123456789012',
    region: 'us-east-1',
    parameterOverrides: { BucketNamePrefix: 'shop-events' },
  },
  // events/indexer (bucket shop-uploads-123456789012-eu-west-1)
  'shop-eu': { stackName: 'shop', accountId: '123456789012', region: 'eu-west-1' },
};

export const CASES: Case[] = [
  ...ordersApiCases,
  ...ordersPublisherCases,
  ...emailCases,
  ...thumbnailsCases,
  ...indexerCases,
];

export type { Case, CaseContext, StackProfile } from './types.ts';
