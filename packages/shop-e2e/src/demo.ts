import { readFile } from 'node:fs/promises';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { backendClients, connectBackends } from '@shop/local-cloud';
import type { DevState } from '@shop/local-cloud/cloud';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/testing/images';
import { DEMO_CUSTOMER, mintToken } from './token.js';

const out = (text: string) => process.stdout.write(`${text}\n`);

// moto keeps only the HTML part of an email: show it as text.
const asText = (html: string) =>
  html
    .replace(/<(style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|h\d|li|tr|div)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/\n\s*\n+/g, '\n')
    .trim();

const poll = async <T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T | undefined> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
};

/** The order the demo places (a valid POST /orders body). */
export const DEMO_ORDER = {
  items: [
    { sku: 'LAMP-ARC-01', quantity: 1, unitPrice: 12_900 },
    { sku: 'BULB-E27-WARM', quantity: 3, unitPrice: 450 },
  ],
  currency: 'EUR',
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Analytical Row',
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
  },
  note: 'Placed by pnpm demo',
};

type Clients = ReturnType<typeof backendClients>;

/** A media catalog item as the indexer writes it (the fields the demo prints). */
interface CatalogItem {
  status: string;
  reason?: string;
  thumbnails?: { key: string; width: number; height: number; bytes: number }[];
}

/**
 * Follow one catalog item until it leaves `processing`: the statuses seen, in order, and the
 * final item (undefined when it never appeared).
 */
const followItem = async (clients: Clients, table: string, key: string) => {
  const seen: string[] = [];
  const item = await poll(async () => {
    const { Item } = await clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { key: { S: key } }, ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const current = unmarshall(Item) as CatalogItem;
    if (seen.at(-1) !== current.status) seen.push(current.status);
    return current.status === 'processing' ? undefined : current;
  });
  return { seen, item };
};

/** The demo customer's token for the running shop, when it has the signing secret and parameters. */
const demoToken = async (state: DevState, clients: Clients): Promise<string | undefined> => {
  const secret = state.secrets.SigningKeySecret;
  const issuer = state.parameters.JwtIssuer;
  const audience = state.parameters.JwtAudience;
  if (secret === undefined || typeof issuer !== 'string' || typeof audience !== 'string')
    return undefined;
  const { SecretString } = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secret.arn }),
  );
  if (!SecretString) return undefined;
  return mintToken({
    key: SecretString,
    issuer,
    audience,
    customerId: DEMO_CUSTOMER.id,
    email: DEMO_CUSTOMER.email,
  });
};

/**
 * `pnpm demo`: against a running `pnpm dev`, upload a sample image and place an order, then
 * show the catalog item going from processing to ready with its thumbnails, a text file named
 * .jpg ending skipped with its reason, and the confirmation email, as they appear.
 */
export const runDemo = async (stateFile: string): Promise<void> => {
  let state: DevState;
  try {
    state = JSON.parse(await readFile(stateFile, 'utf8')) as DevState;
  } catch {
    throw new Error(`no running local cloud found (${stateFile}); start it first with: pnpm dev`);
  }
  const clients = backendClients(connectBackends(state.backends));
  const uploads = state.buckets.UploadsBucket;
  const thumbnails = state.buckets.ThumbnailsBucket;
  const mediaTable = state.tables.MediaTable;
  const key = `uploads/demo-product/front view ${Date.now().toString(36)}.jpg`;
  try {
    if (uploads) {
      out(`1. Upload s3://${uploads}/${key} (${SAMPLE_JPEG_LANDSCAPE.byteLength} bytes)`);
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: uploads,
          Key: key,
          Body: SAMPLE_JPEG_LANDSCAPE,
          ContentType: 'image/jpeg',
        }),
      );
    }
    // Watch the catalog item from the upload on, so its `processing` state is seen too.
    const following =
      uploads && mediaTable ? followItem(clients, mediaTable, key) : Promise.resolve(undefined);
    let orderId: string | undefined;
    const token = await demoToken(state, clients);
    if (state.apiUrl && token) {
      out(`2. POST ${state.apiUrl}/orders as the demo customer`);
      const response = await fetch(`${state.apiUrl}/orders`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify(DEMO_ORDER),
      });
      const body = (await response.json()) as { orderId?: string; total?: number; status?: string };
      orderId = body.orderId;
      out(`   -> ${response.status} ${JSON.stringify(body)}`);
    }
    const followed = await following;
    if (uploads && mediaTable && followed) {
      const { seen, item } = followed;
      out(`3. Catalog item ${key} in ${mediaTable}: ${seen.join(' -> ') || '(not indexed yet)'}`);
      for (const thumbnail of item?.thumbnails ?? []) {
        out(
          `   - s3://${thumbnails}/${thumbnail.key} ${thumbnail.width}x${thumbnail.height} (${thumbnail.bytes} bytes)`,
        );
      }
      // A file that is no image: the catalog says so instead of listing thumbnails.
      const badKey = `uploads/demo-product/not-an-image ${Date.now().toString(36)}.jpg`;
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: uploads,
          Key: badKey,
          Body: 'this is text, not a JPEG',
          ContentType: 'image/jpeg',
        }),
      );
      const bad = await followItem(clients, mediaTable, badKey);
      out(
        `4. ${badKey} (text named .jpg): ${bad.seen.join(' -> ') || '(not indexed yet)'}${bad.item?.reason ? ` (${bad.item.reason})` : ''}, ${bad.item?.thumbnails?.length ?? 0} thumbnails`,
      );
    }
    if (orderId) {
      const email = await poll(async () =>
        (await connectBackends(state.backends).sentEmails()).find((e) =>
          `${e.subject} ${e.text ?? e.html ?? ''}`.includes(orderId),
        ),
      );
      out('5. Confirmation email:');
      out(
        email
          ? `   To: ${email.to.join(', ')}\n   Subject: ${email.subject}\n   ${(email.text ?? asText(email.html ?? '')).split('\n').slice(0, 8).join('\n   ')}`
          : '   (none yet)',
      );
      if (state.backends.mode === 'embedded')
        out(`   All sent emails: ${state.backends.endpoints.ses}/`);
    }
  } finally {
    clients.destroy();
  }
};
