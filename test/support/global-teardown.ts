/** Stops the run's DynamoDB Local; its watchdog also kills java if jest dies before getting here. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__dynamoDbLocal?.stop();
}
