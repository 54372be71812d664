import { expectFieldRefused, refusal } from '../testing/refusals';
import { EXAMPLE_LIMITS } from './schemas/template-example';
import { validateTemplateRegistration } from './validate-template';

const register = (
  components: unknown[],
  extra: Record<string, unknown> = {},
  name = 'order_update',
  language = 'en_US',
) => validateTemplateRegistration(name, language, { category: 'utility', components, ...extra });

const body = (text: string) => ({ type: 'BODY', text });
const vars = ' {{1}} {{2}}';
const briefVars = ' {{1}} {{customer_full_name}}';

describe('validateTemplateRegistration', () => {
  it('returns the template: category lower-cased, no status unless given (the store keeps its own), types upper-cased', () => {
    const template = validateTemplateRegistration('order_update', 'en_US', {
      category: 'UTILITY',
      components: [{ type: 'header', format: 'text', text: 'Order {{1}}' }, body('Hi {{1}}')],
    });
    expect(template).toEqual({
      name: 'order_update',
      language: 'en_US',
      category: 'utility',
      components: [{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, body('Hi {{1}}')],
    });
  });

  it('keeps a given status, upper-cased', () => {
    expect(register([body('Hi')], { status: 'paused' }).status).toBe('PAUSED');
    expectFieldRefused(() => register([body('Hi')], { status: 'LIVE' }), 'status');
  });

  it('takes the three categories only', () => {
    for (const category of ['marketing', 'utility', 'authentication']) {
      expect(validateTemplateRegistration('a', 'en', { category, components: [body('Hi')] }).category).toBe(category);
    }
    expectFieldRefused(
      () => validateTemplateRegistration('a', 'en', { category: 'service', components: [body('x')] }),
      'category',
    );
  });

  it('takes names of lower-case letters, digits and underscores up to 512', () => {
    expect(register([body('Hi')], {}, 'a'.repeat(512)).name).toHaveLength(512);
    expectFieldRefused(() => register([body('Hi')], {}, 'a'.repeat(513)), 'name');
    expectFieldRefused(() => register([body('Hi')], {}, 'Order-Update'), 'name');
  });

  it('takes language codes like en, en_US, pt_BR', () => {
    for (const language of ['en', 'en_US', 'pt_BR', 'fil'])
      expect(register([body('Hi')], {}, 'a', language).language).toBe(language);
    // Meta's webhooks write en-US where its API writes en_US: one template, one spelling.
    expect(['EN', 'en-US', 'en_us'].map((language) => register([body('Hi')], {}, 'a', language).language)).toEqual([
      'en',
      'en_US',
      'en_US',
    ]);
    for (const language of ['english', 'e', 'en-USA'])
      expectFieldRefused(() => register([body('Hi')], {}, 'a', language), 'language');
  });

  it('refuses a body that is not an object, and a name in the body that differs from the path', () => {
    expectFieldRefused(() => validateTemplateRegistration('a', 'en', [body('Hi')]), 'body');
    expectFieldRefused(() => register([body('Hi')], { name: 'other' }), 'name');
  });

  it('refuses missing components, unknown types, duplicates and a template without a BODY', () => {
    expectFieldRefused(() => register([]), 'components');
    expectFieldRefused(() => register([{ type: 'CAROUSEL' }]), 'components[0].type');
    expectFieldRefused(() => register([body('a'), body('b')]), 'components[1].type');
    expectFieldRefused(() => register([{ type: 'FOOTER', text: 'f' }]), 'components');
    expectFieldRefused(() => register([{ type: 'BODY' }]), 'components[0].text');
  });

  describe('length limits, variables not counted', () => {
    it('accepts a BODY of exactly 1024 fixed characters plus variables, refuses 1025', () => {
      expect(register([body('a'.repeat(1022) + vars)]).components).toHaveLength(1);
      expect(register([body('a'.repeat(1022) + briefVars)]).components).toHaveLength(1);
      expect(refusal(() => register([body('a'.repeat(1023) + briefVars)])).code).toBe('TEMPLATE_BODY_TOO_LONG');
      const error = refusal(() => register([body('a'.repeat(1023) + vars)]));
      expect([error.status, error.code, error.message]).toEqual([
        400,
        'TEMPLATE_BODY_TOO_LONG',
        'BODY text is 1025 characters without its variables; WhatsApp allows at most 1024',
      ]);
    });

    it('accepts a HEADER of 60 fixed characters plus a variable, refuses 61', () => {
      const header = (text: string) => ({ type: 'HEADER', format: 'TEXT', text });
      expect(register([header('h'.repeat(60) + '{{1}}'), body('Hi')]).components).toHaveLength(2);
      const error = refusal(() => register([header('h'.repeat(61) + '{{1}}'), body('Hi')]));
      expect([error.code, error.message]).toEqual([
        'TEMPLATE_HEADER_TOO_LONG',
        'HEADER text is 61 characters without its variables; WhatsApp allows at most 60',
      ]);
    });

    it('accepts a FOOTER of 60 characters, refuses 61', () => {
      expect(register([body('Hi'), { type: 'FOOTER', text: 'f'.repeat(60) }]).components).toHaveLength(2);
      const error = refusal(() => register([body('Hi'), { type: 'FOOTER', text: 'f'.repeat(61) }]));
      expect([error.code, error.message]).toEqual([
        'TEMPLATE_FOOTER_TOO_LONG',
        'FOOTER text is 61 characters without its variables; WhatsApp allows at most 60',
      ]);
    });
  });

  describe('variables', () => {
    it('allows a header at most 1 variable and a footer none', () => {
      expectFieldRefused(() => register([{ type: 'HEADER', text: '{{1}} {{2}}' }, body('Hi')]), 'components[0].text');
      expectFieldRefused(() => register([body('Hi'), { type: 'FOOTER', text: 'Bye {{1}}' }]), 'components[1].text');
    });

    it('numbers positional variables from {{1}} without gaps', () => {
      expectFieldRefused(() => register([body('Hi {{1}} {{3}}')]), 'components[0].text');
      expectFieldRefused(() => register([body('Hi {{0}}')]), 'components[0].text');
    });

    it('takes named variables of lower-case letters, digits and underscores', () => {
      expect(register([body('Hi {{first_name_2}}')]).components).toHaveLength(1);
      expectFieldRefused(() => register([body('Hi {{First}}')]), 'components[0].text');
    });
  });

  describe('media headers', () => {
    it('takes IMAGE, VIDEO, DOCUMENT and LOCATION without text', () => {
      for (const format of ['IMAGE', 'video', 'DOCUMENT', 'LOCATION']) {
        expect(register([{ type: 'HEADER', format }, body('Hi')]).components[0]?.format).toBe(format.toUpperCase());
      }
      expectFieldRefused(
        () => register([{ type: 'HEADER', format: 'IMAGE', text: 'x' }, body('Hi')]),
        'components[0].text',
      );
      expectFieldRefused(() => register([{ type: 'HEADER', format: 'AUDIO' }, body('Hi')]), 'components[0].format');
    });
  });

  describe('buttons', () => {
    const buttons = (...list: unknown[]) => register([body('Hi'), { type: 'BUTTONS', buttons: list }]);
    const reply = (text = 'Stop') => ({ type: 'QUICK_REPLY', text });

    it('takes 1 to 10 buttons', () => {
      expect(buttons(...Array.from({ length: 10 }, () => reply())).components[1]?.buttons).toHaveLength(10);
      expectFieldRefused(() => buttons(...Array.from({ length: 11 }, () => reply())), 'components[1].buttons');
      expectFieldRefused(() => buttons(), 'components[1].buttons');
    });

    it('limits labels to 25 characters', () => {
      expect(buttons(reply('r'.repeat(25))).components).toHaveLength(2);
      expectFieldRefused(() => buttons(reply('r'.repeat(26))), 'components[1].buttons[0].text');
      expectFieldRefused(() => buttons({ type: 'QUICK_REPLY' }), 'components[1].buttons[0].text');
    });

    it('takes a URL with at most one variable, at its end', () => {
      const url = (value: unknown) => ({ type: 'URL', text: 'Track', url: value });
      expect(buttons(url('https://example.com/t/{{1}}')).components[1]?.buttons?.[0]?.url).toBe(
        'https://example.com/t/{{1}}',
      );
      expectFieldRefused(() => buttons(url('https://example.com/{{1}}/{{2}}')), 'components[1].buttons[0].url');
      expectFieldRefused(() => buttons(url('https://example.com/{{1}}/x')), 'components[1].buttons[0].url');
      expectFieldRefused(() => buttons(url('example.com')), 'components[1].buttons[0].url');
      expectFieldRefused(() => buttons(url(undefined)), 'components[1].buttons[0].url');
    });

    it('limits URL buttons to 2, phone buttons to 1, copy-code buttons to 1', () => {
      const url = { type: 'URL', text: 'Go', url: 'https://example.com' };
      const phone = { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+16505551234' };
      expect(buttons(url, url, phone, { type: 'COPY_CODE' }).components[1]?.buttons).toHaveLength(4);
      expectFieldRefused(() => buttons(url, url, url), 'components[1].buttons');
      expectFieldRefused(() => buttons(phone, phone), 'components[1].buttons');
      expectFieldRefused(() => buttons({ type: 'COPY_CODE' }, { type: 'COPY_CODE' }), 'components[1].buttons');
    });

    it('needs a phone number of at most 20 characters on a phone button', () => {
      const phone = (value: unknown) => ({ type: 'PHONE_NUMBER', text: 'Call', phone_number: value });
      expect(buttons(phone('+'.padEnd(20, '1'))).components).toHaveLength(2);
      expectFieldRefused(() => buttons(phone('+'.padEnd(21, '1'))), 'components[1].buttons[0].phone_number');
      expectFieldRefused(() => buttons(phone(undefined)), 'components[1].buttons[0].phone_number');
    });
  });
});

describe('examples', () => {
  const withExample = (example: unknown) => register([{ type: 'BODY', text: 'Hi {{1}}', example }]);
  /** `{"body_text": [[…["Ana"]…]]}`: the object is level 1, each list one more, the sample the last. */
  const nested = (depth: number): unknown => {
    let value: unknown = 'Ana';
    for (let level = 2; level < depth; level++) value = [value];
    return { body_text: value };
  };
  // Counted as JSON: {"body_text": [["…"]]} is the sample plus 21 characters.
  const sized = (characters: number) => ({ body_text: [['x'.repeat(characters - 21)]] });

  it(`takes an example of ${EXAMPLE_LIMITS.depth} levels and ${EXAMPLE_LIMITS.characters} characters, refuses one more`, () => {
    expect(withExample(nested(EXAMPLE_LIMITS.depth)).components[0]?.example).toEqual(nested(EXAMPLE_LIMITS.depth));
    expect(withExample(sized(EXAMPLE_LIMITS.characters)).components).toHaveLength(1);
    for (const example of [nested(EXAMPLE_LIMITS.depth + 1), sized(EXAMPLE_LIMITS.characters + 1)]) {
      const error = refusal(() => withExample(example));
      expect([error.status, error.code]).toEqual([400, 'TEMPLATE_EXAMPLE_TOO_LARGE']);
      expect(error.message.startsWith('components[0].example: is ')).toBe(true);
    }
  });

  it("refuses an example that is not Meta's shape: an object on a component, samples on a button", () => {
    expectFieldRefused(() => withExample(['Ana']), 'components[0].example');
    const url = (example: unknown) => ({ type: 'URL', text: 'Go', url: 'https://example.com/{{1}}', example });
    const buttons = (example: unknown) => register([body('Hi'), { type: 'BUTTONS', buttons: [url(example)] }]);
    expect(buttons(['https://example.com/1']).components[1]?.buttons?.[0]?.example).toEqual(['https://example.com/1']);
    expect(buttons('SAVE10').components).toHaveLength(2);
    expectFieldRefused(() => buttons({ url: 'x' }), 'components[1].buttons[0].example');
    expectFieldRefused(() => buttons([1]), 'components[1].buttons[0].example');
  });
});
