// Writes the inputs of the vote-counting benchmarks (bench/tally) into a folder, so that the
// C++ engine and the npm packages read the very same files. Everything is drawn from a fixed
// seed: two runs write byte-identical files.
//
//   node bench/js/generate.mjs OUT_DIR [SHARED_DATA_DIR]
//
// Files written (see BENCHMARKS.md, "Vote counting (issue 3)"):
//   schulze14.soc  14 candidates, 640,000 voters, strict complete orders (synthetic: Mallows)
//   stv.blt        a real Glasgow 2007 ward, its ballots repeated to reach >= 64,000 papers
//                  (synthetic 11-candidate, 4-seat profile when SHARED_DATA_DIR has no ward)
//   mes.pb         90,000 voters, 160 projects, approval (synthetic)
//   parse.blt, parse.soi, parse.pb   large files for the readers' throughput
//   inputs.json    what was written (sizes, voters, unique orders, where stv.blt came from)
import fs from 'node:fs';
import path from 'node:path';

const [outDir, sharedDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node generate.mjs OUT_DIR [SHARED_DATA_DIR]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// mulberry32: a small, fast 32-bit generator; plenty for synthetic ballots.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randInt = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1)); // inclusive

function shuffle(r, a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// Mallows model by repeated insertion: item i of the centre goes to position j of the first
// i+1 places with probability proportional to phi^(i-j) (j = i keeps the centre's order).
function mallowsSampler(m, phi) {
  const cumulative = [];
  for (let i = 0; i < m; i++) {
    const w = [];
    let total = 0;
    for (let j = 0; j <= i; j++) total += phi ** (i - j), w.push(total);
    cumulative.push(w.map((x) => x / total));
  }
  return (r, centre) => {
    const order = [];
    for (let i = 0; i < m; i++) {
      const u = r();
      const c = cumulative[i];
      let j = 0;
      while (c[j] < u) j++;
      order.splice(j, 0, centre[i]);
    }
    return order;
  };
}

// A mixture of Mallows models: `components` is [{weight, centre}] with weights summing to 1.
function mixtureSampler(m, phi, components) {
  const sample = mallowsSampler(m, phi);
  return (r) => {
    let u = r();
    for (const comp of components) {
      if (u < comp.weight) return sample(r, comp.centre);
      u -= comp.weight;
    }
    return sample(r, components[components.length - 1].centre);
  };
}

function writeFile(name, text) {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, text);
  return { file: name, bytes: Buffer.byteLength(text) };
}

function preflibText(name, title, type, candidates, counts) {
  // counts: Map(order string -> count); lines by count, largest first, as PrefLib files are.
  const lines = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const voters = lines.reduce((s, [, c]) => s + c, 0);
  const head = [
    `# FILE NAME: ${name}`,
    `# TITLE: ${title}`,
    `# DATA TYPE: ${type}`,
    `# NUMBER ALTERNATIVES: ${candidates.length}`,
    `# NUMBER VOTERS: ${voters}`,
    `# NUMBER UNIQUE ORDERS: ${lines.length}`,
    ...candidates.map((c, i) => `# ALTERNATIVE NAME ${i + 1}: ${c}`),
  ];
  return {
    text: head.join('\n') + '\n' + lines.map(([o, c]) => `${c}: ${o}`).join('\n') + '\n',
    voters,
    unique: lines.length,
  };
}

const info = {};

// --- Schulze: 14 candidates, 640,000 voters --------------------------------------------------
{
  const m = 14;
  const voters = 640_000;
  const r = rng(20260314);
  const ids = Array.from({ length: m }, (_, i) => i + 1);
  // Three blocs of voters around different orders, each spread by a Mallows model (phi 0.8:
  // close to the bloc's order at the top, noisy below), as in a contested 14-way election.
  const sampler = mixtureSampler(m, 0.8, [
    { weight: 0.45, centre: shuffle(r, [...ids]) },
    { weight: 0.35, centre: shuffle(r, [...ids]) },
    { weight: 0.2, centre: shuffle(r, [...ids]) },
  ]);
  const counts = new Map();
  for (let v = 0; v < voters; v++) {
    const key = sampler(r).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const candidates = ids.map((i) => `Candidate ${String(i).padStart(2, '0')}`);
  const p = preflibText('schulze14.soc', 'Synthetic 14-candidate election (Mallows mixture, seed 20260314)', 'soc', candidates, counts);
  info.schulze14 = { ...writeFile('schulze14.soc', p.text), voters: p.voters, unique_orders: p.unique };
}

// --- Scottish STV: a Glasgow ward scaled to >= 64,000 papers ---------------------------------
{
  const target = 64_000;
  const ward = sharedDir && path.join(sharedDir, 'votes/scotland/glasgow2007_02_Baillieston.blt');
  if (ward && fs.existsSync(ward)) {
    const lines = fs.readFileSync(ward, 'utf8').split(/\r?\n/);
    const end = lines.indexOf('0', 1); // the line "0" that ends the ballots
    const ballots = lines.slice(1, end).filter((l) => l.trim() !== '');
    const papers = ballots.reduce((s, l) => s + Number(l.trim().split(/\s+/)[0]), 0);
    const times = Math.ceil(target / papers);
    const out = [lines[0]];
    for (let k = 0; k < times; k++) out.push(...ballots);
    out.push(...lines.slice(end).filter((l, i, a) => i < a.length - 1 || l !== ''));
    info.stv = {
      ...writeFile('stv.blt', out.join('\n') + '\n'),
      source: 'glasgow2007_02_Baillieston.blt',
      ward_papers: papers,
      times,
      papers: papers * times,
      ballot_lines: ballots.length * times,
      seats: Number(lines[0].trim().split(/\s+/)[1]),
    };
  } else {
    // No shared data: 11 candidates, 4 seats, truncated Mallows orders, one line per paper.
    const r = rng(20070503);
    const m = 11;
    const ids = Array.from({ length: m }, (_, i) => i + 1);
    const sampler = mixtureSampler(m, 0.6, [
      { weight: 0.5, centre: shuffle(r, [...ids]) },
      { weight: 0.5, centre: shuffle(r, [...ids]) },
    ]);
    const out = [`${m} 4`];
    for (let v = 0; v < target; v++) {
      const len = Math.min(m, 1 + Math.floor(-Math.log(1 - r()) * 2.5));
      out.push(`1 ${sampler(r).slice(0, len).join(' ')} 0`);
    }
    out.push('0', ...ids.map((i) => `"Candidate ${i}"`), '"Synthetic 11-candidate ward"');
    info.stv = {
      ...writeFile('stv.blt', out.join('\n') + '\n'),
      source: 'synthetic (shared data not found)',
      papers: target,
      ballot_lines: target,
      seats: 4,
    };
  }
}

// --- Equal shares: 90,000 voters, 160 projects -----------------------------------------------
function pabulibText({ seed, voters, projects, budget, description }) {
  const r = rng(seed);
  // Costs log-uniform between 20,000 and 2,000,000, rounded to 100.
  const costs = Array.from({ length: projects }, () => Math.round(Math.exp(Math.log(20_000) + r() * Math.log(100)) / 100) * 100);
  // Popularity: Zipf-like weights 1/rank^0.8 over a shuffled project order.
  const rankOf = shuffle(r, Array.from({ length: projects }, (_, i) => i));
  const weight = rankOf.map((k) => 1 / (k + 1) ** 0.8);
  const cumulative = [];
  let total = 0;
  for (const w of weight) cumulative.push((total += w));
  const pick = () => {
    const u = r() * total;
    let lo = 0;
    let hi = projects - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const votes = new Array(projects).fill(0);
  const lines = [];
  const sexes = ['F', 'M'];
  for (let v = 1; v <= voters; v++) {
    const k = randInt(r, 5, 10);
    const chosen = new Set();
    while (chosen.size < k) chosen.add(pick());
    for (const p of chosen) votes[p]++;
    lines.push(`${v};${[...chosen].map((p) => p + 1).join(',')};${randInt(r, 16, 90)};${sexes[randInt(r, 0, 1)]}`);
  }
  const meta = [
    ['description', description],
    ['country', 'Nowhere'],
    ['unit', 'Synthetic'],
    ['instance', '2026'],
    ['num_projects', projects],
    ['num_votes', voters],
    ['budget', budget],
    ['vote_type', 'approval'],
    ['rule', 'equalshares/add1'],
    ['date_begin', '01.03.2026'],
    ['date_end', '15.03.2026'],
    ['min_length', 5],
    ['max_length', 10],
    ['currency', 'PLN'],
  ];
  const text = [
    'META',
    'key;value',
    ...meta.map(([k, v]) => `${k};${v}`),
    'PROJECTS',
    'project_id;cost;votes;name;category',
    ...costs.map((c, i) => `${i + 1};${c};${votes[i]};Project ${i + 1};public space`),
    'VOTES',
    'voter_id;vote;age;sex',
    ...lines,
  ].join('\n') + '\n';
  return { text, totalCost: costs.reduce((a, b) => a + b, 0) };
}
{
  const p = pabulibText({ seed: 90160, voters: 90_000, projects: 160, budget: 25_000_000, description: 'Synthetic city-wide approval vote (seed 90160)' });
  info.mes = { ...writeFile('mes.pb', p.text), voters: 90_000, projects: 160, budget: 25_000_000, total_cost: p.totalCost };
}

// --- Reader throughput ---------------------------------------------------------------------
{
  // BLT: 20 candidates, 5 seats, 1,200,000 papers one per line (as eSTV and OpenSTV write
  // unaggregated ballots), truncated Mallows orders of mean length about 4.
  const r = rng(1200020);
  const m = 20;
  const ids = Array.from({ length: m }, (_, i) => i + 1);
  const sampler = mixtureSampler(m, 0.7, [
    { weight: 0.6, centre: shuffle(r, [...ids]) },
    { weight: 0.4, centre: shuffle(r, [...ids]) },
  ]);
  const out = [`${m} 5`];
  const papers = 1_200_000;
  for (let v = 0; v < papers; v++) {
    const len = Math.min(m, 1 + Math.floor(-Math.log(1 - r()) * 3));
    out.push(`1 ${sampler(r).slice(0, len).join(' ')} 0`);
  }
  out.push('0', ...ids.map((i) => `"Candidate ${i}"`), '"Synthetic reader benchmark"');
  info.parse_blt = { ...writeFile('parse.blt', out.join('\n') + '\n'), papers };
}
{
  // PrefLib .soi: 30 alternatives, 1,500,000 voters, truncated orders, aggregated.
  const r = rng(1500030);
  const m = 30;
  const ids = Array.from({ length: m }, (_, i) => i + 1);
  const sampler = mixtureSampler(m, 0.85, [
    { weight: 0.5, centre: shuffle(r, [...ids]) },
    { weight: 0.5, centre: shuffle(r, [...ids]) },
  ]);
  const counts = new Map();
  for (let v = 0; v < 1_500_000; v++) {
    const len = Math.min(m, 1 + Math.floor(-Math.log(1 - r()) * 5));
    const key = sampler(r).slice(0, len).join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const p = preflibText('parse.soi', 'Synthetic reader benchmark', 'soi', ids.map((i) => `Alternative ${i}`), counts);
  info.parse_soi = { ...writeFile('parse.soi', p.text), voters: p.voters, unique_orders: p.unique };
}
{
  const p = pabulibText({ seed: 1000160, voters: 1_000_000, projects: 160, budget: 25_000_000, description: 'Synthetic reader benchmark (seed 1000160)' });
  info.parse_pb = { ...writeFile('parse.pb', p.text), voters: 1_000_000, projects: 160 };
}

fs.writeFileSync(path.join(outDir, 'inputs.json'), JSON.stringify(info, null, 2) + '\n');
console.log(JSON.stringify(info));
