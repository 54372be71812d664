import { putStatusConflict, SENDABLE_STATUS, statusAfter, type MetaStatus } from '#domain/template-lifecycle';
import type { Template } from '#domain/templates';
import type { EpochSeconds } from '#domain/time';
import type { TableKey } from '../table-schema';
import { anyOf, declare } from './declaration';

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
  /** the status before ARCHIVED, which UNARCHIVED restores */
  statusBeforeArchive?: string;
  /** Meta's quality rating of the template (GREEN, YELLOW, RED, UNKNOWN) */
  quality?: string;
  /** Meta's time of the quality score (message_template_quality_update) */
  qualityUpdatedAt?: EpochSeconds;
  /** Meta's time of the last edit of the components (message_template_components_update) */
  componentsUpdatedAt?: EpochSeconds;
};

/** the one partition of all templates */
export const TEMPLATES_PK = 'TEMPLATES';

export const templateItem = declare({
  kind: 'template',
  pk: TEMPLATES_PK,
  sk: anyOf((name: string, language: string) => `${name}#${language}`),
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
    /** UpdateItem of the quality score from Meta's webhook (condition: not older than the last) */
    'quality',
    /** UpdateItem of the components Meta's edit webhook names (condition: not older than the last) */
    'components',
    /** UpdateItem of what Meta's template list says (POST /templates/sync and the scheduled sync) */
    'sync',
  ],
});

export const isTemplateKey = templateItem.is;

export const toTemplate = (item: Record<string, unknown>): Template => ({
  name: String(item.name),
  language: String(item.language),
  category: String(item.category ?? '') as Template['category'],
  status: String(item.status ?? 'UNKNOWN'),
  components: (item.components ?? []) as Template['components'],
});

/** A template's quality as Meta last scored it (webhook or sync). */
export const templateQualityOf = (item: Record<string, unknown>) => ({
  name: String(item.name),
  language: String(item.language),
  ...(typeof item.wabaId === 'string' ? { wabaId: item.wabaId } : {}),
  ...(typeof item.quality === 'string' ? { quality: item.quality } : {}),
  ...(typeof item.qualityUpdatedAt === 'number' ? { qualityUpdatedAt: item.qualityUpdatedAt } : {}),
});

/** A template of a WABA as a sync compares it with Meta's list. */
export const syncedRefOf = (item: Record<string, unknown>) => ({
  name: String(item.name),
  language: String(item.language),
  status: String(item.status),
  templateId: String(item.templateId ?? ''),
});

/** What a status change needs of the item it read: Meta's last status and its time. */
const metaStatusOf = (item: Record<string, unknown> | undefined) =>
  item && typeof item.statusUpdatedAt === 'number'
    ? {
        status: String(item.status),
        ...(typeof item.statusReason === 'string' && item.statusReason !== 'NONE' ? { reason: item.statusReason } : {}),
        at: item.statusUpdatedAt,
      }
    : undefined;

/** Meta's update at `at` is older than the one the item read holds (`applied`): it changes nothing. */
export const olderThanApplied = (applied: unknown, at: EpochSeconds): boolean =>
  typeof applied === 'number' && applied > at;

/** The status (and the one UNARCHIVED restores) a status webhook makes of the item read. */
const statusAfterEvent = (item: Record<string, unknown> | undefined, event: string) =>
  statusAfter(
    {
      status: item?.status as string | undefined,
      statusBeforeArchive: item?.statusBeforeArchive as string | undefined,
    },
    event,
  );

/**
 * What PUT /templates makes of the item read: refused when it asks for another status than the one
 * Meta set (#domain/template-lifecycle); else the status to store: the one asked for, the one kept,
 * or sendable for a new template.
 */
export const registrationOf = (
  item: Record<string, unknown> | undefined,
  requested: string | undefined,
): { conflict: MetaStatus } | { status: string } => {
  const meta = metaStatusOf(item);
  if (meta !== undefined && putStatusConflict(meta, requested)) return { conflict: meta };
  return { status: requested ?? (typeof item?.status === 'string' ? item.status : SENDABLE_STATUS) };
};

/**
 * What Meta's status webhook (`event` at `timestamp`) makes of the item read: nothing when it is older
 * than the status applied; else its time, the status, and the one UNARCHIVED would restore.
 */
export const statusChangeOf = (
  item: Record<string, unknown> | undefined,
  update: { event: string; timestamp?: EpochSeconds },
) => {
  const at = update.timestamp ?? 0;
  if (olderThanApplied(item?.statusUpdatedAt, at)) return undefined;
  return { at, ...statusAfterEvent(item, update.event) };
};

/**
 * Meta's updates may arrive out of order: each field group keeps the latest it saw, ties applied
 * again. A status change is computed from the status read (ARCHIVED, UNARCHIVED), so it is written
 * only if that status and its time are still what was read (`:seenStatus`, `:seenAt`).
 */
export const templateConditions = {
  category: ['attribute_not_exists(categoryUpdatedAt)', 'categoryUpdatedAt <= :at'].join(' OR '),
  quality: ['attribute_not_exists(qualityUpdatedAt)', 'qualityUpdatedAt <= :at'].join(' OR '),
  components: ['attribute_not_exists(componentsUpdatedAt)', 'componentsUpdatedAt <= :at'].join(' OR '),
  statusUnchanged: (seen: { status?: unknown; statusUpdatedAt?: unknown } | undefined) =>
    [
      seen?.status === undefined ? 'attribute_not_exists(#status)' : '#status = :seenStatus',
      seen?.statusUpdatedAt === undefined ? 'attribute_not_exists(statusUpdatedAt)' : 'statusUpdatedAt = :seenAt',
    ].join(' AND '),
  seenValues: (seen: { status?: unknown; statusUpdatedAt?: unknown } | undefined) => ({
    ...(seen?.status === undefined ? {} : { ':seenStatus': seen.status }),
    ...(seen?.statusUpdatedAt === undefined ? {} : { ':seenAt': seen.statusUpdatedAt }),
  }),
} as const;
