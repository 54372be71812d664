import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The credential chain of the engine's Lambda bundles: lib/lambda-function.ts bundles this module
 * in place of `@aws-sdk/credential-provider-node` (an esbuild alias), for every AWS SDK client and
 * for our signed requests (./aws-requests.ts).
 *
 * On Lambda the execution role's credentials are always in the environment: the runtime sets
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN before the handler loads
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * and the SDK's default chain takes them first. The rest of that chain (SSO, shared ini files,
 * processes, web identity, container and instance metadata, with the STS and SSO clients they call)
 * never runs there, yet is ~130 KB of every bundle, parsed at each cold start.
 *
 * `npm start` and the tests run the handlers unbundled, with the SDK's whole chain.
 */

/**
 * The SDK's `defaultProvider` (the only name its clients import from the chain's package), reading
 * the environment alone; without credentials there it throws the SDK's own CredentialsProviderError.
 */
export const defaultProvider = (init: FromEnvInit = {}): AwsCredentialIdentityProvider => fromEnv(init);
