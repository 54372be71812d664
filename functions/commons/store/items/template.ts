import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { TableKey } from '../table-schema';
import { declare } from './declaration';

/**
 * A message template by name and language: registered through our API, its status and category
 * kept current by Meta's template webhooks. Both write the same item, each only its own fields.
 */
export type TemplateItem = TableKey & {
  name: string;
  language: string;
  category?: string;
  components?: Template['components'];
  status?: string;
  registeredAt?: EpochSeconds;
  templateId?: string;
  wabaId?: string;
  statusReason?: string;
  statusUpdatedAt?: EpochSeconds;
  categoryUpdatedAt?: EpochSeconds;
  previousCategory?: string;
};

const PK = 'TEMPLATES';

export const templateItem = declare({
  kind: 'template',
  key: (name: string, language: string): TableKey => ({ pk: PK, sk: `${name}#${language}` }),
  matches: ({ pk }) => pk === PK,
  accessPatterns: [
    /** GetItem by name and language before a template send */
    'read',
    /** Query of the one TEMPLATES partition (GET /templates) */
    'list',
    /** UpdateItem of the registered fields (PUT /templates/{name}/{language}) */
    'register',
    /** UpdateItem of status fields from Meta's webhook (condition: not older than the last) */
    'status',
    /** UpdateItem of category fields from Meta's webhook (condition: not older than the last) */
    'category',
  ],
});

export const TEMPLATES_PK = PK;

export const isTemplateKey = (pk: string, sk: string): boolean => templateItem.matches({ pk, sk });

export const toTemplate = (item: Record<string, unknown>): Template => ({
  name: String(item.name),
  language: String(item.language),
  category: String(item.category ?? '') as Template['category'],
  status: String(item.status ?? 'UNKNOWN'),
  components: (item.components ?? []) as Template['components'],
});

/** Meta's updates may arrive out of order: each field group keeps the latest it saw, ties applied again. */
export const templateConditions = {
  status: ['attribute_not_exists(statusUpdatedAt)', 'statusUpdatedAt <= :at'].join(' OR '),
  category: ['attribute_not_exists(categoryUpdatedAt)', 'categoryUpdatedAt <= :at'].join(' OR '),
} as const;
