import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { IDEMPOTENCY_KEY_PREFIX, IDEMPOTENCY_TTL_SECONDS } from '../domain/constants.js';
import { IdempotencyKeyReusedError, IdempotentRequestInProgressError } from '../domain/errors.js';
import { type PlaceOrderCommand, type PlaceOrderResult, placeOrder } from '../domain/placeOrder.js';
import type { OrderRepository, Runtime } from '../domain/ports.js';
import { requestFingerprint } from '../domain/requestFingerprint.js';

export interface IdempotentPlaceOrderOptions {
  repository: OrderRepository;
  runtime: Runtime;
  /** The Powertools idempotency store (OrdersIdempotencyTable). */
  persistenceStore: BasePersistenceLayer;
  expiresAfterSeconds?: number;
}

interface KeyedPlaceOrder extends PlaceOrderCommand {
  idempotencyKey: string;
  fingerprint: string;
}

/**
 * POST /orders with the Idempotency-Key contract, on Powertools Idempotency as the email
 * service uses it: the first request with a key runs, later ones get its stored result
 * (`replayed`), a concurrent one gets IdempotentRequestInProgressError (409), a different body
 * IdempotencyKeyReusedError (422). Under it, placeOrder derives the order id from the key and
 * writes it conditionally, so even a crash between the order's write and the idempotency
 * record's completion cannot make a second order: the retry finds the first.
 *
 * @example
 * const placing = createIdempotentPlaceOrder({ repository, runtime, persistenceStore });
 * placing.registerLambdaContext(context);
 * const { order, replayed } = await placing.place({ customer, request, idempotencyKey });
 */
export const createIdempotentPlaceOrder = (options: IdempotentPlaceOrderOptions) => {
  const deps = { repository: options.repository, runtime: options.runtime };
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[customer.id, idempotencyKey]',
    payloadValidationJmesPath: 'fingerprint',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? IDEMPOTENCY_TTL_SECONDS,
    // Called only when the stored result of an earlier request is returned.
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const placeOnce = makeIdempotent(
    async (command: KeyedPlaceOrder): Promise<PlaceOrderResult> =>
      placeOrder(
        {
          customer: command.customer,
          request: command.request,
          idempotencyKey: command.idempotencyKey,
        },
        deps,
      ),
    { persistenceStore: options.persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX },
  );

  return {
    /** Bounds an in-progress record by the invocation's remaining time (call per invocation). */
    registerLambdaContext(context: Context) {
      config.registerLambdaContext(context);
    },
    async place(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
      const { idempotencyKey } = command;
      if (idempotencyKey === undefined) return placeOrder(command, deps);
      try {
        return await placeOnce({
          ...command,
          idempotencyKey,
          fingerprint: requestFingerprint(command.request),
        });
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) {
          throw new IdempotentRequestInProgressError({ cause: error });
        }
        if (error instanceof IdempotencyValidationError) {
          throw new IdempotencyKeyReusedError({ cause: error });
        }
        throw error;
      }
    },
  };
};

export type IdempotentPlaceOrder = ReturnType<typeof createIdempotentPlaceOrder>;
