import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultRuleError } from './errors.js';
import type { FaultSet } from './FaultSet.js';

/** Where every fault proxy serves the control API (no S3 bucket name starts with `_`). */
export const FAULT_CONTROL_PATH = '/_faults';

const isLoopback = (address: string | undefined) =>
  address !== undefined &&
  (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));

const send = (res: ServerResponse, status: number, value: unknown) => {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(body.length),
  });
  res.end(body);
};

const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

/**
 * The control API, loopback callers only:
 * `GET /_faults` (every rule with its counters), `POST /_faults[?owner=o]` (a rule, a list or
 * `{ rules }`; answers the added rules), `GET|DELETE /_faults/<id>`, `DELETE
 * /_faults[?owner=o]` (every rule, or the owner's).
 */
export const handleFaultControl = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  faults: FaultSet,
): Promise<void> => {
  if (!isLoopback(req.socket.remoteAddress)) {
    send(res, 403, { message: 'the fault control API answers loopback callers only' });
    return;
  }
  const id = decodeURIComponent(url.pathname.slice(FAULT_CONTROL_PATH.length + 1));
  const owner = url.searchParams.get('owner') ?? undefined;
  const method = req.method ?? 'GET';
  if (id === '') {
    if (method === 'GET') return send(res, 200, { rules: faults.list() });
    if (method === 'DELETE') return send(res, 200, { removed: faults.clear(owner) });
    if (method === 'POST') {
      let input: unknown;
      try {
        input = await readJson(req);
      } catch (error) {
        return send(res, 400, { message: `not JSON: ${(error as Error).message}` });
      }
      const list =
        typeof input === 'object' && input !== null && 'rules' in input
          ? (input as { rules: unknown }).rules
          : input;
      const rules = Array.isArray(list) ? list : [list];
      const added: string[] = [];
      try {
        for (const rule of rules) added.push(faults.add(rule, owner).id);
      } catch (error) {
        for (const ruleId of added) faults.remove(ruleId);
        if (!(error instanceof FaultRuleError)) throw error;
        return send(res, 400, { message: error.message, field: error.field });
      }
      return send(res, 201, { rules: added.map((ruleId) => faults.stats(ruleId)) });
    }
    return send(res, 405, { message: `${method} ${FAULT_CONTROL_PATH}: use GET, POST or DELETE` });
  }
  const stats = faults.stats(id);
  if (stats === undefined) return send(res, 404, { message: `no fault rule ${id}` });
  if (method === 'GET') return send(res, 200, stats);
  if (method === 'DELETE') {
    faults.remove(id);
    return send(res, 200, stats);
  }
  return send(res, 405, { message: `${method} ${FAULT_CONTROL_PATH}/${id}: use GET or DELETE` });
};
