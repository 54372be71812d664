import {
  TEMPLATE_LIMITS,
  TEXT_BODY_LIMIT,
  characterCount,
  expectedParameters,
  fixedTextLength,
  lengthViolation,
  parameterMismatch,
  placeholderCount,
  placeholders,
  type Template,
  type TemplateComponent,
  type TemplateRequestComponent,
} from './templates';

const template = (...components: TemplateComponent[]): Template => ({
  name: 'order_update',
  language: 'en_US',
  category: 'utility',
  status: 'APPROVED',
  components,
});
const body = (text: string): TemplateComponent => ({ type: 'BODY', text });
const header = (text: string): TemplateComponent => ({ type: 'HEADER', format: 'TEXT', text });
const footer = (text: string): TemplateComponent => ({ type: 'FOOTER', text });
type Button = NonNullable<TemplateComponent['buttons']>[number];
const buttons = (...list: Button[]): TemplateComponent => ({ type: 'BUTTONS', buttons: list });
/** a quick reply (no parameter) and a URL button whose link takes one parameter, at index 1 */
const stopAndTrack: Button[] = [
  { type: 'QUICK_REPLY', text: 'Stop' },
  { type: 'URL', text: 'Track', url: 'https://example.com/t/{{1}}' },
];
const text = (value: string) => ({ type: 'text', text: value });
const params = (count: number) => Array.from({ length: count }, (_, i) => text(`value ${i}`));

describe('placeholders', () => {
  it('counts distinct positional and named variables', () => {
    expect(placeholderCount('Hi {{1}}, order {{2}} for {{1}}')).toBe(2);
    expect(placeholderCount('Hi {{first_name}}, order {{order_id}}')).toBe(2);
    expect(placeholderCount('no variables, {single} braces')).toBe(0);
    expect(placeholders('{{ 2 }} then {{1}}')).toEqual(['2', '1']);
  });

  it('measures text without its placeholders, in code points', () => {
    expect(fixedTextLength('Hi {{1}}!')).toBe(4);
    expect(fixedTextLength('Hi {{customer_full_name}}!')).toBe(4);
    expect(characterCount('👍é')).toBe(2);
  });

  it('states the limits', () => {
    expect(TEMPLATE_LIMITS).toEqual({ body: 1024, header: 60, footer: 60 });
    expect(TEXT_BODY_LIMIT).toBe(4096);
  });
});

describe('length limits (variables not counted)', () => {
  const vars = ' {{1}} {{customer_full_name}}';

  it('accepts a body of exactly 1024 fixed characters plus variables, refuses 1025', () => {
    expect(lengthViolation(template(body('a'.repeat(1022) + vars)))).toBeUndefined();
    expect(lengthViolation(template(body('a'.repeat(1023) + vars)))).toEqual({
      component: 'body',
      limit: 1024,
      length: 1025,
    });
  });

  it('accepts a header of 60 fixed characters plus its variable, refuses 61', () => {
    expect(lengthViolation(template(header('h'.repeat(60) + '{{1}}'), body('b')))).toBeUndefined();
    expect(lengthViolation(template(header('h'.repeat(61) + '{{1}}'), body('b')))).toEqual({
      component: 'header',
      limit: 60,
      length: 61,
    });
  });

  it('accepts a footer of 60 characters, refuses 61', () => {
    expect(lengthViolation(template(body('b'), footer('f'.repeat(60))))).toBeUndefined();
    expect(lengthViolation(template(body('b'), footer('f'.repeat(61))))?.component).toBe('footer');
  });

  it('ignores media headers', () => {
    expect(lengthViolation(template({ type: 'HEADER', format: 'IMAGE' }, body('b')))).toBeUndefined();
  });
});

