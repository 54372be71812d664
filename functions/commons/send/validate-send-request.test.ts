import { expectFieldRefused, refusal } from '../testing/refusals';
import { validateSendRequest, type SendRequest } from './validate-send-request';

type Body = Record<string, unknown>;

const TO = '+16505551234';
const send = (body: Body) => validateSendRequest({ to: TO, ...body }) as SendRequest;

/** 400 VALIDATION_ERROR whose message starts with the field's path. */
const expectField = (body: unknown, field: string): void => expectFieldRefused(() => validateSendRequest(body), field);
const refuses = (body: Body, field: string) => expectField({ to: TO, ...body }, field);

const s = (length: number, char = 'x') => char.repeat(length);

describe('the send body', () => {
  it('must be a JSON object', () => {
    for (const body of [null, 'text', [], 42]) expectField(body, 'body');
  });

  it('needs a supported type, and names the supported ones', () => {
    const error = refusal(() => send({ type: 'poll' }));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toBe(
      'type: required, one of text, template, image, audio, video, document, sticker, location, contacts, interactive, reaction',
    );
  });

  it('builds the Graph body: messaging_product, individual, + before the number', () => {
    const request = send({ type: 'text', text: { body: 'Hi' }, phoneNumberId: '106540352242922' });
    expect(request).toEqual({
      to: '16505551234',
      toKind: 'waId',
      phoneNumberId: '106540352242922',
      type: 'text',
      kind: 'free-form',
      graphBody: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+16505551234',
        type: 'text',
        text: { body: 'Hi' },
      },
    });
  });

  it('passes fields it does not know on to Meta, refuses the object of another type', () => {
    const request = send({ type: 'text', text: { body: 'Hi', newer: 1 }, newer_option: { a: 1 } });
    expect(request.graphBody).toMatchObject({ newer_option: { a: 1 }, text: { body: 'Hi', newer: 1 } });
    refuses({ type: 'text', text: { body: 'Hi' }, image: { id: '1' } }, 'image');
  });

  it('reads a missing type as text, as Meta does, or as the one message object given', () => {
    expect(send({ text: { body: 'Hi' } }).graphBody).toMatchObject({ type: 'text', text: { body: 'Hi' } });
    expect(send({ image: { id: '1' } }).type).toBe('image');
    refuses({}, 'text');
    refuses({ text: { body: 'Hi' }, image: { id: '1' } }, 'image');
  });

  it("reads Meta's mark-as-read with the typing indicator", () => {
    const read = validateSendRequest({ status: 'read', message_id: 'wamid.A', typing_indicator: { type: 'text' } });
    expect(read).toEqual({
      kind: 'read',
      messageId: 'wamid.A',
      typing: true,
      graphBody: {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.A',
        typing_indicator: { type: 'text' },
      },
    });
    expect(validateSendRequest({ status: 'read', message_id: 'wamid.A', phoneNumberId: '1' })).toMatchObject({
      typing: false,
      phoneNumberId: '1',
      graphBody: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.A' },
    });
    expectField({ status: 'read' }, 'message_id');
    expectField({ status: 'delivered', message_id: 'wamid.A' }, 'status');
    expectField(
      { status: 'read', message_id: 'wamid.A', typing_indicator: { type: 'audio' } },
      'typing_indicator.type',
    );
  });

  it('checks phoneNumberId, messaging_product and recipient_type', () => {
    const text = { type: 'text', text: { body: 'Hi' } };
    refuses({ ...text, phoneNumberId: 106540352242922 }, 'phoneNumberId');
    refuses({ ...text, phoneNumberId: 'abc' }, 'phoneNumberId');
    expect(send({ ...text, messaging_product: 'whatsapp', recipient_type: 'individual' }).kind).toBe('free-form');
    refuses({ ...text, messaging_product: 'sms' }, 'messaging_product');
    refuses({ ...text, recipient_type: 'broadcast' }, 'recipient_type');
  });

  it('sends to a group by its group id, for the types Meta sends to groups (text, media, templates)', () => {
    const group = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';
    const text = { type: 'text', text: { body: 'Hi all' }, recipient_type: 'group' };
    const request = validateSendRequest({ ...text, to: group }) as SendRequest;
    expect(request).toMatchObject({ to: group, toKind: 'groupId', kind: 'free-form' });
    expect(request.graphBody).toMatchObject({ recipient_type: 'group', to: group, type: 'text' });
    expect(request.graphBody).not.toHaveProperty('recipient');
    const image = { type: 'image', image: { link: 'https://example.com/a.jpg' }, recipient_type: 'group', to: group };
    expect((validateSendRequest(image) as SendRequest).toKind).toBe('groupId');
    // a phone number is no group id, and Meta sends no interactive message to a group
    for (const to of [TO, 'short']) {
      const error = refusal(() => validateSendRequest({ ...text, to }));
      expect([error.status, error.code, error.message.startsWith('to: ')]).toEqual([400, 'INVALID_RECIPIENT', true]);
    }
    expectField({ to: group, recipient_type: 'group', type: 'interactive', interactive: {} }, 'type');
  });

  it('passes context and biz_opaque_callback_data (at most 512 bytes) on', () => {
    const text = { type: 'text', text: { body: 'Hi' } };
    const request = send({ ...text, context: { message_id: 'wamid.A' }, biz_opaque_callback_data: s(512) });
    expect(request.graphBody).toMatchObject({ context: { message_id: 'wamid.A' }, biz_opaque_callback_data: s(512) });
    refuses({ ...text, context: {} }, 'context.message_id');
    refuses({ ...text, context: 'wamid.A' }, 'context');
    refuses({ ...text, biz_opaque_callback_data: s(511) + 'é' }, 'biz_opaque_callback_data');
  });
});

