import type { Context } from 'aws-lambda';

/**
 * The context Lambda hands a handler, for the local stack's invocations (the HTTP server, the stream
 * consumers): the function's name, memory and time left before its timeout, counted from the call.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 */
export const lambdaContext = (
  functionName: string,
  { memoryMB = 256, timeoutMs = 30_000, requestId = `local-${Date.now()}` } = {},
): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
