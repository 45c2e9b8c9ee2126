// Stands in for @aws-sdk/credential-provider-node in every bundle (shop-bundle aliases it):
// Lambda hands a function its execution role's credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the SDK's default chain
// (profile files, SSO, web identity, process, ECS/EC2 metadata) is dead code there, and with
// it @aws-sdk/nested-clients (the STS/SSO/SSO-OIDC clients those providers build on).
// Only the environment provider stays, with an error that says what to set.
import { fromEnv } from '@aws-sdk/credential-provider-env';

const MISSING =
  'No AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set ' +
  '(Lambda sets them from the execution role; local runners and tests must pass them in the ' +
  "function's environment). This bundle reads credentials from the environment only: " +
  'shop-bundle replaces the SDK default chain (profiles, SSO, web identity, container and ' +
  'instance metadata) with it; pass `credentials` to the client to use another source.';

/** The SDK's `credentialDefaultProvider`: the environment, nothing else. */
export const defaultProvider = (init = {}) => {
  const provider = fromEnv(init);
  return async () => {
    try {
      return await provider();
    } catch (error) {
      const failure = new Error(MISSING, { cause: error });
      failure.name = 'CredentialsProviderError';
      throw failure;
    }
  };
};
