import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableSchema } from '../functions/commons/store/table-schema.ts';

/**
 * DynamoDB work as DynamoDB itself reports it: a middleware on the handlers' own module-scope
 * client asks every command for `ReturnConsumedCapacity: 'TOTAL'` and adds up the units of each
 * response, per tag. The tag is the bench's label of the request being served (see stack.ts), so
 * concurrent work (e.g. the sandbox's status webhooks during a send) is never mixed in.
 */
export interface Work {
  /** GetItem, BatchGetItem, Query, Scan, TransactGetItems */
  reads: number;
  /** PutItem, UpdateItem, DeleteItem, BatchWriteItem */
  writes: number;
  /** TransactWriteItems requests */
  transactions: number;
  /** items inside those transactions */
  transactionItems: number;
  /** read capacity units DynamoDB reported */
  rcu: number;
  /**
   * write capacity units: as DynamoDB Local reports them for single writes; for transactions as
   * AWS bills them (2 per item and started KB), because DynamoDB Local's figure for a transaction
   * does not follow its items (see transactionWcuReported)
   */
  wcu: number;
  /** what DynamoDB Local itself reported for the transactions, for the record */
  transactionWcuReported: number;
  /**
   * WCU of the history index (a GSI): DynamoDB Local reports no index units, so they are computed by
   * AWS's rule: every write of an item that carries the index keys writes the index too, 1 WCU per
   * started KB of the projected attributes.
   */
  indexWcu: number;
  /** requests that failed (conditional check failures included): DynamoDB reports no capacity for them */
  failed: number;
  /** successful responses that carried no ConsumedCapacity */
  unreported: number;
  byCommand: Record<string, number>;
}

const READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export const emptyWork = (): Work => ({
  reads: 0,
  writes: 0,
  transactions: 0,
  transactionItems: 0,
  rcu: 0,
  wcu: 0,
  transactionWcuReported: 0,
  indexWcu: 0,
  failed: 0,
  unreported: 0,
  byCommand: {},
});

export const addWork = (into: Work, more: Work): Work => {
  into.reads += more.reads;
  into.writes += more.writes;
  into.transactions += more.transactions;
  into.transactionItems += more.transactionItems;
  into.rcu += more.rcu;
  into.wcu += more.wcu;
  into.transactionWcuReported += more.transactionWcuReported;
  into.indexWcu += more.indexWcu;
  into.failed += more.failed;
  into.unreported += more.unreported;
  for (const [name, count] of Object.entries(more.byCommand))
    into.byCommand[name] = (into.byCommand[name] ?? 0) + count;
  return into;
};

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const unitsOf = (consumed: unknown): number | undefined => {
  if (consumed === undefined || consumed === null) return undefined;
  const list = (Array.isArray(consumed) ? consumed : [consumed]) as Capacity[];
  return list.reduce((sum, entry) => sum + Number(entry.CapacityUnits ?? 0), 0);
};

type AttributeValue = Record<string, unknown>;

/** An attribute value's size by DynamoDB's rules (names and values in UTF-8 bytes, numbers ~1 byte per 2 digits). */
const valueSize = (value: AttributeValue): number => {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner));
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\.|^0+/g, '').length / 2) + 1;
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as string[]).reduce((sum, member) => sum + valueSize({ [type.slice(0, 1)]: member }), 0);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, member) => sum + 1 + valueSize(member), 0);
    case 'M':
      return 3 + itemSize(inner as Record<string, AttributeValue>) + Object.keys(inner as object).length;
    default:
      return 1;
  }
};

export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

/**
 * What AWS bills a TransactWriteItems: 2 WCU per item and started KB. A Put's size is its item; an
 * Update's, Delete's or ConditionCheck's is taken as its key and values (a lower bound; the items
 * this engine updates in transactions, aggregate cells, are far below 1 KB).
 */
