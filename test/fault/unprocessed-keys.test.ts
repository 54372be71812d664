import type { BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { tableStores } from '../support/stores.ts';

/**
 * DynamoDB may answer a BatchGetItem with some keys unprocessed (throttling, or a response over
 * 16 MB: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 * DynamoDB Local never does, so a middleware on a real client to DynamoDB Local moves every item
 * of the next `throttled` BatchGetItem answers into UnprocessedKeys, as a throttled table would.
 * A key left out would read as an item that is not there: a known user would become a new contact.
 */
const T = 1_780_000_000;

const client = testDocumentClient();
const fault = { throttled: 0 };
client.middlewareStack.add(
  (next) => async (args) => {
    const result = await next(args);
    const output = result.output as Partial<BatchGetItemCommandOutput>;
    const items = output.Responses?.[TEST_TABLE_NAME];
    if (fault.throttled === 0 || items === undefined || items.length === 0) return result;
    fault.throttled -= 1;
    output.UnprocessedKeys = {
      [TEST_TABLE_NAME]: { Keys: items.map(({ pk, sk }) => ({ pk: pk!, sk: sk! })), ConsistentRead: true },
    };
    output.Responses = { [TEST_TABLE_NAME]: [] };
    return result;
  },
  // After the document client's marshalling (initialize) and before it reads the answer: the
  // output here is DynamoDB's own wire form.
  { step: 'serialize', name: 'throttleBatchGet' },
);
const { contacts } = tableStores(client);

/** A user known by both ids, linked into one contact with a window open since T. */
const knownUser = async () => {
  fault.throttled = 0;
  const phoneNumberId = uniquePhoneNumberId();
  const waId = uniqueWaId();
  const userId = `US.${waId}`;
  const contact = await contacts.resolveContact(phoneNumberId, { waId, userId });
  await contacts.extendWindow(contact, T);
  return { phoneNumberId, waId, userId, contact };
};

afterEach(() => {
  fault.throttled = 0;
});

it('asks again for the keys DynamoDB left unprocessed, and finds the known contact', async () => {
  const { phoneNumberId, waId, contact } = await knownUser();
  const expected = await contacts.resolveContact(phoneNumberId, { waId });
  fault.throttled = 2;
  const resolved = await contacts.resolveContact(phoneNumberId, { waId });
  expect(fault.throttled).toBe(0);
  expect(resolved).toEqual(expected);
  expect(resolved.contactId).toBe(contact.contactId);
});

it('fails, and writes nothing, when the keys stay unprocessed', async () => {
  const { phoneNumberId, userId } = await knownUser();
  const otherWaId = uniqueWaId();
  fault.throttled = Number.MAX_SAFE_INTEGER;
  await expect(contacts.resolveContact(phoneNumberId, { waId: otherWaId, userId })).rejects.toMatchObject({
    name: 'ProvisionedThroughputExceededException',
  });
  fault.throttled = 0;
  const { Item } = await client.send(
    new GetCommand({
      TableName: TEST_TABLE_NAME,
      Key: keys.userAlias(phoneNumberId, otherWaId),
      ConsistentRead: true,
    }),
  );
  expect(Item).toBeUndefined();
});
