/**
 * Run only by test/harness/dynamodb-local-watch.test.ts, in a nested jest: a test that stays busy
 * (bounded) while the outer test kills this run's DynamoDB Local.
 */
it('waits until the run is stopped from outside', async () => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}, 70_000);
