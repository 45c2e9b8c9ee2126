import { AppError, BadRequestError, toHttpResponse } from '@shop/common/errors';
import { type HttpResponse, jsonResponse } from '@shop/common/http';
import type { Logger } from '@shop/common/logger';
import * as z from '@shop/common/validation';
import {
  AuthenticationError,
  authorizedCaller,
  wwwAuthenticate,
} from '@shop/contracts/authorizerContext';
import { parseUploadKey, UPLOADS_PREFIX } from '@shop/contracts/mediaKeys';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { MEDIA_PAGE } from '../domain/constants.js';
import { type ListProductMediaInput, listProductMedia } from '../domain/listProductMedia.js';
import type { LiveMediaItem } from '../domain/MediaItem.js';
import type { MediaCatalog } from '../domain/ports.js';
import type { MediaItemBody, MediaPageBody } from './mediaApiSchemas.js';
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from './mediaCursor.js';

// GET /products/{productId}/media: parse -> use case -> response, three named steps.
//
// Access: any caller the OrdersApi authorizer accepts (a valid shop JWT). Product media are
// storefront data, not one customer's; the tokens carry no merchant claim, so a merchant-only
// scope would need one (and a second authorizer rule) first. The function checks the
// authorizer's context once more, as the orders routes do.

/** The request as API Gateway (HTTP API, payload 2.0, Lambda authorizer) delivers it. */
export type MediaApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: unknown };
  };
};

/** The query string (openapi.yaml documents the same bounds). */
const mediaQuerySchema = z.object({
  limit: z._default(
    z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(MEDIA_PAGE.maxLimit))),
    MEDIA_PAGE.defaultLimit,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH))),
});

const validProductId = (productId: string | undefined): productId is string =>
  productId !== undefined &&
  !productId.includes('/') &&
  parseUploadKey(`${UPLOADS_PREFIX}${productId}/x`)?.productId === productId;

const positionOf = (cursor: string, productId: string): Record<string, unknown> => {
  const position = decodeCursor(cursor, productId);
  if (position !== undefined) return position;
  throw new BadRequestError('cursor is not a cursor of this product', {
    details: [{ field: 'cursor', message: 'invalid' }],
  });
};

/** Parse step: path, query and cursor, or a 400 naming the field. */
export const parseMediaRequest = (event: MediaApiEvent): ListProductMediaInput => {
  const productId = event.pathParameters?.productId;
  if (!validProductId(productId)) {
    throw new BadRequestError('productId is not a product id', {
      details: [{ field: 'productId', message: 'invalid' }],
    });
  }
  const query = z.safeParse(mediaQuerySchema, event.queryStringParameters ?? {});
  if (!query.success) {
    throw new BadRequestError('invalid query parameters', {
      details: query.error.issues.map((issue) => ({
        field: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }
  const { limit, cursor } = query.data;
  return {
    productId,
    limit,
    ...(cursor === undefined ? {} : { after: positionOf(cursor, productId) }),
  };
};

const toItemBody = (item: LiveMediaItem): MediaItemBody => ({
  key: item.key,
  name: item.name,
  status: item.status,
  ...(item.reason === undefined ? {} : { reason: item.reason }),
  ...(item.detail === undefined ? {} : { detail: item.detail }),
  ...(item.contentType === undefined ? {} : { contentType: item.contentType }),
  size: item.size,
  eTag: item.eTag,
  metadata: item.metadata,
  lastModified: item.lastModified,
  ...(item.processedAt === undefined ? {} : { processedAt: item.processedAt }),
  ...(item.thumbnailsBucket === undefined ? {} : { thumbnailsBucket: item.thumbnailsBucket }),
  thumbnails: (item.thumbnails ?? []).map(({ key, width, height, bytes }) => ({
    key,
    width,
    height,
    bytes,
  })),
});

/** What the handler works with. */
export interface MediaApiDependencies {
  catalog: Pick<MediaCatalog, 'listByProduct'>;
  logger: Logger;
  /** The clock the token's expiry is checked against (milliseconds since the epoch). */
  now: () => number;
}

/**
 * The HTTP handler of GET /products/{productId}/media (wrap it with `lambdaHandler` from
 * `@shop/common/lambda`).
 *
 * @example
 * export const handler = lambdaHandler(createMediaApiHandler({ catalog, logger, now: Date.now }), { logger, ... });
 */
export const createMediaApiHandler =
  (deps: MediaApiDependencies) =>
  async (event: MediaApiEvent, context: Context): Promise<HttpResponse> => {
    try {
      const caller = authorizedCaller(event, deps.now());
      if (!caller.ok) throw new AuthenticationError(caller.reason);
      const input = parseMediaRequest(event);
      const page = await listProductMedia(input, deps);
      const body: MediaPageBody = {
        productId: input.productId,
        items: page.items.map(toItemBody),
        nextCursor: page.after === undefined ? null : encodeCursor(page.after),
      };
      return jsonResponse(200, body);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) {
        deps.logger.error('media request failed', { error: error as Error });
      }
      const response = toHttpResponse(error, context.awsRequestId);
      if (error instanceof AuthenticationError) {
        response.headers['www-authenticate'] = wwwAuthenticate(error.reason);
      }
      return response;
    }
  };
