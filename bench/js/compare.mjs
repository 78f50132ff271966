// Runs the npm vote-counting packages `votes` and `caritat` on the files that generate.mjs
// wrote, for the methods they implement, and prints one JSON line per (benchmark, package).
//
//   node bench/js/compare.mjs DATA_DIR [TASK...]      (tasks: see TASKS below; default all)
//
// As for the C++ benchmark, reading the file is not timed: each package first gets the
// ballots in its own format (identical ballots merged, as the C++ readers merge them). Then
// one warm-up count, then repetitions, each timed with process.hrtime.bigint(); the median is
// reported. Each task runs in a worker thread that is terminated when a single count takes
// longer than CAP_MS (60 s), so a package that is too slow is reported, not waited for.
import fs from 'node:fs';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const CAP_MS = Number(process.env.TALLY_JS_CAP_MS ?? 60_000);

// --- Readers (not timed) ---------------------------------------------------------------------

// A PrefLib file without ties (soc/soi): names, and [{order: [name...], count}] in file order.
function readPreflib(text) {
  const names = [];
  const ballots = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# ALTERNATIVE NAME (\d+): (.*)$/.exec(line);
      if (m) names[Number(m[1]) - 1] = m[2].trim();
      continue;
    }
    const colon = line.indexOf(':');
    const order = line.slice(colon + 1).trim();
    if (order.includes('{')) throw new Error('ties are not supported by this reader');
    ballots.push({
      count: Number(line.slice(0, colon)),
      order: order === '' ? [] : order.split(',').map((id) => names[Number(id) - 1]),
    });
  }
  return { candidates: names, seats: 1, ballots };
}

// A BLT file: identical ballot lines merged in order of first appearance, as ReadBlt does.
function readBlt(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const [m, seats] = lines[0].trim().split(/\s+/).map(Number);
  const merged = new Map();
  let i = 1;
  for (; lines[i].trim() !== '0'; i++) {
    const parts = lines[i].trim().split(/\s+/).map(Number);
    const key = parts.slice(1, -1).join(' ');
    merged.set(key, (merged.get(key) ?? 0) + parts[0]);
  }
  const names = lines.slice(i + 1, i + 1 + m).map((l) => JSON.parse(l));
  const ballots = [...merged].map(([key, count]) => ({
    count,
    order: key === '' ? [] : key.split(' ').map((id) => names[Number(id) - 1]),
  }));
  return { candidates: names, seats, ballots };
}

// --- Tasks -----------------------------------------------------------------------------------
// Each task: the input file, the reader, and per package a `prepare(input, pkg)` that converts
// the ballots (not timed) and returns `count()` (timed), which returns the outcome as text.

const toVotes = (input) => input.ballots.map((b) => ({ ranking: b.order.map((c) => [c]), weight: b.count }));

function toCaritat(input, caritat) {
  const election = new caritat.Election({ candidates: input.candidates });
  // Election#addBallot(ballot) ignores a count given beside the votes, so the Ballot is built
  // with its count; pushing skips a validation pass that does not change any ballot here.
  for (const b of input.ballots) election.ballots.push(new caritat.Ballot(b.order, b.count));
  return election;
}

const firstGroup = (ranking) => ranking[0].join(' = ');

