import type { TemplateComponent } from './templates';

/**
 * A template's status through Meta's lifecycle events
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/webhooks/components#message_template_status_update,
 * https://developers.facebook.com/docs/whatsapp/message-templates/guidelines#template-status):
 * most events name the status they leave; REINSTATED makes a paused template sendable again; ARCHIVED
 * sets it aside and UNARCHIVED brings back the status it had. Pure: no I/O, no clock.
 */

/** The only status Meta delivers a template in. */
export const SENDABLE_STATUS = 'APPROVED';

export interface TemplateStatusState {
  status?: string;
  /** the status before ARCHIVED, restored by UNARCHIVED */
  statusBeforeArchive?: string;
}

/** The status after one of Meta's status events, given the one stored. */
export const statusAfter = (current: TemplateStatusState, event: string): TemplateStatusState => {
  if (event === 'REINSTATED') return { status: SENDABLE_STATUS };
  if (event === 'ARCHIVED') {
    const before = current.status === 'ARCHIVED' ? current.statusBeforeArchive : current.status;
    return { status: 'ARCHIVED', ...(before === undefined ? {} : { statusBeforeArchive: before }) };
  }
  if (event === 'UNARCHIVED') {
    if (current.status !== 'ARCHIVED' && current.status !== undefined) return { status: current.status };
    return { status: current.statusBeforeArchive ?? SENDABLE_STATUS };
  }
  return { status: event };
};

/**
 * One spelling per language: Meta's template webhooks may write `en-US` where its template API and
 * our routes write `en_US`; both name one template. The language lower-case, the region upper-case.
 */
export const normalizeLanguage = (code: string): string => {
  const parts = code.trim().split(/[-_]/);
  if (parts.length > 2 || parts.some((part) => part === '')) return code;
  const [language = '', region] = parts;
  return region === undefined ? language.toLowerCase() : `${language.toLowerCase()}_${region.toUpperCase()}`;
};

/** What Meta last said of a template's status, as a PUT that contradicts it is told. */
export interface MetaStatus {
  status: string;
  reason?: string;
  /** Meta's time of the event */
  at: number;
}

/**
 * A PUT may register components and category, but never overrule a status Meta has set: a PUT naming
 * another status than Meta's is refused (409); one without a status keeps Meta's.
 */
export const putStatusConflict = (meta: MetaStatus | undefined, requested: string | undefined): boolean =>
  meta !== undefined && requested !== undefined && requested !== meta.status;

/**
 * What a sync of Meta's template list marks deleted: the templates an earlier sync or webhook of
 * this WABA brought in that Meta no longer lists (and that are not deleted already).
 */
export const removedTemplates = <T extends { name: string; language: string; status: string }>(
  known: readonly T[],
  listed: ReadonlyArray<{ name: string; language: string }>,
): T[] => {
  const listedKeys = new Set(listed.map((template) => `${template.name}#${normalizeLanguage(template.language)}`));
  return known.filter(
    (template) => template.status !== 'DELETED' && !listedKeys.has(`${template.name}#${template.language}`),
  );
};

/** What Meta's `message_template_components_update` says of an edited template: its text parts. */
export interface ComponentsEdit {
  body: string;
  /** a text header; absent for a media header or none */
  header?: string;
  footer?: string;
  /** Meta lists URL and phone-number buttons only */
  buttons: { type: string; text?: string; url?: string; phoneNumber?: string }[];
}

const LISTED_BUTTONS = new Set(['URL', 'PHONE_NUMBER']);

/**
 * The components after an edit (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_components_update):
 * the webhook names only the text header, body, footer and URL/phone buttons, so a media header and the
 * other buttons (quick replies, copy code, ...) are kept as stored; each part's other fields (examples)
 * are kept where its text did not change. Pure.
 */
export const componentsAfterEdit = (
  stored: readonly TemplateComponent[],
  edit: ComponentsEdit,
): TemplateComponent[] => {
  const part = (type: TemplateComponent['type']) => stored.find((component) => component.type === type);
  const withText = (type: TemplateComponent['type'], text: string): TemplateComponent => {
    const before = part(type);
    return before?.text === text ? before : { type, ...(type === 'HEADER' ? { format: 'TEXT' as const } : {}), text };
  };
  const storedHeader = part('HEADER');
  const header =
    edit.header !== undefined
      ? withText('HEADER', edit.header)
      : storedHeader && storedHeader.format !== undefined && storedHeader.format !== 'TEXT'
        ? storedHeader
        : undefined;
  const buttons = [
    ...edit.buttons.map((button) => ({
      type: button.type,
      ...(button.text === undefined ? {} : { text: button.text }),
      ...(button.url === undefined ? {} : { url: button.url }),
      ...(button.phoneNumber === undefined ? {} : { phone_number: button.phoneNumber }),
    })),
    ...(part('BUTTONS')?.buttons ?? []).filter((button) => !LISTED_BUTTONS.has(String(button.type).toUpperCase())),
  ];
  return [
    ...(header ? [header] : []),
    withText('BODY', edit.body),
    ...(edit.footer === undefined ? [] : [withText('FOOTER', edit.footer)]),
    ...(buttons.length > 0 ? [{ type: 'BUTTONS' as const, buttons }] : []),
  ];
};