describe('expectedParameters', () => {
  it('counts header, body and the buttons that take a parameter', () => {
    const t = template(
      header('Order {{1}}'),
      body('Hi {{1}}, {{2}}'),
      buttons(
        ...stopAndTrack,
        { type: 'URL', text: 'Home', url: 'https://example.com' },
        { type: 'COPY_CODE', example: 'SAVE10' },
      ),
    );
    expect(expectedParameters(t)).toEqual({
      header: 1,
      body: 2,
      buttons: [
        { index: 1, count: 1 },
        { index: 3, count: 1 },
      ],
    });
  });

  it('expects 1 parameter for a media or location header', () => {
    for (const format of ['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const) {
      expect(expectedParameters(template({ type: 'HEADER', format }, body('b'))).header).toBe(1);
    }
  });
});

describe('parameterMismatch', () => {
  const urlTemplate = template(
    header('Order {{1}}'),
    body('Hi {{1}}, your order {{2}} shipped'),
    buttons(...stopAndTrack),
  );
  const full: TemplateRequestComponent[] = [
    { type: 'header', parameters: params(1) },
    { type: 'body', parameters: params(2) },
    { type: 'button', sub_type: 'url', index: '1', parameters: params(1) },
  ];

  it('accepts matching counts, with long values that do not matter', () => {
    const long = [{ type: 'body' as const, parameters: [text('x'.repeat(5000)), text('y')] }];
    expect(parameterMismatch(urlTemplate, [full[0]!, ...long, full[2]!])).toBeUndefined();
  });

  it('names the body with expected and given counts', () => {
    const message = parameterMismatch(urlTemplate, [full[0]!, { type: 'body', parameters: params(1) }, full[2]!]);
    expect(message).toMatch(/^body: .*expects 2 parameters, the request gives 1/);
  });

  it('counts a component missing from the request as 0', () => {
    expect(parameterMismatch(urlTemplate, [full[1]!, full[2]!])).toMatch(
      /^header: .*expects 1 parameter, the request gives 0/,
    );
    expect(parameterMismatch(urlTemplate)).toMatch(/^header: /);
  });

  it('names the URL button', () => {
    expect(parameterMismatch(urlTemplate, [full[0]!, full[1]!])).toMatch(
      /^button 1 \(URL\): .*expects 1 parameter, the request gives 0/,
    );
  });

  it('refuses a media header without its parameter', () => {
    const t = template({ type: 'HEADER', format: 'IMAGE' }, body('Hi'));
    expect(parameterMismatch(t, [])).toMatch(/^header: .*expects 1 parameter, the request gives 0; send one image/);
    expect(
      parameterMismatch(t, [{ type: 'header', parameters: [{ type: 'image', image: { id: '1' } }] }]),
    ).toBeUndefined();
  });

  it('refuses parameters for a template without variables', () => {
    expect(parameterMismatch(template(body('Hello')), [{ type: 'body', parameters: params(1) }])).toMatch(
      /^body: .*expects 0 parameters, the request gives 1/,
    );
  });

  it("allows a quick reply's payload, or its text as Meta's own example gives it, but no text on a button that takes none", () => {
    const payload = { type: 'button' as const, sub_type: 'quick_reply', index: '0' };
    expect(
      parameterMismatch(urlTemplate, [...full, { ...payload, parameters: [{ type: 'payload', payload: 'STOP' }] }]),
    ).toBeUndefined();
    expect(parameterMismatch(urlTemplate, [...full, { ...payload, parameters: params(1) }])).toBeUndefined();
    const phone = template(body('Call us'), { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call' }] });
    expect(
      parameterMismatch(phone, [{ type: 'button', sub_type: 'voice_call', index: '0', parameters: params(1) }]),
    ).toMatch(/^button 0 \(PHONE_NUMBER\): /);
  });

  it('refuses a button index the template does not have', () => {
    const extra = { type: 'button' as const, sub_type: 'url', index: '5', parameters: params(1) };
    expect(parameterMismatch(urlTemplate, [...full, extra])).toMatch(/^button 5: .*has 2 buttons, none at index 5/);
  });

  it('expects the code for a copy-code button', () => {
    const t = template(body('Your offer'), { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE' }] });
    expect(parameterMismatch(t)).toMatch(/^button 0 \(COPY_CODE\): .*expects 1 parameter, the request gives 0/);
  });

  it('checks named variables by parameter_name', () => {
    const t = template(body('Hi {{first_name}}, order {{order_id}}'));
    const named = (a: string, b: string) => [
      {
        type: 'body' as const,
        parameters: [
          { ...text('Ana'), parameter_name: a },
          { ...text('42'), parameter_name: b },
        ],
      },
    ];
    expect(parameterMismatch(t, named('first_name', 'order_id'))).toBeUndefined();
    expect(parameterMismatch(t, named('first_name', 'orderid'))).toMatch(/^body: .*no parameter_name order_id/);
  });
});
