import type { SentEmail } from './types.js';

interface SesLocalStore {
  emails: Array<{
    messageId: string;
    from: string;
    destination: { to: string[] };
    subject: string;
    body: { text?: string; html?: string };
  }>;
}

interface MotoModelData {
  ses?: {
    Message?: Array<{
      id: string;
      source: string;
      destinations: { ToAddresses?: string[] };
      subject: string;
      body: string;
    }>;
  };
}

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
};

/** Emails recorded by aws-ses-v2-local (`GET /store`). */
export const readSesLocalStore = async (endpoint: string): Promise<SentEmail[]> => {
  const store = await getJson<SesLocalStore>(`${endpoint}/store`);
  return store.emails.map((email) => ({
    messageId: email.messageId,
    from: email.from,
    to: email.destination.to,
    subject: email.subject,
    ...(email.body.text === undefined ? {} : { text: email.body.text }),
    ...(email.body.html === undefined ? {} : { html: email.body.html }),
  }));
};

/** Emails recorded by moto (`GET /moto-api/data.json`); moto keeps a single body part. */
export const readMotoMessages = async (endpoint: string): Promise<SentEmail[]> => {
  const data = await getJson<MotoModelData>(`${endpoint}/moto-api/data.json`);
  return (data.ses?.Message ?? []).map((message) => {
    const isHtml = /<[a-z][\s\S]*>/i.test(message.body);
    return {
      messageId: message.id,
      from: message.source,
      to: message.destinations.ToAddresses ?? [],
      subject: message.subject,
      ...(isHtml ? { html: message.body } : { text: message.body }),
    };
  });
};
