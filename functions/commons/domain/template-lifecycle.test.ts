import { componentsAfterEdit, normalizeLanguage, putStatusConflict, statusAfter } from './template-lifecycle';
import type { TemplateComponent } from './templates';

describe("a template's status through Meta's events", () => {
  it('takes the status an event names', () => {
    for (const event of ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'FLAGGED', 'LIMIT_EXCEEDED']) {
      expect(statusAfter({ status: 'APPROVED' }, event)).toEqual({ status: event });
    }
  });

  it('REINSTATED makes it sendable again', () => {
    expect(statusAfter({ status: 'PAUSED' }, 'REINSTATED')).toEqual({ status: 'APPROVED' });
  });

  it('ARCHIVED keeps the status before it, UNARCHIVED restores it', () => {
    const archived = statusAfter({ status: 'PAUSED' }, 'ARCHIVED');
    expect(archived).toEqual({ status: 'ARCHIVED', statusBeforeArchive: 'PAUSED' });
    expect(statusAfter(archived, 'ARCHIVED')).toEqual(archived);
    expect(statusAfter(archived, 'UNARCHIVED')).toEqual({ status: 'PAUSED' });
    // Unarchived again (a redelivery), or never seen archived: the status stays.
    expect(statusAfter({ status: 'PAUSED' }, 'UNARCHIVED')).toEqual({ status: 'PAUSED' });
    expect(statusAfter({ status: 'ARCHIVED' }, 'UNARCHIVED')).toEqual({ status: 'APPROVED' });
    expect(statusAfter({}, 'UNARCHIVED')).toEqual({ status: 'APPROVED' });
  });
});

describe('language codes', () => {
  it.each([
    ['en-US', 'en_US'],
    ['en_us', 'en_US'],
    ['EN', 'en'],
  ])('are one spelling: %s is %s', (code, spelling) => {
    expect(normalizeLanguage(code)).toBe(spelling);
  });

  it.each(['pt_BR', 'fil', 'a-b-c', 'en-'])(
    'leave %s as it is: one spelling already, or not a language-REGION pair',
    (code) => {
      expect(normalizeLanguage(code)).toBe(code);
    },
  );
});

describe('a PUT against the status Meta set', () => {
  const meta = { status: 'PAUSED', at: 1_760_000_000 };
  it('conflicts only when it names another status than Meta did', () => {
    expect(putStatusConflict(meta, 'APPROVED')).toBe(true);
    expect(putStatusConflict(meta, 'PAUSED')).toBe(false);
    expect(putStatusConflict(meta, undefined)).toBe(false);
    expect(putStatusConflict(undefined, 'APPROVED')).toBe(false);
  });
});

describe('componentsAfterEdit: Meta’s message_template_components_update', () => {
  const stored: TemplateComponent[] = [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['h'] } },
    { type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Ana']] } },
    { type: 'FOOTER', text: 'old footer' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Stop' },
        { type: 'URL', text: 'Old', url: 'https://old.example' },
      ],
    },
  ];

  it('keeps a media header and the buttons Meta does not list; replaces the text it names', () => {
    expect(
      componentsAfterEdit(stored, {
        body: 'Hello {{1}}',
        buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/{{1}}' }],
      }),
    ).toEqual([
      stored[0],
      { type: 'BODY', text: 'Hello {{1}}' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Track', url: 'https://example.com/{{1}}' },
          { type: 'QUICK_REPLY', text: 'Stop' },
        ],
      },
    ]);
  });

  it('a body whose text did not change keeps its example; a text header replaces the media one', () => {
    const after = componentsAfterEdit(stored, { body: 'Hi {{1}}', header: 'Order', footer: 'new', buttons: [] });
    expect(after[0]).toEqual({ type: 'HEADER', format: 'TEXT', text: 'Order' });
    expect(after[1]).toBe(stored[1]);
    expect(after[2]).toEqual({ type: 'FOOTER', text: 'new' });
    expect(after[3]).toEqual({ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }] });
  });

  it('a template never stored gets the parts Meta names', () => {
    expect(componentsAfterEdit([], { body: 'B', buttons: [{ type: 'PHONE_NUMBER', phoneNumber: '+1555' }] })).toEqual([
      { type: 'BODY', text: 'B' },
      { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', phone_number: '+1555' }] },
    ]);
  });
});
