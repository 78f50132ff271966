// The client side of live_across_processes.sh: listens to a vote's live results on process B
// and through nginx, casts a ballot through process A, and checks that both streams show it.
// Then the same for the demo conversation's live map: an answer given through A moves the
// map's version on B's stream and through nginx, and B's map shows one more person.
// Usage: node live_across_processes.mjs A_URL B_URL NGINX_URL VOTE_PATH SESSION_TOKEN
import assert from 'node:assert/strict';

const [a, b, proxy, vote, token] = process.argv.slice(2);
const kWaitMs = 15000;

// The events of a server-sent event stream as they arrive, and a wait for one of them.
async function eventStream(url, what) {
  const response = await fetch(url, { headers: { Accept: 'text/event-stream' } });
  assert.equal(response.status, 200, `${url}: ${what} answered ${response.status}`);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const events = [];
  const waiters = [];
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        events.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        for (const wake of waiters.splice(0)) wake();
      }
    }
  })().catch(() => {});
  return {
    events,
    // Resolves once `done()` holds; fails with `failure()` after kWaitMs.
    async waitFor(done, failure) {
      const deadline = Date.now() + kWaitMs;
      while (!done()) {
        const left = deadline - Date.now();
        assert.ok(left > 0, `${url}: ${failure()}`);
        await new Promise((wake) => {
          waiters.push(wake);
          setTimeout(wake, left);
        });
      }
    },
  };
}

// The "N ballots were cast" count in each event of a vote's live-results stream.
async function listen(base) {
  const stream = await eventStream(`${base}${vote}/results/events`, 'the live results stream');
  const counts = () => stream.events.map((e) => /(\d+) ballots were cast/.exec(e)).filter(Boolean).map((m) => Number(m[1]));
  return {
    get counts() {
      return counts();
    },
    until: (count) =>
      stream.waitFor(() => counts().includes(count), () => `no event showed ${count} ballot(s); saw ${JSON.stringify(counts())}`),
  };
}

const onB = await listen(b);
const viaNginx = await listen(proxy);
await onB.until(0);
await viaNginx.until(0);

const cast = await fetch(`${a}${vote}/ballot`, {
  method: 'POST',
  redirect: 'manual',
  headers: {
    'Content-Type': 'application/x-www-form-urlencoded',
    Cookie: `coproduce_session=${token}; coproduce_csrf=multiprocess-test`,
  },
  body: '_csrf=multiprocess-test&o0=yes',
});
assert.ok(cast.status < 400, `casting through process A answered ${cast.status}`);

await onB.until(1);
await viaNginx.until(1);
console.log(
  `live_across_processes: a ballot cast through A reached B (${JSON.stringify(onB.counts)}) ` +
    `and the stream through nginx (${JSON.stringify(viaNginx.counts)})`,
);

// ---- The demo conversation's live map ----
const headers = { Cookie: `coproduce_session=${token}; coproduce_csrf=multiprocess-test` };
const conversation = vote.replace(/\/votes\/\d+$/, '/conversations/1');

// The map's versions as a conversation's stream sends them.
async function versions(base) {
  const stream = await eventStream(`${base}${conversation}/events`, "the conversation's stream");
  const seen = () => stream.events.map((e) => e.replace(/^data: /, ''));
  return {
    get seen() {
      return seen();
    },
    until: (count) =>
      stream.waitFor(() => stream.events.length >= count, () => `fewer than ${count} map events; saw ${JSON.stringify(seen())}`),
  };
}

const mapOnB = await versions(b);
const mapViaNginx = await versions(proxy);
await mapOnB.until(1);
await mapViaNginx.until(1);
const page = await (await fetch(`${a}${conversation}`, { headers })).text();
const statement = /name="statement" value="(\d+)"/.exec(page)?.[1];
assert.ok(statement, 'the conversation page offers a statement to the voter');
const answer = await fetch(`${a}${conversation}/vote`, {
  method: 'POST',
  redirect: 'manual',
  headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: `_csrf=multiprocess-test&statement=${statement}&vote=agree`,
});
assert.equal(answer.status, 303, `answering through process A answered ${answer.status}`);
await mapOnB.until(2);
await mapViaNginx.until(2);
assert.notEqual(mapOnB.seen[1], mapOnB.seen[0], 'the map version moved on B');
const map = await (await fetch(`${b}${conversation}/map/live`)).text();
assert.match(map, /39 people are on the map/, 'B reads the new answer from the database');
console.log(
  `live_across_processes: an answer given through A moved the map on B (${JSON.stringify(mapOnB.seen)}) ` +
    `and through nginx (${JSON.stringify(mapViaNginx.seen)})`,
);
process.exit(0);
