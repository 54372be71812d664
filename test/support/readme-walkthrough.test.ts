import { answerDifferences, differences, walkthroughCommands } from './readme-walkthrough.ts';

const readme = [
  'intro',
  '```sh',
  'curl outside   # not in the walkthrough',
  '```',
  '<!-- walkthrough: runs -->',
  '```sh',
  'npm start -- --demo',
  '```',
  'Text between blocks.',
  '```sh',
  "curl -X POST localhost:3000/a -H 'x: y' \\",
  "  -d '{}'",
  '# {"ok":true}',
  '',
  'NOW=$(date +%s)',
  'curl localhost:3000/b',
  '# 42',
  '```',
  '```json',
  '{"not":"run"}',
  '```',
  '<!-- end of walkthrough -->',
  '```sh',
  'curl after',
  '```',
].join('\n');

describe('the README walkthrough reader', () => {
  it('takes the sh blocks between the markers, joins continued lines and pairs each answer with its command', () => {
    expect(walkthroughCommands(readme)).toEqual([
      { command: 'npm start -- --demo', line: 7 },
      { command: "curl -X POST localhost:3000/a -H 'x: y' \\\n  -d '{}'", answer: '{"ok":true}', line: 11 },
      { command: 'NOW=$(date +%s)', line: 15 },
      { command: 'curl localhost:3000/b', answer: '42', line: 16 },
    ]);
  });

  it('refuses a README without the markers, and an answer under no command', () => {
    expect(() => walkthroughCommands('no markers')).toThrow('no walkthrough markers');
    expect(() =>
      walkthroughCommands(
        ['<!-- walkthrough: x -->', '```sh', '# {}', '```', '<!-- end of walkthrough -->'].join('\n'),
      ),
    ).toThrow('line 3: an answer with no command');
  });
});

describe('comparing an answer with what the README shows', () => {
  it('checks the keys shown, lets … stand for any present value, and compares lists whole', () => {
    expect(differences({ a: 1, b: { c: '…' } }, { a: 1, b: { c: 'x', d: 2 }, e: 3 })).toEqual([]);
    expect(differences({ a: 1 }, { a: 2 })).toEqual(['$.a: 2, the README shows 1']);
    expect(differences({ b: { c: '…' } }, { b: {} })).toEqual(['$.b.c: missing']);
    expect(differences({ l: [] }, { l: [1] })).toEqual(['$.l: 1 items, the README shows 0']);
    expect(differences({ l: [{ k: 'v' }] }, { l: [{ k: 'w' }] })).toEqual(['$.l[0].k: "w", the README shows "v"']);
    expect(differences({ n: null }, { n: 0 })).toEqual(['$.n: 0, the README shows null']);
  });

  it('compares a text answer exactly and refuses output that is not JSON where JSON is shown', () => {
    expect(answerDifferences('42', '42')).toEqual([]);
    expect(answerDifferences('42', '43')).toEqual(['$: 43, the README shows 42']);
    expect(answerDifferences('ok', 'not ok')).toEqual(['"not ok", the README shows ok']);
    expect(answerDifferences('200 text/html', '200 text/html\n')).toEqual([]);
    expect(answerDifferences('{"a":1}', 'oops')).toEqual(['not JSON: "oops"']);
  });
});
