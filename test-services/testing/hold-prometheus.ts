/**
 * A test process that starts a private Prometheus, says where it is ({"pid","dir"} on one line),
 * and waits to be killed: how process-end.test.ts plays a test worker stopped by a signal.
 */
import { startPrometheus } from '../prometheus-instance';

const prometheus = await startPrometheus({ scrapeTargets: [] });
process.stdout.write(`${JSON.stringify({ pid: prometheus.pid, dir: prometheus.dir })}\n`);
setInterval(() => {}, 60_000);