describe('to', () => {
  const text = { type: 'text', text: { body: 'Hi' } };
  const to = (value: unknown) => validateSendRequest({ ...text, to: value }) as SendRequest;

  const refusedRecipient = (value: unknown) => {
    const error = refusal(() => to(value));
    expect([error.status, error.code]).toEqual([400, 'INVALID_RECIPIENT']);
    expect(error.message).toMatch(/^to: required, the user's phone number as \+15551234567: country code first/);
  };

  it('takes a phone number of 8 to 15 digits, with or without its +', () => {
    expect(to('+16505551234')).toMatchObject({ to: '16505551234', toKind: 'waId' });
    expect(to('16505551234')).toMatchObject({ to: '16505551234', toKind: 'waId' });
    expect(to('12345678').to).toBe('12345678');
    expect(to('+123456789012345').to).toBe('123456789012345');
    expect(to(16505551234).to).toBe('16505551234');
  });

  it('refuses with INVALID_RECIPIENT a number without its country code, too short or long, or with separators', () => {
    for (const bad of [
      '555-1234',
      '1234567',
      '+1234567890123456',
      '+1 650-555-1234',
      '(650) 5551234',
      '+1 650 555 12a4',
      '',
      undefined,
      1234567,
    ]) {
      refusedRecipient(bad);
    }
  });

  it('takes a business-scoped user id and sends it to Meta as recipient', () => {
    const request = to('US.13491208655302741918');
    expect(request).toMatchObject({ to: 'US.13491208655302741918', toKind: 'userId' });
    expect(request.graphBody).toMatchObject({ recipient: 'US.13491208655302741918' });
    expect(request.graphBody).not.toHaveProperty('to');
    for (const bad of ['us.1349', 'USA.1349', 'US.', 'US.13-49']) refusedRecipient(bad);
  });
});

describe('text', () => {
  it('takes 1 to 4096 characters and preview_url', () => {
    expect(send({ type: 'text', text: { body: s(4096), preview_url: true } }).graphBody.text).toEqual({
      body: s(4096),
      preview_url: true,
    });
    expect(send({ type: 'text', text: { body: s(4096, '👍') } }).type).toBe('text');
  });

  it('refuses 4097 characters with TEXT_TOO_LONG', () => {
    const error = refusal(() => send({ type: 'text', text: { body: s(4097) } }));
    expect([error.status, error.code, error.message]).toEqual([
      400,
      'TEXT_TOO_LONG',
      'text.body is 4097 characters; WhatsApp allows at most 4096',
    ]);
  });

  it('names text.body when it is missing or blank', () => {
    for (const text of [{}, { body: '' }, { body: '  ' }, { body: 5 }]) {
      const error = refusal(() => send({ type: 'text', text }));
      expect(error.message).toBe('text.body: required, a string of 1 to 4096 characters');
    }
    refuses({ type: 'text' }, 'text');
    refuses({ type: 'text', text: { body: 'Hi', preview_url: 'yes' } }, 'text.preview_url');
  });
});

describe('media', () => {
  it.each(['image', 'audio', 'video', 'document', 'sticker'])('sends %s by id or by https link', (type) => {
    expect(send({ type, [type]: { id: '1234' } }).graphBody[type]).toEqual({ id: '1234' });
    expect(send({ type, [type]: { link: 'https://example.com/a' } }).kind).toBe('free-form');
    refuses({ type, [type]: { id: '1', link: 'https://example.com/a' } }, type);
    refuses({ type, [type]: {} }, type);
    refuses({ type }, type);
    refuses({ type, [type]: { link: 'http://example.com/a' } }, `${type}.link`);
    refuses({ type, [type]: { id: 1234 } }, `${type}.id`);
  });

  it.each(['image', 'video', 'document'])('takes a %s caption of at most 1024 characters', (type) => {
    expect(send({ type, [type]: { id: '1', caption: s(1024) } }).type).toBe(type);
    refuses({ type, [type]: { id: '1', caption: s(1025) } }, `${type}.caption`);
  });

  it.each(['audio', 'sticker'])('refuses a %s caption', (type) => {
    refuses({ type, [type]: { id: '1', caption: 'x' } }, `${type}.caption`);
  });

  it('takes a filename on documents only', () => {
    expect(send({ type: 'document', document: { id: '1', filename: 'a.pdf' } }).type).toBe('document');
    refuses({ type: 'image', image: { id: '1', filename: 'a.png' } }, 'image.filename');
    refuses({ type: 'document', document: { id: '1', filename: '' } }, 'document.filename');
  });
});

describe('location', () => {
  const location = (latitude: unknown, longitude: unknown) => ({ type: 'location', location: { latitude, longitude } });

  it('takes latitude -90..90 and longitude -180..180', () => {
    expect(send(location(90, -180)).graphBody.location).toEqual({ latitude: 90, longitude: -180 });
    expect(
      send({ type: 'location', location: { latitude: -90, longitude: 180, name: 'HQ', address: '1 Main' } }).type,
    ).toBe('location');
    refuses(location(90.0001, 0), 'location.latitude');
    refuses(location(-91, 0), 'location.latitude');
    refuses(location(0, 180.5), 'location.longitude');
    refuses(location(0, '13.4'), 'location.longitude');
    refuses({ type: 'location' }, 'location');
    refuses({ type: 'location', location: { latitude: 0, longitude: 0, name: 3 } }, 'location.name');
  });
});

describe('contacts', () => {
  const card = { name: { formatted_name: 'Ana Silva', first_name: 'Ana' }, phones: [{ phone: '+16505551234' }] };

  it('takes contact cards with a name', () => {
    expect(send({ type: 'contacts', contacts: [card] }).graphBody.contacts).toEqual([card]);
    refuses({ type: 'contacts', contacts: [] }, 'contacts');
    refuses({ type: 'contacts', contacts: [{}] }, 'contacts[0].name');
    refuses({ type: 'contacts', contacts: [{ name: { first_name: 'Ana' } }] }, 'contacts[0].name.formatted_name');
    refuses({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' } }] }, 'contacts[0].name');
    refuses({ type: 'contacts', contacts: [{ ...card, phones: '+1650' }] }, 'contacts[0].phones');
  });
});

describe('reaction', () => {
  it('takes message_id and an emoji, empty to remove', () => {
    expect(send({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' } }).kind).toBe('free-form');
    expect(send({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '' } }).type).toBe('reaction');
    refuses({ type: 'reaction', reaction: { emoji: '👍' } }, 'reaction.message_id');
    refuses({ type: 'reaction', reaction: { message_id: 'wamid.A' } }, 'reaction.emoji');
    refuses(
      { type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '' }, context: { message_id: 'x' } },
      'context',
    );
  });
});

describe('interactive reply buttons', () => {
  const reply = (title: string, id = title) => ({ type: 'reply', reply: { id, title } });
  const buttons = (change: Body = {}, list: unknown[] = [reply('Yes'), reply('No')]) => ({
    type: 'interactive',
    interactive: { type: 'button', body: { text: 'Continue?' }, action: { buttons: list }, ...change },
  });
  const withButton = (button: unknown) => buttons({}, [button]);

  it('takes 1 to 3 buttons', () => {
    expect(send(buttons({}, [reply('a'), reply('b'), reply('c')])).type).toBe('interactive');
    refuses(buttons({}, [reply('a'), reply('b'), reply('c'), reply('d')]), 'interactive.action.buttons');
    refuses(buttons({}, []), 'interactive.action.buttons');
  });

  it('takes unique titles of at most 20 characters and ids of at most 256', () => {
    expect(send(withButton(reply(s(20), s(256)))).type).toBe('interactive');
    refuses(withButton(reply(s(21))), 'interactive.action.buttons[0].reply.title');
    refuses(withButton(reply('ok', s(257))), 'interactive.action.buttons[0].reply.id');
    refuses(buttons({}, [reply('Yes', 'a'), reply('Yes', 'b')]), 'interactive.action.buttons[1].reply.title');
    refuses(withButton({ type: 'url', reply: { id: 'a', title: 'b' } }), 'interactive.action.buttons[0].type');
  });

  it('takes a body of at most 1024 and a footer of at most 60 characters', () => {
    expect(send(buttons({ body: { text: s(1024) }, footer: { text: s(60) } })).type).toBe('interactive');
    refuses(buttons({ body: { text: s(1025) } }), 'interactive.body.text');
    refuses(buttons({ body: undefined }), 'interactive.body');
    refuses(buttons({ footer: { text: s(61) } }), 'interactive.footer.text');
  });

  it('takes a text header of at most 60 characters, or media', () => {
    expect(send(buttons({ header: { type: 'text', text: s(60) } })).type).toBe('interactive');
    expect(send(buttons({ header: { type: 'image', image: { link: 'https://example.com/a.png' } } })).type).toBe(
      'interactive',
    );
    refuses(buttons({ header: { type: 'text', text: s(61) } }), 'interactive.header.text');
    refuses(buttons({ header: { type: 'image', image: {} } }), 'interactive.header.image');
    refuses(buttons({ header: { type: 'audio' } }), 'interactive.header.type');
  });

  it('names an unknown interactive type', () => {
    refuses(buttons({ type: 'carousel_x' }), 'interactive.type');
    refuses({ type: 'interactive' }, 'interactive');
  });
});

describe('interactive list', () => {
  const row = (id: string, title = 'Row', description?: string) => ({ id, title, description });
  const rows = (count: number, prefix = 'r') => Array.from({ length: count }, (_, i) => row(`${prefix}${i}`));
  const list = (action: Body = {}, change: Body = {}) => ({
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: 'Pick one' },
      action: { button: 'Options', sections: [{ title: 'All', rows: rows(2) }], ...action },
      ...change,
    },
  });
  const oneRow = (value: unknown) => list({ sections: [{ rows: [value] }] });
  const rowPath = 'interactive.action.sections[0].rows[0]';

  it('takes a button label of at most 20 characters', () => {
    expect(send(list({ button: s(20) })).type).toBe('interactive');
    refuses(list({ button: s(21) }), 'interactive.action.button');
  });

  it('takes at most 10 sections and 10 rows in all', () => {
    const sections = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) }));
    expect(send(list({ sections: sections(10) })).type).toBe('interactive');
    refuses(list({ sections: sections(11) }), 'interactive.action.sections');
    const split = (a: number, b: number) => [
      { title: 'A', rows: rows(a, 'a') },
      { title: 'B', rows: rows(b, 'b') },
    ];
    expect(send(list({ sections: split(5, 5) })).type).toBe('interactive');
    refuses(list({ sections: split(5, 6) }), 'interactive.action.sections');
  });

  it('limits row title to 24, id to 200, description to 72', () => {
    expect(send(oneRow(row(s(200), s(24), s(72)))).type).toBe('interactive');
    refuses(oneRow(row('a', s(25))), `${rowPath}.title`);
    refuses(oneRow(row(s(201))), `${rowPath}.id`);
    refuses(oneRow(row('a', 'b', s(73))), `${rowPath}.description`);
  });

  it('refuses a repeated row id and a missing section title with several sections', () => {
    const twice = [
      { title: 'A', rows: [row('same')] },
      { title: 'B', rows: [row('same')] },
    ];
    refuses(list({ sections: twice }), 'interactive.action.sections[1].rows[0].id');
    refuses(
      list({ sections: [{ rows: rows(1, 'a') }, { title: 'B', rows: rows(1, 'b') }] }),
      'interactive.action.sections[0].title',
    );
  });

  it('takes a body of at most 4096 characters', () => {
    expect(send(list({}, { body: { text: s(4096) } })).type).toBe('interactive');
    refuses(list({}, { body: { text: s(4097) } }), 'interactive.body.text');
  });
});