const TASKS = {
  schulze14: {
    file: 'schulze14.soc',
    read: readPreflib,
    votes: (input, v) => {
      const ballots = toVotes(input);
      // Schulze in `votes` works on the duel matrix; building it from the ballots is the
      // bulk of the count, as in the C++, so it is timed.
      return () => firstGroup(new v.Schulze(v.utils.matrixFromBallots(ballots, input.candidates)).ranking());
    },
    caritat: (input, c) => {
      const election = toCaritat(input, c);
      return () => c.condorcet.schulze(election)[0];
    },
  },
  irv14: {
    file: 'schulze14.soc',
    read: readPreflib,
    votes: (input, v) => {
      const ballots = toVotes(input);
      return () => firstGroup(new v.InstantRunoff({ candidates: input.candidates, ballots }).ranking());
    },
    caritat: (input, c) => {
      const election = toCaritat(input, c);
      return () => c.irv(election, { tiebreak: (tied) => tied[0] });
    },
  },
  irvWard: {
    file: 'stv.blt',
    read: readBlt,
    votes: (input, v) => {
      const ballots = toVotes(input);
      return () => firstGroup(new v.InstantRunoff({ candidates: input.candidates, ballots }).ranking());
    },
    caritat: (input, c) => {
      const election = toCaritat(input, c);
      return () => c.irv(election, { tiebreak: (tied) => tied[0] });
    },
  },
  meekWard: {
    file: 'stv.blt',
    read: readBlt,
    caritat: (input, c) => {
      const election = toCaritat(input, c);
      return () => c.stv.meek(election, { seats: input.seats }).join(', ');
    },
  },
};
const PACKAGES = ['votes', 'caritat'];

// --- Worker: one (task, package) ----------------------------------------------------------------

async function runInWorker({ dir, task, pkg }) {
  const t = TASKS[task];
  const module = pkg === 'votes' ? await import('votes') : (await import('caritat')).default;
  let start = process.hrtime.bigint();
  const input = t.read(fs.readFileSync(path.join(dir, t.file), 'utf8'));
  const count = t[pkg](input, module);
  const convertMs = Number(process.hrtime.bigint() - start) / 1e6;
  parentPort.postMessage({ type: 'ready', convert_ms: convertMs, ballots: input.ballots.length });
  const runs = [];
  let outcome;
  // Warm-up, then up to 20 repetitions while they add up to less than 3 s (one only when a
  // count takes longer than 20 s).
  for (let k = 0; ; k++) {
    start = process.hrtime.bigint();
    outcome = count();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    parentPort.postMessage({ type: 'run', warmup: k === 0, ms });
    if (k > 0) runs.push(ms);
    const total = runs.reduce((a, b) => a + b, 0);
    if (k === 0 && ms > 20_000) {
      runs.push(ms);
      break;
    }
    if (runs.length >= 20 || (runs.length >= 3 && total > 3_000)) break;
  }
  parentPort.postMessage({ type: 'done', runs, outcome: String(outcome) });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function runTask(dir, task, pkg) {
  return new Promise((resolve) => {
    const base = { bench: task, package: pkg };
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { dir, task, pkg },
      resourceLimits: { maxOldGenerationSizeMb: 12_000 },
    });
    let info = {};
    let timer;
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...base, ...info, ...result });
      worker.terminate();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ status: 'timeout', note: `a count took longer than ${CAP_MS / 1000} s; stopped` }), CAP_MS);
    };
    worker.on('message', (m) => {
      if (m.type === 'ready') {
        info = { convert_ms: m.convert_ms, ballots: m.ballots };
        arm();
      } else if (m.type === 'run') {
        arm();
      } else if (m.type === 'done') {
        finish({ status: 'ok', median_ms: median(m.runs), runs: m.runs.length, outcome: m.outcome });
      }
    });
    worker.on('error', (e) => finish({ status: 'error', note: String(e.message ?? e).split('\n')[0] }));
    worker.on('exit', (code) => finish({ status: 'error', note: `worker exited with code ${code}` }));
  });
}

if (!isMainThread) {
  await runInWorker(workerData);
} else {
  const [dir, ...only] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node compare.mjs DATA_DIR [TASK...]');
    process.exit(2);
  }
  for (const task of only.length ? only : Object.keys(TASKS)) {
    for (const pkg of PACKAGES) {
      if (!TASKS[task][pkg]) {
        console.log(JSON.stringify({ bench: task, package: pkg, status: 'n/a', note: `${pkg} has no such method` }));
        continue;
      }
      console.log(JSON.stringify(await runTask(dir, task, pkg)));
    }
  }
}
