import type { TableKey } from '../table-schema';

/**
 * What every item module declares about its kind, in the spirit of ElectroDB's models: the key
 * template, how to recognise its keys (stream images, scans), the TTL attribute if the kind expires,
 * and the access patterns it serves. The attributes are the module's exported item type.
 */
export interface ItemDeclaration<Args extends unknown[]> {
  kind: string;
  key: (...args: Args) => TableKey;
  /** true when a key (e.g. of a stream image) belongs to this kind */
  matches: (key: TableKey) => boolean;
  /** the same, from a key's two attributes */
  is: (pk: string, sk: string) => boolean;
  /** the epoch-seconds attribute DynamoDB's TTL deletes by (tableSchema.timeToLiveAttribute), if any */
  ttl?: 'expiresAt';
  /** the reads and writes this kind serves, by name (each described where it is declared) */
  accessPatterns: readonly string[];
}

/**
 * One half of a key template: a constant (`'WINDOW'`), or a prefix the kind is recognised by followed
 * by what the key's arguments make of it (`{ prefix: 'MSG#', of: (wamid) => wamid }`).
 */
export type KeyPart<Args extends unknown[]> = string | { prefix: string; of: (...args: Args) => string };

export interface KeyTemplate<P extends unknown[], S extends unknown[]> {
  kind: string;
  pk: KeyPart<P>;
  sk: KeyPart<S>;
  /** where the prefixes are not enough to recognise the kind (aggregate cells: the unit kind in the sort key) */
  matches?: (key: TableKey) => boolean;
  ttl?: 'expiresAt';
  accessPatterns: readonly string[];
}

const build =
  <Args extends unknown[]>(part: KeyPart<Args>) =>
  (...args: Args): string =>
    typeof part === 'string' ? part : `${part.prefix}${part.of(...args)}`;

const recognise = (part: KeyPart<never[]>, value: string): boolean =>
  typeof part === 'string' ? value === part : value.startsWith(part.prefix);

/** The key's arguments: those of the part that takes more (the other reads the first of them). */
type KeyArgs<P extends unknown[], S extends unknown[]> = P extends [...S, ...unknown[]] ? P : S;

/** An item kind from its key template: the key builder and the key test follow from the two parts. */
export const declare = <P extends unknown[], S extends unknown[]>(
  template: KeyTemplate<P, S>,
): ItemDeclaration<KeyArgs<P, S>> => {
  type Args = KeyArgs<P, S>;
  const pk = build(template.pk as KeyPart<Args>);
  const sk = build(template.sk as KeyPart<Args>);
  const matches =
    template.matches ??
    (({ pk: p, sk: s }: TableKey) =>
      recognise(template.pk as KeyPart<never[]>, p) && recognise(template.sk as KeyPart<never[]>, s));
  return {
    kind: template.kind,
    key: (...args: Args) => ({ pk: pk(...args), sk: sk(...args) }),
    matches,
    is: (p, s) => matches({ pk: p, sk: s }),
    ...(template.ttl ? { ttl: template.ttl } : {}),
    accessPatterns: template.accessPatterns,
  };
};

/** A key part from the key's arguments, with no prefix to recognise it by. */
export const anyOf = <Args extends unknown[]>(of: (...args: Args) => string): KeyPart<Args> => ({ prefix: '', of });

/** A number in a key, zero-padded so the string order is the number order. */
export const padded = (value: number, digits: number): string => String(value).padStart(digits, '0');

type Typed = { number: number; string: string };

/**
 * The attributes among `names` an item read holds with the type given, as they are stored (an
 * absent or mistyped one is left out): the optional fields of a state read back.
 */
export const present = <K extends string, T extends keyof Typed>(
  item: object,
  type: T,
  ...names: K[]
): { [P in K]?: Typed[T] } => {
  const fields = item as Record<string, unknown>;
  return Object.fromEntries(
    names.filter((name) => typeof fields[name] === type).map((name) => [name, fields[name]]),
  ) as { [P in K]?: Typed[T] };
};
