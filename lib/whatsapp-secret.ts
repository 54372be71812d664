import { CfnOutput, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_PLACEHOLDER, secretKinds, secretNames, type SecretName } from '../functions/commons/secret-names.ts';

/** Secrets the deploy can make up itself; the others only Meta issues. */
const GENERATED: readonly SecretName[] = ['verifyToken', 'apiTokens'];

/**
 * The engine's secrets, one Secrets Manager secret per kind, each a plain string, so that each
 * function is granted only the ones its route names. The deploy generates the verify token and a
 * first API token (every scope); Meta's app secret and the Graph access token start as a
 * placeholder the functions read as "not configured" until the operator puts the real value in
 * (README: Deploy).
 */
export class WhatsAppSecrets extends Construct {
  readonly secrets: Record<SecretName, Secret>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const entries = secretNames.map((name) => {
      const secret = new Secret(this, name, {
        description: `WhatsApp session engine: ${secretKinds[name].description}`,
        ...(GENERATED.includes(name)
          ? { generateSecretString: { excludePunctuation: true, passwordLength: 32 } }
          : { secretStringValue: SecretValue.unsafePlainText(SECRET_PLACEHOLDER) }),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Meta issues the app secret and the Graph access token, and the verify token is set at Meta too: no rotation Lambda can change them there. README (Security) gives the manual rotation of each, API tokens included.',
      });
      new CfnOutput(this, `${name}Arn`, {
        value: secret.secretArn,
        description: `${secretKinds[name].description}: put-secret-value on this ARN (README: Deploy)`,
      });
      return [name, secret] as const;
    });
    this.secrets = Object.fromEntries(entries) as Record<SecretName, Secret>;
  }
}
