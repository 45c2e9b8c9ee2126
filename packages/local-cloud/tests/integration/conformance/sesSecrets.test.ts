import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
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

  it('treats a PutSecretValue retried with the same ClientRequestToken as the one call', async () => {
    // Prepare
    const name = uniqueName('conformance/retried-put');
    const created = await clients.secretsManager.send(
      new CreateSecretCommand({ Name: name, SecretString: 'one' }),
    );
    const put = { SecretId: name, SecretString: 'two', ClientRequestToken: randomUUID() };
    const first = await clients.secretsManager.send(new PutSecretValueCommand(put));

    // Act
    const retried = await clients.secretsManager.send(new PutSecretValueCommand(put));
    const otherValue = clients.secretsManager.send(
      new PutSecretValueCommand({ ...put, SecretString: 'three' }),
    );
    await expect(otherValue).rejects.toBeInstanceOf(ResourceExistsException);
    const current = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: name }),
    );
    const previous = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );

    // Assess: one new version; the original value is still AWSPREVIOUS
    expect(first.VersionId).toBe(put.ClientRequestToken);
    expect(retried).toMatchObject({ VersionId: first.VersionId, VersionStages: ['AWSCURRENT'] });
    expect(current).toMatchObject({ SecretString: 'two', VersionId: first.VersionId });
    expect(previous).toMatchObject({ SecretString: 'one', VersionId: created.VersionId });
  });

  it('treats a CreateSecret retried with the same ClientRequestToken as the one call', async () => {
    // Prepare
    const create = {
      Name: uniqueName('conformance/retried-create'),
      SecretString: 'one',
      ClientRequestToken: randomUUID(),
    };
    const first = await clients.secretsManager.send(new CreateSecretCommand(create));

    // Act
    const retried = await clients.secretsManager.send(new CreateSecretCommand(create));
    const otherToken = clients.secretsManager.send(
      new CreateSecretCommand({ ...create, ClientRequestToken: randomUUID() }),
    );
    await expect(otherToken).rejects.toBeInstanceOf(ResourceExistsException);
    const described = await clients.secretsManager.send(
      new DescribeSecretCommand({ SecretId: create.Name }),
    );

    // Assess
    expect(retried).toMatchObject({ ARN: first.ARN, VersionId: create.ClientRequestToken });
    expect(described.VersionIdsToStages).toEqual({ [create.ClientRequestToken]: ['AWSCURRENT'] });
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expect(
      clients.secretsManager.send(new GetSecretValueCommand({ SecretId: uniqueName('missing') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
