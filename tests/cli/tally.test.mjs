// The `coproduce tally` command line: a stable interface, so its JSON shape and exit statuses
// are tested here against the real binary. Real elections come from ../shared/data (skipped
// with a message when absent); small files are written to a temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.resolve(root, process.env.COPRODUCE_BIN || 'build/coproduce');
const shared = path.resolve(root, '../shared/data/votes');
const haveShared = existsSync(shared);
const skipShared = haveShared ? false : `../shared/data/votes is absent: real-election checks skipped`;

function tally(...args) {
  const run = spawnSync(bin, ['tally', ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function json(...args) {
  const run = tally(...args, '--json');
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'coproduce-tally-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
function file(name, text) {
  const p = path.join(scratch, name);
  writeFileSync(p, text);
  return p;
}

test('the binary exists', () => {
  assert.ok(existsSync(bin), `${bin} not found — run make build`);
});

test('Scottish STV prints every stage with 5 decimal places, as the published count', { skip: skipShared }, () => {
  for (const ward of ['glasgow2007_01_Anderston-City', 'glasgow2007_03_Calton']) {
    const expected = JSON.parse(readFileSync(path.join(shared, 'scotland', `${ward}.expected.json`), 'utf8'));
    const out = json(path.join(shared, 'scotland', `${ward}.blt`), '--method', 'stv-scottish');
    assert.equal(out.method, 'stv-scottish');
    assert.equal(out.seats, expected.seats);
    assert.deepEqual([...out.winners].sort(), [...expected.elected_names].sort());
    assert.ok(out.stages.length > 1);
    const names = Object.keys(out.stages[0].votes);
    assert.ok(names.length >= 8);
    for (const stage of out.stages) {
      assert.equal(typeof stage.action, 'string');
      assert.deepEqual(Object.keys(stage.votes).sort(), [...names].sort(), 'every candidate in every stage');
      for (const v of Object.values(stage.votes)) assert.match(v, /^-?\d+\.\d{5}$/);
      assert.match(stage.non_transferable, /^\d+\.\d{5}$/);
    }
  }
});

test('Schulze, ranked pairs and IRV winners on PrefLib files', { skip: skipShared }, () => {
  const dpl2002 = path.join(shared, 'preflib', '00002-00000001.soi');
  assert.deepEqual(json(dpl2002, '--method', 'schulze').winners, ['Bdale Garbee']);
  assert.deepEqual(json(dpl2002, '--method', 'ranked-pairs').winners, ['Bdale Garbee']);
  const dublin = path.join(shared, 'preflib', '00001-00000002.soi');
  // Names are as written in the file, with the party after the name.
  assert.deepEqual(json(dublin, '--method', 'irv').winners, ['Brian Lenihan F.F.']);
  assert.deepEqual(json(dublin, '--method', 'stv-meek', '--seats', '3').winners.sort(),
    ['Brian Lenihan F.F.', 'Joan Burton Lab', 'Joe Higgins S.P.']);
});

test('budgeting methods on Pabulib files', { skip: skipShared }, () => {
  const goclaw = json(path.join(shared, 'pabulib', 'Poland_Warszawa_2017_Goclaw.pb'), '--method', 'pb-greedy');
  assert.deepEqual([...goclaw.winners].sort(), ['1098', '1588', '1590', '1877', '2042', '33', '394', '48', '569', '62', '632'].sort());
  const assen = json(path.join(shared, 'pabulib', 'Netherlands_Assen_2024.pb'), '--method', 'pb-mes',
    '--completion', 'add1', '--tie-break', 'min-cost');
  assert.deepEqual([...assen.winners].sort(), ['11', '12', '13', '14', '2', '3', '5', '6', '9'].sort());
});

test('equal shares lists what each group of ballots paid only when asked', () => {
  const pb = file('small.pb', ['META', 'key;value', 'num_projects;3', 'num_votes;10', 'budget;100',
    'vote_type;approval', 'PROJECTS', 'project_id;cost', 'A;50', 'B;50', 'C;40', 'VOTES', 'voter_id;vote',
    ...[1, 2, 3, 4, 5].map((v) => `${v};A,B`), '6;A', ...[7, 8, 9, 10].map((v) => `${v};C`)].join('\n') + '\n');
  const plain = json(pb, '--method', 'pb-mes', '--completion', 'none');
  assert.deepEqual(plain.winners, ['A', 'C']);
  // The rounds say what each voter paid for each project: 6 paid 8.33 for A, 4 paid 10 for C.
  assert.deepEqual(plain.rounds[0].payments, [{ amount: '8.33', voters: 6 }]);
  assert.deepEqual(plain.rounds[1].payments, [{ amount: '10.00', voters: 4 }]);
  assert.equal(plain.voter_groups, undefined);
  const listed = json(pb, '--method', 'pb-mes', '--completion', 'none', '--voter-groups');
  assert.deepEqual(listed.voter_groups[0], { projects: ['A', 'B'], voters: 5, paid: { A: '8.33' }, left: '1.67' });
  assert.equal(listed.voter_groups.length, 3);
  // Readable: each round with what its supporters paid; the groups only when asked for.
  const readable = tally(pb, '--method', 'pb-mes', '--completion', 'none');
  assert.equal(readable.status, 0, readable.stderr);
  assert.match(readable.stdout, /Each voter had 10\.00 to spend\./);
  assert.match(readable.stdout, /1\. A, cost 50, 6 supporters, rho 0\.1666666667: 6 paid 8\.33/);
  assert.doesNotMatch(readable.stdout, /Ballot groups/);
  const groups = tally(pb, '--method', 'pb-mes', '--completion', 'none', '--voter-groups').stdout;
  assert.match(groups, /^ {2}A,B; 5; A 8\.33; kept 1\.67$/m);
  assert.match(groups, /^ {2}C; 4; C 10\.00; kept 0\.00$/m);
});

test('a small BLT counted readable and as JSON', () => {
  const blt = file('small.blt', '3 1\n4 1 2 0\n3 2 0\n2 3 2 0\n0\n"Ann"\n"Bob"\n"Cat"\n"Small"\n');
  const readable = tally(blt, '--method', 'irv');
  assert.equal(readable.status, 0, readable.stderr);
  assert.match(readable.stdout, /Elected: Bob/);
  assert.deepEqual(json(blt, '--method', 'irv').winners, ['Bob']);
  assert.deepEqual(json(blt, '--method', 'plurality').winners, ['Ann']);
});

test('malformed input exits 3 naming the file and line', () => {
  const bad = file('bad.blt', '3 1\n4 1 9 0\n0\n"Ann"\n"Bob"\n"Cat"\n"Bad"\n');
  const run = tally(bad, '--method', 'irv');
  assert.equal(run.status, 3);
  assert.match(run.stderr, /bad\.blt:2/);
  assert.equal(tally(path.join(scratch, 'missing.blt'), '--method', 'irv').status, 3);
});

test('usage errors exit 2', () => {
  const blt = file('ok.blt', '2 1\n1 1 0\n0\n"Ann"\n"Bob"\n"T"\n');
  assert.equal(tally(blt, '--method', 'no-such-method').status, 2);
  assert.equal(tally(blt).status, 2);
  assert.equal(tally(blt, '--method', 'pb-mes').status, 2);
  assert.equal(tally(blt, '--method', 'irv', '--weights', 'everyone').status, 2);
});
