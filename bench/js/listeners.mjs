// Opens N Server-Sent Events connections to URL and waits until each has received its first
// event; prints one JSON line. Usage: node listeners.mjs URL N
import http from 'node:http';

const [url, n] = [process.argv[2], Number(process.argv[3] ?? 1000)];
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
let ready = 0;
const started = Date.now();
const requests = [];
await new Promise((resolve, reject) => {
  for (let i = 0; i < n; i++) {
    const req = http.get(url, { agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      let seen = false;
      res.on('data', (chunk) => {
        if (!seen && chunk.toString().includes('data: ')) {
          seen = true;
          if (++ready === n) resolve();
        }
      });
    });
    req.on('error', reject);
    requests.push(req);
  }
});
console.log(JSON.stringify({ listeners: ready, seconds: (Date.now() - started) / 1000 }));
// Keep them open until told to stop, so that the caller can measure the server.
process.on('SIGTERM', () => { for (const r of requests) r.destroy(); process.exit(0); });
setInterval(() => {}, 1000);
