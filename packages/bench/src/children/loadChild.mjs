// Load generator for the API throughput section, in its own process so it does not share
// an event loop (or a core's time slice) with the HTTP API server it measures. Takes one
// JSON argument { url, method, headers, body, connections, durationSeconds, warmupSeconds }
// and prints autocannon's summary of the measured (post-warm-up) run as JSON, with the
// requests of the whole run and this process's own CPU time (lib/cpu.ts).
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const run = (durationSeconds) =>
  autocannon({
    url: options.url,
    method: options.method,
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    duration: durationSeconds,
  });

const warmup = options.warmupSeconds > 0 ? await run(options.warmupSeconds) : undefined;
const result = await run(options.durationSeconds);
const cpu = process.cpuUsage();
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    durationSeconds: result.duration,
    rps: result.requests.average,
    latency: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      average: result.latency.average,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats ?? {},
    windowRequests: (warmup?.requests.total ?? 0) + result.requests.total,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
);
