import type { RouteModel } from '../../provision/model.js';

/** A route that matched a request, with its path parameters. */
export interface RouteMatch {
  route: RouteModel;
  pathParameters: Record<string, string>;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

const parse = (path: string): Segment[] =>
  path
    .split('/')
    .slice(1)
    .map((part) => {
      const greedy = /^\{(\w+)\+\}$/.exec(part);
      if (greedy) return { kind: 'greedy', name: greedy[1] as string };
      const param = /^\{(\w+)\}$/.exec(part);
      if (param) return { kind: 'param', name: param[1] as string };
      return { kind: 'literal', value: part };
    });

const decode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const matchPath = (segments: Segment[], parts: string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[segment.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decode(part);
    }
  }
  return segments.length === parts.length ? params : undefined;
};

// HTTP API prefers the most specific route: literal segments over {param} over {greedy+},
// compared segment by segment from the left, then a specific method over ANY.
const rank = (segments: Segment[]): number[] =>
  segments.map((s) => (s.kind === 'literal' ? 3 : s.kind === 'param' ? 2 : 1));

const compareRanks = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (b[i] ?? 0) - (a[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};

/**
 * Pick the route for a request as HTTP API does; `$default` catches what nothing else
 * matches. Path parameter values are URL-decoded.
 *
 * @example
 * matchRoute(routes, 'GET', '/orders/o-1'); // { route: GET /orders/{orderId}, pathParameters: { orderId: 'o-1' } }
 */
export const matchRoute = (
  routes: RouteModel[],
  method: string,
  rawPath: string,
): RouteMatch | undefined => {
  const parts = rawPath.split('/').slice(1);
  const candidates: Array<{ match: RouteMatch; rank: number[]; anyMethod: boolean }> = [];
  for (const route of routes) {
    if (route.path === '$default') continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const segments = parse(route.path);
    const pathParameters = matchPath(segments, parts);
    if (pathParameters === undefined) continue;
    candidates.push({
      match: { route, pathParameters },
      rank: rank(segments),
      anyMethod: route.method === 'ANY',
    });
  }
  candidates.sort(
    (a, b) => compareRanks(a.rank, b.rank) || Number(a.anyMethod) - Number(b.anyMethod),
  );
  const best = candidates[0];
  if (best) return best.match;
  const fallback = routes.find((route) => route.path === '$default');
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
};
