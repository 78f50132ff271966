// The `coproduce opinion` command line: a stable interface, so its JSON shape and exit
// statuses are tested here against the real binary. Real Pol.is conversations come from
// ../shared/data/polis (skipped with a message when absent); small exports are written to a
// temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.resolve(root, process.env.COPRODUCE_BIN || 'build/coproduce');
const polis = path.resolve(root, '../shared/data/polis');
const skipShared = existsSync(polis) ? false : '../shared/data/polis is absent: real-conversation checks skipped';

function opinion(...args) {
  const run = spawnSync(bin, ['opinion', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function json(...args) {
  const run = opinion(...args, '--json');
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'coproduce-opinion-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
function folder(name, files) {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

// A small export: two camps of 10 who disagree on comments 0-2 and agree on 3-5.
function twoCamps() {
  let votes = 'timestamp,datetime,comment-id,voter-id,vote\n';
  let t = 1000;
  for (let p = 0; p < 20; p++) {
    for (let c = 0; c < 6; c++) {
      const vote = c >= 3 ? 1 : p < 10 ? 1 : -1;
      votes += `${t},x,${c},${p},${vote}\n`;
      t += 500;
    }
  }
  const comments = 'timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n' +
    [0, 1, 2, 3, 4, 5].map((c) => `1,${c},0,0,0,1,"Statement ${c}, with a comma"`).join('\n') + '\n';
  return folder('camps', { 'votes.csv': votes, 'comments.csv': comments });
}

test('the binary exists', () => {
  assert.ok(existsSync(bin), `${bin} not found — run make build`);
});

test('JSON has participants, groups, comments and consensus', () => {
  const out = json(twoCamps());
  assert.equal(out.participants.length, 20);
  for (const p of out.participants) {
    assert.equal(typeof p.id, 'string');
    assert.ok(p.group === null || Number.isInteger(p.group));
    assert.equal(typeof p.x, 'number');
    assert.equal(typeof p.y, 'number');
  }
  assert.equal(out.groups.length, 2);
  const groupOf = Object.fromEntries(out.participants.map((p) => [p.id, p.group]));
  for (let p = 1; p < 10; p++) assert.equal(groupOf[String(p)], groupOf['0']);
  for (let p = 11; p < 20; p++) assert.equal(groupOf[String(p)], groupOf['10']);
  assert.notEqual(groupOf['0'], groupOf['10']);
  for (const g of out.groups) {
    assert.equal(g.size, 10);
    assert.ok(g.representative.length > 0);
    for (const r of g.representative) assert.ok(['0', '1', '2'].includes(r.id), `group ${g.id} shows ${r.id}`);
  }
  assert.equal(out.comments.length, 6);
  for (const c of out.comments) assert.equal(typeof c.group_informed_consensus, 'number');
  assert.deepEqual(out.consensus.agree.map((e) => e.id).sort(), ['3', '4', '5']);
  assert.deepEqual(out.consensus.disagree, []);
});

test('readable output names the groups and the statements', () => {
  const run = opinion(twoCamps());
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /20 participants/);
  assert.match(run.stdout, /2 opinion groups/);
  assert.match(run.stdout, /Statement 3, with a comma/);
});

test('--groups gives statistics for declared groups, labels as written', () => {
  const groups = path.join(scratch, 'sectors.csv');
  let csv = 'participant,group\n';
  for (let p = 0; p < 20; p++) csv += `${p},${p % 2 ? 'citizens' : 'third sector'}\n`;
  writeFileSync(groups, csv);
  const out = json(twoCamps(), '--groups', groups);
  assert.deepEqual(out.groups.map((g) => g.id).sort(), ['citizens', 'third sector']);
  assert.equal(out.participants.find((p) => p.id === '3').group, 'citizens');
  assert.deepEqual(out.consensus.agreed_by_every_group.sort(), ['3', '4', '5']);
  assert.equal(out.opinion_groups.length, 2);
});

test('--replay updates batch by batch and ends with the same votes', () => {
  const cold = json(twoCamps());
  const replayed = json(twoCamps(), '--replay');
  assert.equal(replayed.votes, cold.votes);
  assert.equal(replayed.groups.length, 2);
});

test('malformed input is exit status 3 with the file and line', () => {
  const bad = folder('bad', { 'votes.csv': 'timestamp,comment-id,voter-id,vote\n1,2,3,1\n2,2,4,yes\n' });
  const run = opinion(bad);
  assert.equal(run.status, 3);
  assert.match(run.stderr, /votes\.csv:3: The vote "yes" must be 1, -1 or 0\./);
  assert.equal(run.stdout, '');
  const empty = folder('empty', {});
  const none = opinion(empty);
  assert.equal(none.status, 3);
  assert.match(none.stderr, /needs votes\.csv or participants-votes\.csv/);
  const groups = path.join(scratch, 'bad-groups.csv');
  writeFileSync(groups, 'participant,group\n1,a\n1,b\n');
  const twice = opinion(twoCamps(), '--groups', groups);
  assert.equal(twice.status, 3);
  assert.match(twice.stderr, /bad-groups\.csv:3: Participant 1 is listed twice/);
});

test('usage errors are exit status 2', () => {
  assert.equal(opinion().status, 2);
  assert.equal(opinion(twoCamps(), '--colour').status, 2);
  const matrixOnly = folder('matrix', { 'participants-votes.csv': 'participant,group-id,0\n0,,1\n' });
  const run = opinion(matrixOnly, '--replay');
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--replay needs votes\.csv/);
});

test('group-informed consensus from Polis\'s own groups equals Polis\'s column', { skip: skipShared }, () => {
  const dir = path.join(polis, 'bg2050-volunteers');
  const groups = path.join(scratch, 'published.csv');
  writeFileSync(groups, 'participant,group\n' + publishedGroups(dir).map(([id, g]) => `${id},${g}`).join('\n') + '\n');
  const out = json(dir, '--groups', groups);
  const published = new Map();
  for (const line of readFileSync(path.join(dir, 'comments.csv'), 'utf8').split('\n').slice(1)) {
    const cells = line.split(',');
    if (cells.length > 8 && /^\d/.test(cells[0])) published.set(cells[1], Number(cells[8]));
  }
  assert.equal(published.size, 371);
  let compared = 0;
  for (const c of out.comments) {
    if (!published.has(c.id)) continue;
    assert.ok(Math.abs(c.group_informed_consensus - published.get(c.id)) <= 1e-9, `comment ${c.id}`);
    compared++;
  }
  assert.equal(compared, 371);
});

test('Polis conversations: our groups against Polis\'s published ones', { skip: skipShared }, () => {
  for (const [name, bar] of [['bg2050-volunteers', 0.95], ['scoop-hivemind.biodiversity', 0.95]]) {
    const dir = path.join(polis, name);
    const theirs = new Map(publishedGroups(dir).map(([id, g]) => [id, g === '' ? null : g]));
    const out = json(dir);
    const pairs = out.participants.filter((p) => p.group !== null && theirs.get(p.id) != null);
    const ari = adjustedRand(pairs.map((p) => p.group), pairs.map((p) => theirs.get(p.id)));
    assert.ok(ari >= bar, `${name}: adjusted Rand index ${ari}`);
  }
});

// [participant, Polis's group-id ('' when not clustered)] from participants-votes.csv.
function publishedGroups(dir) {
  const [header, ...rows] = readFileSync(path.join(dir, 'participants-votes.csv'), 'utf8').trim().split('\n');
  const column = header.split(',').indexOf('group-id');
  return rows.map((r) => r.split(',')).map((c) => [c[0], c[column]]);
}

function adjustedRand(a, b) {
  const count = (m, k) => m.set(k, (m.get(k) || 0) + 1);
  const both = new Map(), left = new Map(), right = new Map();
  a.forEach((x, i) => { count(both, `${x}|${b[i]}`); count(left, x); count(right, b[i]); });
  const pairs = (n) => (n * (n - 1)) / 2;
  const sum = (m) => [...m.values()].reduce((s, n) => s + pairs(n), 0);
  const index = sum(both), expected = (sum(left) * sum(right)) / pairs(a.length), max = (sum(left) + sum(right)) / 2;
  return (index - expected) / (max - expected);
}
