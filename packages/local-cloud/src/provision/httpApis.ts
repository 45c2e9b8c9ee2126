import { createHash } from 'node:crypto';
import { TemplateError } from '../template/errors.js';
import {
  functionByArn,
  isRecord,
  type ProvisionContext,
  type Provisioner,
  property,
} from './context.js';
import type { AuthorizerModel, CorsModel, HttpApiModel } from './model.js';

/** The logical ID SAM gives the API of HttpApi events without ApiId. */
export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';

const apiIdFor = (logicalId: string) =>
  createHash('sha256')
    .update(logicalId)
    .digest('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 10);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

const identitySources = (auth: Record<string, unknown>): string[] => {
  if (auth.IdentitySource !== undefined) return strings(auth.IdentitySource);
  const identity = isRecord(auth.Identity) ? auth.Identity : {};
  return [
    ...strings(identity.Headers).map((h) => `$request.header.${h}`),
    ...strings(identity.QueryStrings).map((q) => `$request.querystring.${q}`),
    ...strings(identity.Context).map((c) => `$context.${c}`),
    ...strings(identity.StageVariables).map((s) => `$stageVariables.${s}`),
  ];
};

const authorizer = (
  ctx: ProvisionContext,
  name: string,
  auth: unknown,
  path: string,
): AuthorizerModel => {
  if (!isRecord(auth)) throw new TemplateError(path, 'must be a map');
  if (isRecord(auth.JwtConfiguration)) {
    return {
      name,
      kind: 'jwt',
      payloadFormatVersion: '2.0',
      simpleResponses: false,
      identitySource:
        identitySources(auth).length > 0
          ? identitySources(auth)
          : ['$request.header.Authorization'],
      resultTtlSeconds: 0,
      jwt: {
        ...(typeof auth.JwtConfiguration.issuer === 'string'
          ? { issuer: auth.JwtConfiguration.issuer }
          : {}),
        audience: strings(auth.JwtConfiguration.audience),
      },
    };
  }
  const arn = auth.FunctionArn;
  if (typeof arn !== 'string')
    throw new TemplateError(`${path}.FunctionArn`, 'is required (e.g. !GetAtt Fn.Arn)');
  const fn = functionByArn(ctx, arn);
  if (fn === undefined) {
    throw new TemplateError(`${path}.FunctionArn`, `${arn} is not a function of this template`);
  }
  const version = String(auth.AuthorizerPayloadFormatVersion ?? '2.0');
  if (version !== '1.0' && version !== '2.0') {
    throw new TemplateError(`${path}.AuthorizerPayloadFormatVersion`, 'must be 1.0 or 2.0');
  }
  if (version === '1.0')
    ctx.warn(`${path}: payload format 1.0 authorizers are invoked with 2.0 events locally`);
  const identity = isRecord(auth.Identity) ? auth.Identity : {};
  return {
    name,
    kind: 'lambda',
    functionId: fn.logicalId,
    payloadFormatVersion: version,
    simpleResponses: auth.EnableSimpleResponses === true || auth.EnableSimpleResponses === 'true',
    identitySource: identitySources(auth),
    resultTtlSeconds: Number(identity.ReauthorizeEvery ?? auth.AuthorizerResultTtlInSeconds ?? 0),
  };
};

const cors = (value: unknown): CorsModel | undefined => {
  if (value === undefined || value === false) return undefined;
  const config =
    value === true ? { AllowOrigins: ['*'], AllowMethods: ['*'], AllowHeaders: ['*'] } : value;
  if (!isRecord(config)) return undefined;
  return {
    allowOrigins: strings(config.AllowOrigins),
    allowMethods: strings(config.AllowMethods).map((m) => m.toUpperCase()),
    allowHeaders: strings(config.AllowHeaders).map((h) => h.toLowerCase()),
    exposeHeaders: strings(config.ExposeHeaders),
    ...(config.MaxAge === undefined ? {} : { maxAge: Number(config.MaxAge) }),
    allowCredentials: config.AllowCredentials === true || config.AllowCredentials === 'true',
  };
};

/** Register an HTTP API model (explicit resource or SAM's implicit one). */
export const registerHttpApi = (ctx: ProvisionContext, logicalId: string): HttpApiModel => {
  const existing = ctx.model.httpApis.get(logicalId);
  if (existing) return existing;
  const api: HttpApiModel = {
    logicalId,
    apiId: apiIdFor(logicalId),
    routes: [],
    authorizers: new Map(),
  };
  ctx.model.httpApis.set(logicalId, api);
  const { region, urlSuffix } = ctx.stack.info;
  ctx.stack.register(logicalId, {
    ref: api.apiId,
    attributes: {
      ApiEndpoint: `https://${api.apiId}.execute-api.${region}.${urlSuffix}`,
      ApiId: api.apiId,
    },
  });
  return api;
};

/**
 * SAM's implicit API, for function `HttpApi` events without `ApiId`. SAM builds it before it
 * applies Globals, so `Globals.HttpApi` (authorizers, default authorizer, CORS) is its
 * configuration.
 */
export const implicitHttpApi = (ctx: ProvisionContext): HttpApiModel => {
  const existing = ctx.model.httpApis.get(IMPLICIT_HTTP_API);
  if (existing) return existing;
  const globals = ctx.stack.template.Globals?.HttpApi;
  void provisionHttpApi(ctx, {
    id: IMPLICIT_HTTP_API,
    resource: { Type: 'AWS::Serverless::HttpApi', Properties: isRecord(globals) ? globals : {} },
    path: 'Globals.HttpApi',
  });
  return registerHttpApi(ctx, IMPLICIT_HTTP_API);
};

/** AWS::Serverless::HttpApi: authorizers, default authorizer and CORS (routes come from functions). */
export const provisionHttpApi: Provisioner = (ctx, input) => {
  const api = registerHttpApi(ctx, input.id);
  const base = `${input.path}.Properties`;
  const auth = property(ctx, input, 'Auth');
  if (auth !== undefined) {
    if (!isRecord(auth)) throw new TemplateError(`${base}.Auth`, 'must be a map');
    const authorizers = auth.Authorizers ?? {};
    if (!isRecord(authorizers))
      throw new TemplateError(`${base}.Auth.Authorizers`, 'must be a map');
    for (const [name, config] of Object.entries(authorizers)) {
      api.authorizers.set(name, authorizer(ctx, name, config, `${base}.Auth.Authorizers.${name}`));
    }
    if (typeof auth.DefaultAuthorizer === 'string') {
      if (!api.authorizers.has(auth.DefaultAuthorizer)) {
        throw new TemplateError(
          `${base}.Auth.DefaultAuthorizer`,
          `no authorizer named ${auth.DefaultAuthorizer}`,
        );
      }
      api.defaultAuthorizer = auth.DefaultAuthorizer;
    }
    if (auth.EnableIamAuthorizer === true)
      ctx.warn(`${base}.Auth.EnableIamAuthorizer: IAM authorization is not checked locally`);
  }
  const corsModel = cors(property(ctx, input, 'CorsConfiguration'));
  if (corsModel) api.cors = corsModel;
  // Presence only: a definition is not resolved (it may use Fn::Transform, or refer to the
  // functions whose events point at this API).
  const properties = input.resource.Properties ?? {};
  if (properties.DefinitionBody !== undefined || properties.DefinitionUri !== undefined) {
    ctx.warn(
      `${base}.DefinitionBody: OpenAPI definitions are not read locally; only routes from function events are served`,
    );
  }
};
