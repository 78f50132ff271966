// The client side of live_across_processes.sh: listens to a vote's live results on process B
// and through nginx, casts a ballot through process A, and checks that both streams show it.
// Usage: node live_across_processes.mjs A_URL B_URL NGINX_URL VOTE_PATH SESSION_TOKEN
import assert from 'node:assert/strict';

const [a, b, proxy, vote, token] = process.argv.slice(2);
const kWaitMs = 15000;

// The "N ballots were cast" count in each event of a live-results stream, as they arrive.
async function listen(base) {
  const response = await fetch(`${base}${vote}/results/events`, {
    headers: { Accept: 'text/event-stream' },
  });
  assert.equal(response.status, 200, `${base}: the live results stream answered ${response.status}`);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const counts = [];
  const waiters = [];
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const match = /(\d+) ballots were cast/.exec(event);
        if (match) counts.push(Number(match[1]));
        for (const wake of waiters.splice(0)) wake();
      }
    }
  })().catch(() => {});
  return {
    counts,
    // Resolves once an event shows `count` ballots; fails after kWaitMs.
    async until(count) {
      const deadline = Date.now() + kWaitMs;
      while (!counts.includes(count)) {
        const left = deadline - Date.now();
        assert.ok(left > 0, `${base}: no event showed ${count} ballot(s); saw ${JSON.stringify(counts)}`);
        await new Promise((wake) => {
          waiters.push(wake);
          setTimeout(wake, left);
        });
      }
    },
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
process.exit(0);
