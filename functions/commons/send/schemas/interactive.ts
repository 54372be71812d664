import * as v from 'valibot';
import { absent, array, at, byKey, isHttpsUrl, object, oneOf, option, text } from './fields';
import { media, SEND_LIMITS } from './media';

/**
 * Interactive messages, one declaration per type (Meta's interactive message pages,
 * https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages
 * and its siblings): the headers it takes, whether its body may be left out, and what its action
 * must hold. Fields not declared are passed on to Meta unchanged.
 */

type HeaderKind = 'text' | 'image' | 'video' | 'document';

interface InteractiveType {
  /** the header kinds it takes; no header when left out */
  header?: readonly HeaderKind[];
  headerRequired?: true;
  bodyOptional?: true;
  bodyMax?: number;
  /** the fields its action must have */
  action?: v.ObjectEntries;
}

const ANY_HEADER = ['text', 'image', 'video', 'document'] as const;

const named = (name: string) => ({ name: oneOf([name], `must be "${name}"`) });

const replyButtons = (() => {
  const limits = SEND_LIMITS.buttons;
  const button = object(
    {
      type: oneOf(['reply'], 'must be "reply"'),
      reply: object(
        { id: text({ max: limits.id }), title: text({ max: limits.title }) },
        'an object with id and title',
      ),
    },
    'a reply button like {"type": "reply", "reply": {"id": "yes", "title": "Yes"}}',
  );
  return v.pipe(
    array(button, 1, limits.count, 'reply buttons'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const titles = new Set<string>();
      dataset.value.forEach((item, index) => {
        const title = String(item.reply.title);
        if (titles.has(title)) {
          addIssue({
            message: `"${title}" is already used; button titles must be unique`,
            path: at(index, 'reply', 'title'),
          });
        }
        titles.add(title);
      });
    }),
  );
})();

const listSections = (() => {
  const limits = SEND_LIMITS.list;
  const sectionTitle = { max: limits.sectionTitle, what: 'a section title (required with several sections)' };
  const row = object(
    {
      id: text({ max: limits.rowId }),
      title: text({ max: limits.rowTitle }),
      description: v.optional(text({ max: limits.description })),
    },
    'a row like {"id": "s", "title": "Small"}',
  );
  const section = object(
    { title: v.optional(text(sectionTitle)), rows: array(row, 1, limits.rows, 'rows') },
    'a section like {"title": "Sizes", "rows": [{"id": "s", "title": "Small"}]}',
  );
  return v.pipe(
    array(section, 1, limits.sections, 'sections'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const sections = dataset.value;
      const rowIds = new Set<string>();
      let rowCount = 0;
      for (const [index, item] of sections.entries()) {
        if (sections.length > 1 && item.title === undefined) {
          const message = `required, ${sectionTitle.what} of 1 to ${sectionTitle.max} characters`;
          return addIssue({ message, path: at(index, 'title') });
        }
        for (const [rowIndex, { id }] of item.rows.entries()) {
          if (rowIds.has(String(id))) {
            const message = `"${String(id)}" is already used; row ids must be unique in the message`;
            return addIssue({ message, path: at(index, 'rows', rowIndex, 'id') });
          }
          rowIds.add(String(id));
        }
        rowCount += item.rows.length;
      }
      if (rowCount > limits.rows) {
        addIssue({ message: `at most ${limits.rows} rows in all sections together; it has ${rowCount}` });
      }
    }),
  );
})();

export const INTERACTIVE_TYPES: Record<string, InteractiveType> = {
  button: { header: ANY_HEADER, action: { buttons: replyButtons } },
  list: {
    header: ['text'],
    bodyMax: SEND_LIMITS.list.body,
    action: {
      button: text({ max: SEND_LIMITS.list.button, what: 'the label of the button that opens the list' }),
      sections: listSections,
    },
  },
  cta_url: {
    header: ANY_HEADER,
    action: {
      ...named('cta_url'),
      parameters: object(
        {
          display_text: text({ max: SEND_LIMITS.ctaUrl.displayText }),
          url: v.custom<string>(isHttpsUrl, 'required, an https:// URL'),
        },
        'an object with display_text and url',
      ),
    },
  },
  flow: {
    header: ['text'],
    action: {
      ...named('flow'),
      parameters: object({}, 'an object with the flow_id or flow_name, flow_cta and flow_message_version'),
    },
  },
  // Payments (https://developers.facebook.com/docs/whatsapp/cloud-api/payments-api/payments-in/pg):
  // an order's details with Review and pay, then updates of its status; the order itself is Meta's to check.
  order_details: {
    header: ANY_HEADER,
    action: { ...named('review_and_pay'), parameters: object({}, 'the order and its payment settings') },
  },
  order_status: {
    action: { ...named('review_order'), parameters: object({}, 'the reference_id and the order status') },
  },
  product: { bodyOptional: true },
  product_list: { header: ['text'], headerRequired: true },
  catalog_message: {},
  location_request_message: { action: named('send_location') },
  address_message: {},
  call_permission_request: {},
  voice_call: {},
};

const header = (kinds: readonly HeaderKind[]) =>
  byKey(
    'type',
    Object.fromEntries(
      kinds.map((kind) => [
        kind,
        option(
          { [kind]: kind === 'text' ? text({ max: SEND_LIMITS.buttons.header }) : media(kind, false) },
          `an object with type (${kinds.join(', ')}) and its content`,
        ),
      ]),
    ),
    `an object with type (${kinds.join(', ')}) and its content`,
    `required, one of ${kinds.join(', ')}`,
  );

const textObject = (max: number) => object({ text: text({ max }) }, 'an object like {"text": "…"}');

const declare = (type: string, declared: InteractiveType) => {
  const headerSchema = declared.header === undefined ? undefined : header(declared.header);
  const body = textObject(declared.bodyMax ?? SEND_LIMITS.buttons.body);
  return option(
    {
      header:
        headerSchema === undefined
          ? absent(`a ${type} message takes no header; leave it out`)
          : declared.headerRequired
            ? headerSchema
            : v.optional(headerSchema),
      body: declared.bodyOptional ? v.optional(body) : body,
      footer: v.optional(textObject(SEND_LIMITS.buttons.footer)),
      action: object(declared.action ?? {}, `the ${type} message's action object`),
    },
    'an object with type, body and action',
  );
};

const TYPE_NAMES = Object.keys(INTERACTIVE_TYPES);

export const interactive = byKey(
  'type',
  Object.fromEntries(Object.entries(INTERACTIVE_TYPES).map(([type, declared]) => [type, declare(type, declared)])),
  'an object with type, body and action',
  `required, one of ${TYPE_NAMES.join(', ')}`,
);
