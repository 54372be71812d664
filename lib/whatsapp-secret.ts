import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The one secret the engine reads: a JSON object with appSecret, verifyToken, accessToken and
 * apiTokens. The deploy generates the verify token; the operator puts in Meta's app secret, the
 * access token and the API tokens afterwards (README: "After the first deploy").
 */
export class WhatsAppSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'WhatsApp session engine: appSecret, verifyToken, accessToken, apiTokens',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ appSecret: '', accessToken: '', apiTokens: '' }),
        generateStringKey: 'verifyToken',
        excludePunctuation: true,
        passwordLength: 32,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'SecretArn', {
      value: this.secret.secretArn,
      description: 'Put appSecret, accessToken and apiTokens in this secret after the first deploy',
    });
  }
}
