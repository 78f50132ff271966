// Prints the table of bench/tally: the C++ benchmark's JSON output (cpp.json) beside the npm
// packages' timings (js.jsonl), with the goals of issue 3 and the ratio JS time / C++ time.
//
//   node bench/js/report.mjs DATA_DIR
//
// C++ times are wall-clock (real_time), the median of the repetitions when there are several;
// CPU time is shown beside it when the two differ by more than 15 % (a loaded machine).
// JS times are the median of process.hrtime.bigint() repetitions after a warm-up.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const cpp = JSON.parse(fs.readFileSync(path.join(dir, 'cpp.json'), 'utf8'));
const js = fs.existsSync(path.join(dir, 'js.jsonl'))
  ? fs.readFileSync(path.join(dir, 'js.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
const inputs = JSON.parse(fs.readFileSync(path.join(dir, 'inputs.json'), 'utf8'));

const toMs = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 };
function cppRun(name) {
  const runs = cpp.benchmarks.filter((b) => { const n = b.run_name ?? b.name; return n === name || n.startsWith(`${name}/repeats:`); });
  const median = runs.find((b) => b.aggregate_name === 'median');
  const run = median ?? runs.find((b) => b.run_type !== 'aggregate');
  if (!run) return null;
  if (run.error_occurred) return { error: run.error_message };
  const ms = run.real_time * toMs[run.time_unit];
  const cpuMs = run.cpu_time * toMs[run.time_unit];
  return { ms, cpuMs, label: run.label ?? '', repetitions: runs.filter((b) => b.run_type !== 'aggregate').length || (run.repetitions ?? 1) };
}

const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const ratio = (a, b) => (a / b >= 100 ? `×${Math.round(a / b).toLocaleString('en')}` : `×${(a / b).toFixed(1)}`);

const ward = inputs.stv;
const wardName = ward.source.startsWith('glasgow')
  ? `Glasgow 2007 Baillieston ×${ward.times} (${ward.papers.toLocaleString('en')} papers)`
  : `synthetic ward (${ward.papers.toLocaleString('en')} papers; shared data absent)`;
const rows = [
  { name: 'Schulze, 14 candidates, 640,000 voters (synthetic)', cpp: 'BM_Schulze_14x640k', js: 'schulze14', goalMs: 50 },
  { name: 'IRV, same 640,000 voters', cpp: 'BM_Irv_14x640k', js: 'irv14' },
  { name: `Scottish STV, ${wardName}`, cpp: 'BM_ScottishStv_Ward', goalMs: 10, none: 'no Scottish STV' },
  { name: 'Scottish STV, same papers, one ballot per paper', cpp: 'BM_ScottishStv_WardOneBallotPerPaper', goalMs: 10, none: 'no Scottish STV' },
  { name: 'Meek STV, same ward', cpp: 'BM_MeekStv_Ward', js: 'meekWard', missing: 'no Meek' },
  { name: 'IRV, same ward (1 seat)', cpp: 'BM_Irv_Ward', js: 'irvWard' },
  { name: 'Equal shares + add1u, 90,000 voters, 160 projects (synthetic)', cpp: 'BM_EqualShares_90kx160/add1u:1', goalMs: 200, none: 'no equal shares' },
  { name: 'Same, also listing what each of the 90,000 ballot groups paid (`--voter-groups`)', cpp: 'BM_EqualShares_90kx160/add1u:2', none: 'no equal shares' },
  { name: 'Same count, vectors of 4 doubles (a processor with AVX2, no AVX-512)', cpp: 'BM_EqualShares_90kx160_Width/width:4', none: 'no equal shares' },
  { name: 'Same count, vectors of 2 doubles (SSE2 only)', cpp: 'BM_EqualShares_90kx160_Width/width:2', none: 'no equal shares' },
  { name: 'Equal shares, one MES run (no completion), same instance', cpp: 'BM_EqualShares_90kx160/add1u:0', none: 'no equal shares' },
  { name: 'Greedy, same instance', cpp: 'BM_Greedy_90kx160', none: 'no PB methods' },
  { name: `Read BLT (${(inputs.parse_blt.bytes / 1e6).toFixed(0)} MB)`, cpp: 'BM_Parse_Blt', bytes: inputs.parse_blt.bytes, goalMbs: 100, none: 'no reader' },
  { name: `Read PrefLib .soi (${(inputs.parse_soi.bytes / 1e6).toFixed(0)} MB)`, cpp: 'BM_Parse_Preflib', bytes: inputs.parse_soi.bytes, goalMbs: 100, none: 'no reader' },
  { name: `Read Pabulib .pb (${(inputs.parse_pb.bytes / 1e6).toFixed(0)} MB)`, cpp: 'BM_Parse_Pabulib', bytes: inputs.parse_pb.bytes, goalMbs: 100, none: 'no reader' },
];

function jsCell(row, pkg, c) {
  if (!row.js) return { text: row.none ?? 'n/a' };
  const r = js.find((x) => x.bench === row.js && x.package === pkg);
  if (!r) return { text: 'not run' };
  if (r.status === 'n/a') return { text: row.missing ?? 'no such method' };
  if (r.status === 'timeout') {
    // Stopped at the cap: the time is at least the cap, so the ratio is at least cap / C++.
    const cap = Number(process.env.TALLY_JS_CAP_MS ?? 60000);
    return { text: `> ${cap / 1000} s (stopped)`, ratio: c && !c.error ? `> ${ratio(cap, c.ms)}` : '' };
  }
  if (r.status !== 'ok') return { text: `failed: ${r.note}` };
  return { text: ms(r.median_ms), ratio: c && !c.error ? ratio(r.median_ms, c.ms) : '', outcome: r.outcome };
}

const out = [];
out.push('| benchmark | goal | C++ | votes | caritat | votes ÷ C++ | caritat ÷ C++ | goal met |');
out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
const outcomes = [];
for (const row of rows) {
  const c = cppRun(row.cpp);
  let cppText;
  let goal = '';
  let met = '';
  if (!c) cppText = 'not run';
  else if (c.error) cppText = `skipped: ${c.error}`;
  else if (row.bytes) {
    const mbs = row.bytes / 1e6 / (c.ms / 1000);
    cppText = `${mbs.toFixed(1)} MB/s (${ms(c.ms)}`;
  } else cppText = `${ms(c.ms)} (`;
  // Wall-clock and CPU time differ only when other processes share the cores.
  if (c && !c.error) {
    if (c.ms > 1.15 * c.cpuMs) cppText += `${row.bytes ? ', ' : ''}CPU ${ms(c.cpuMs)}`;
    cppText = `${cppText})`.replace(/ \(\)$/, '');
  }
  if (row.goalMs) {
    goal = `≤ ${row.goalMs} ms`;
    if (c && !c.error) met = c.ms <= row.goalMs ? 'yes' : `**no** (${ratio(c.ms, row.goalMs)} over)`;
  }
  if (row.goalMbs) {
    goal = `≥ ${row.goalMbs} MB/s`;
    if (c && !c.error) {
      const mbs = row.bytes / 1e6 / (c.ms / 1000);
      met = mbs >= row.goalMbs ? 'yes' : `**no** (${mbs.toFixed(0)} MB/s)`;
    }
  }
  const v = jsCell(row, 'votes', c);
  const k = jsCell(row, 'caritat', c);
  out.push(`| ${row.name} | ${goal || '—'} | ${cppText} | ${v.text} | ${k.text} | ${v.ratio ?? '—'} | ${k.ratio ?? '—'} | ${met || '—'} |`);
  if (c && !c.error && c.label) {
    const parts = [`C++ ${c.label}`];
    if (v.outcome) parts.push(`votes: ${v.outcome}`);
    if (k.outcome) parts.push(`caritat: ${k.outcome}`);
    outcomes.push(`- ${row.name}: ${parts.join('; ')}`);
  }
}
console.log(out.join('\n'));
console.log('\nOutcomes (the same input must give the same winners):');
console.log(outcomes.join('\n'));
const slow = js.filter((r) => r.status === 'ok' && r.convert_ms > 0);
if (slow.length) {
  console.log('\nJS conversion to each package\'s ballot format (not timed above): ' +
    slow.map((r) => `${r.bench}/${r.package} ${ms(r.convert_ms)}`).join(', '));
}