export const transactionWcu = (body: string): number => {
  const input = JSON.parse(body) as { TransactItems?: Array<Record<string, Record<string, unknown>>> };
  return (input.TransactItems ?? []).reduce((sum, entry) => {
    const [kind, operation] = Object.entries(entry)[0] ?? ['', {}];
    const size =
      kind === 'Put'
        ? itemSize(operation.Item as Record<string, AttributeValue>)
        : itemSize({
            ...(operation.Key as Record<string, AttributeValue>),
            ...((operation.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>),
          });
    return sum + 2 * Math.max(1, Math.ceil(size / 1024));
  }, 0);
};

const history = tableSchema.historyIndex;
const indexed = new Set<string>([
  tableSchema.partitionKey,
  tableSchema.sortKey,
  history.partitionKey,
  history.sortKey,
  ...history.projected,
]);

/** The history index's share of a written item: 1 WCU per started KB of what it projects, 0 when not indexed. */
export const historyIndexWcu = (item: Record<string, AttributeValue> | undefined): number => {
  if (!item || !(history.partitionKey in item)) return 0;
  const projected = Object.fromEntries(Object.entries(item).filter(([name]) => indexed.has(name)));
  return Math.max(1, Math.ceil(itemSize(projected) / 1024));
};

/** Index WCU of a PutItem or TransactWriteItems body (the engine writes message items only with Put). */
export const indexWcuOf = (command: string, body: string): number => {
  const input = JSON.parse(body) as {
    Item?: Record<string, AttributeValue>;
    TransactItems?: Array<{ Put?: { Item?: Record<string, AttributeValue> } }>;
  };
  if (command === 'PutItemCommand') return historyIndexWcu(input.Item);
  if (command === 'TransactWriteItemsCommand') {
    return (input.TransactItems ?? []).reduce((sum, entry) => sum + historyIndexWcu(entry.Put?.Item), 0);
  }
  return 0;
};

/** The serialized request body: a string, or bytes in recent SDK versions. */
const bodyText = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
};

/** Counts items in the request: a BatchWriteItem of 25 puts is 25 writes, as DynamoDB bills it. */
const itemCount = (command: string, input: Record<string, unknown>): number => {
  if (command === 'BatchWriteItemCommand') {
    const requests = (input.RequestItems ?? {}) as Record<string, unknown[]>;
    return Object.values(requests).reduce((sum, list) => sum + list.length, 0);
  }
  if (command === 'TransactWriteItemsCommand') return ((input.TransactItems ?? []) as unknown[]).length;
  return 1;
};

export interface CapacityMeter {
  /** runs `work` with its DynamoDB calls counted under `tag` */
  run<T>(tag: string, work: () => Promise<T>): Promise<T>;
  /** the tag in force for the current async context */
  current(): string | undefined;
  take(tag: string): Work;
  peek(tag: string): Work;
  reset(): void;
}

export const installCapacityMeter = (client: DynamoDBClient): CapacityMeter => {
  const context = new AsyncLocalStorage<string>();
  const totals = new Map<string, Work>();
  const workOf = (tag: string): Work => {
    let work = totals.get(tag);
    if (!work) {
      work = emptyWork();
      totals.set(tag, work);
    }
    return work;
  };
  const transactionCost = new WeakMap<object, number>();
  const indexCost = new WeakMap<object, number>();
  // After serialization: the body is the marshalled request, whichever client (document or raw) sent it.
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const request = args.request as { body?: unknown } | undefined;
      const commandName = String((handlerContext as { commandName?: string }).commandName ?? '');
      if (commandName === 'TransactWriteItemsCommand') {
        const body = bodyText(request?.body);
        if (body !== undefined) transactionCost.set(handlerContext, transactionWcu(body));
      }
      if (commandName === 'PutItemCommand' || commandName === 'TransactWriteItemsCommand') {
        const body = bodyText(request?.body);
        if (body !== undefined) indexCost.set(handlerContext, indexWcuOf(commandName, body));
      }
      return next(args);
    },
    { step: 'build', name: 'benchTransactionCost', override: true },
  );
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const tag = context.getStore() ?? 'untagged';
      const command = String((handlerContext as { commandName?: string }).commandName ?? 'unknown');
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const work = workOf(tag);
      work.byCommand[command] = (work.byCommand[command] ?? 0) + 1;
      if (READS.has(command)) work.reads += 1;
      else if (WRITES.has(command)) work.writes += itemCount(command, input);
      else if (command === 'TransactWriteItemsCommand') {
        work.transactions += 1;
        work.transactionItems += itemCount(command, input);
      }
      try {
        const result = await next(args);
        const units = unitsOf((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
        // Only a write that succeeded writes the index (a failed condition writes nothing).
        work.indexWcu += indexCost.get(handlerContext) ?? 0;
        if (command === 'TransactWriteItemsCommand') {
          work.wcu += transactionCost.get(handlerContext) ?? 0;
          work.transactionWcuReported += units ?? 0;
        } else if (units === undefined) work.unreported += 1;
        else if (READS.has(command)) work.rcu += units;
        else work.wcu += units;
        return result;
      } catch (error) {
        work.failed += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchConsumedCapacity', override: true },
  );
  return {
    run: (tag, work) => context.run(tag, work),
    current: () => context.getStore(),
    take: (tag) => {
      const work = totals.get(tag) ?? emptyWork();
      totals.delete(tag);
      return work;
    },
    peek: (tag) => totals.get(tag) ?? emptyWork(),
    reset: () => totals.clear(),
  };
};
