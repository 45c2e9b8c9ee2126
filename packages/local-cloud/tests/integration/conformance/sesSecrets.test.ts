import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ensureEmailIdentity } from '../../../src/resources.js';
import { uniqueName, useBackends } from '../../../src/testing.js';
import { embeddedGap } from './support.js';

// SES v2 and Secrets Manager as a service uses them, on the embedded backends and on moto.
const { backends, clients } = useBackends();
afterAll(() => clients.destroy());

describe('SES v2 conformance', () => {
  it('sends a simple email that the backend records', async () => {
    // Prepare
    const from = 'shop@example.com';
    await ensureEmailIdentity(clients, from);
    const subject = `Bestellung ${uniqueName('o')} 🙏`;

    // Act
    const sent = await clients.ses.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: 'Danke für deine Bestellung 🙏', Charset: 'UTF-8' } },
          },
        },
      }),
    );

    // Assess
    expect(sent.MessageId).toEqual(expect.any(String));
    await vi.waitFor(
      async () => {
        const mail = (await backends.sentEmails()).find((email) => email.subject === subject);
        expect(mail).toMatchObject({ from, to: ['ada@example.com'] });
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  // Gap: aws-ses-v2-local accepts any sender; SES (and moto) refuse one that is not verified.
  (embeddedGap(backends) ? it.fails : it)(
    'refuses a sender that is not a verified identity',
    async () => {
      const sent = clients.ses.send(
        new SendEmailCommand({
          FromEmailAddress: `${uniqueName('nobody')}@unverified.example`,
          Destination: { ToAddresses: ['ada@example.com'] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
        }),
      );

      await expect(sent).rejects.toMatchObject({ name: 'MessageRejected' });
    },
  );
});

describe('Secrets Manager conformance', () => {
  it('keeps the previous value under AWSPREVIOUS after PutSecretValue', async () => {
    // Prepare
    const name = uniqueName('conformance/signing-key');
    const created = await clients.secretsManager.send(
      new CreateSecretCommand({ Name: name, SecretString: '{"key":"one"}' }),
    );

    // Act
    const put = await clients.secretsManager.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: '{"key":"two"}' }),
    );
    const current = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: name }),
    );
    const previous = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );
    const byArn = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: created.ARN }),
    );
    const described = await clients.secretsManager.send(
      new DescribeSecretCommand({ SecretId: name }),
    );

    // Assess
    expect(current).toMatchObject({ SecretString: '{"key":"two"}', VersionId: put.VersionId });
    expect(current.VersionStages).toContain('AWSCURRENT');
    expect(previous).toMatchObject({ SecretString: '{"key":"one"}', VersionId: created.VersionId });
    expect(byArn.SecretString).toBe('{"key":"two"}');
    expect(described.VersionIdsToStages?.[put.VersionId ?? '']).toContain('AWSCURRENT');
    expect(described.VersionIdsToStages?.[created.VersionId ?? '']).toContain('AWSPREVIOUS');
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expect(
      clients.secretsManager.send(new GetSecretValueCommand({ SecretId: uniqueName('missing') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