describe('interactive cta_url and flow', () => {
  const cta = (parameters: Body) => ({
    type: 'interactive',
    interactive: { type: 'cta_url', body: { text: 'See' }, action: { name: 'cta_url', parameters } },
  });

  it('takes a display_text of at most 20 characters and an https url', () => {
    expect(send(cta({ display_text: s(20), url: 'https://example.com' })).type).toBe('interactive');
    refuses(cta({ display_text: s(21), url: 'https://example.com' }), 'interactive.action.parameters.display_text');
    refuses(cta({ display_text: 'Go', url: 'ftp://example.com' }), 'interactive.action.parameters.url');
  });

  it('takes a flow with its parameters', () => {
    const flow = (action: Body) => ({
      type: 'interactive',
      interactive: { type: 'flow', body: { text: 'Book' }, action },
    });
    const parameters = { flow_message_version: '3', flow_id: '1', flow_cta: 'Book' };
    expect(send(flow({ name: 'flow', parameters })).graphBody.interactive).toMatchObject({ action: { parameters } });
    refuses(flow({ name: 'flow' }), 'interactive.action.parameters');
    refuses(flow({ name: 'cta_url', parameters }), 'interactive.action.name');
  });
});

describe('template', () => {
  const template = (change: Body = {}) => ({
    type: 'template',
    template: { name: 'order_update', language: { code: 'en_US' }, ...change },
  });
  const component = (value: unknown) => template({ components: [value] });

  it('is the only kind allowed outside the window, with its name, language and components', () => {
    const components = [
      { type: 'header', parameters: [{ type: 'image', image: { id: '9' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: s(5000) },
          { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } },
        ],
      },
      { type: 'button', sub_type: 'url', index: 1, parameters: [{ type: 'text', text: 'abc' }] },
    ];
    const request = send(template({ components }));
    expect(request.kind).toBe('template');
    expect(request.template?.name).toBe('order_update');
    expect(request.template?.language).toBe('en_US');
    expect(request.template?.components.map((c) => [c.type, c.index, c.parameters.length])).toEqual([
      ['header', undefined, 1],
      ['body', undefined, 2],
      ['button', '1', 1],
    ]);
    expect(request.graphBody.template).toMatchObject({ name: 'order_update', language: { code: 'en_US' } });
  });

  it('takes a template without components, and a language given as a string', () => {
    const request = send(template({ language: 'pt_BR' }));
    expect(request.template).toEqual({ name: 'order_update', language: 'pt_BR', components: [] });
    expect(request.graphBody.template).toEqual({ name: 'order_update', language: { code: 'pt_BR' } });
  });

  it('names a bad name, language or component', () => {
    refuses({ type: 'template' }, 'template');
    refuses(template({ name: 'Order Update' }), 'template.name');
    refuses(template({ language: { code: 'english' } }), 'template.language.code');
    refuses(template({ language: { code: 'en', policy: 'fallback' } }), 'template.language.policy');
    refuses(template({ components: {} }), 'template.components');
    refuses(component({ type: 'footer', parameters: [] }), 'template.components[0].type');
    refuses(component({ type: 'button', index: '0', parameters: [] }), 'template.components[0].sub_type');
    refuses(
      component({ type: 'button', sub_type: 'url', index: '10', parameters: [] }),
      'template.components[0].index',
    );
    refuses(template({ components: [{ type: 'body' }, { type: 'body' }] }), 'template.components[1].type');
  });

  it('names a bad parameter', () => {
    const parameter = (value: unknown) => component({ type: 'body', parameters: [value] });
    const at = 'template.components[0].parameters[0]';
    refuses(parameter({ type: 'text' }), `${at}.text`);
    refuses(parameter({ text: 'x' }), `${at}.type`);
    refuses(parameter({ type: 'text', text: 'x', parameter_name: '{{name}}' }), `${at}.parameter_name`);
    refuses(
      parameter({ type: 'currency', currency: { fallback_value: '$1', code: 'usd', amount_1000: 1 } }),
      `${at}.currency.code`,
    );
    refuses(parameter({ type: 'date_time', date_time: {} }), `${at}.date_time.fallback_value`);
    refuses(parameter({ type: 'image', image: { link: 'http://x' } }), `${at}.image.link`);
    refuses(parameter({ type: 'location', location: { latitude: 91, longitude: 0 } }), `${at}.location.latitude`);
    refuses(parameter({ type: 'payload' }), `${at}.payload`);
  });
});

