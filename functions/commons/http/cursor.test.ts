import { cursorCodec } from './cursor';

describe('history cursors', () => {
  const codec = cursorCodec('app-secret');
  const position = { pk: 'MSG#wamid.1', sk: 'MSG', historyPk: 'CONTACT#1#2', historySk: '000000000001#0#wamid.1' };

  it('give back the position for the same scope', () => {
    const cursor = codec.encode('1#2', position);
    expect(codec.decode('1#2', cursor)).toEqual(position);
  });

  it('do not show the position to the caller', () => {
    const cursor = codec.encode('1#2', position);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('CONTACT');
  });

  it('are refused for another contact, with another key, altered, or made up', () => {
    const cursor = codec.encode('1#2', position);
    expect(codec.decode('1#3', cursor)).toBeUndefined();
    expect(cursorCodec('other-secret').decode('1#2', cursor)).toBeUndefined();
    const flipped = `${cursor.slice(0, 20)}${cursor[20] === 'A' ? 'B' : 'A'}${cursor.slice(21)}`;
    expect(codec.decode('1#2', flipped)).toBeUndefined();
    expect(codec.decode('1#2', cursor.slice(0, -2))).toBeUndefined();
    expect(codec.decode('1#2', 'garbage')).toBeUndefined();
    expect(codec.decode('1#2', 'a.b')).toBeUndefined();
    expect(codec.decode('1#2', '')).toBeUndefined();
  });

  it('need a secret', () => {
    expect(() => cursorCodec('')).toThrow('non-empty secret');
  });
});