describe("Meta's payments and catalog bodies", () => {
  const interactive = (value: Body) => ({ type: 'interactive', interactive: value });

  it('takes order_details with review_and_pay, and order_status with review_order', () => {
    const details = {
      type: 'order_details',
      header: { type: 'image', image: { link: 'https://example.com/bread.jpg' } },
      body: { text: 'Your order' },
      action: { name: 'review_and_pay', parameters: { reference_id: 'r1', currency: 'INR', order: { items: [] } } },
    };
    expect(send(interactive(details)).graphBody.interactive).toEqual(details);
    refuses(interactive({ ...details, action: { name: 'pay', parameters: {} } }), 'interactive.action.name');
    const status = {
      type: 'order_status',
      body: { text: 'Shipped' },
      action: { name: 'review_order', parameters: { reference_id: 'r1', order: { status: 'shipped' } } },
    };
    expect(send(interactive(status)).type).toBe('interactive');
    refuses(interactive({ ...status, header: { type: 'text', text: 'x' } }), 'interactive.header');
    refuses(interactive({ ...status, action: { name: 'review_order' } }), 'interactive.action.parameters');
  });

  it('reads a catalog button sub_type in either case and passes it on as written', () => {
    const button = { type: 'button', sub_type: 'CATALOG', index: 0, parameters: [{ type: 'action', action: {} }] };
    const request = send({
      type: 'template',
      template: { name: 'catalog_offer', language: { code: 'en_US' }, components: [button] },
    });
    expect(request.template?.components[0]).toMatchObject({ sub_type: 'catalog', index: '0' });
    expect((request.graphBody.template as Body).components).toEqual([button]);
  });

  it("takes a quick reply's text given as true or false, as Meta's own example does", () => {
    const button = (text: unknown) => ({
      type: 'template',
      template: {
        name: 'issue_resolution',
        language: { code: 'en_US' },
        components: [{ type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'text', text }] }],
      },
    });
    expect(send(button(true)).kind).toBe('template');
    refuses(button(''), 'template.components[0].parameters[0].text');
    refuses(button(1), 'template.components[0].parameters[0].text');
  });
});
