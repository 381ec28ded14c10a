/**
 * `npm run demo`: the tenant workload against a local RabbitMQ, gated per tenant by the console's
 * kill switch (OFREP). The logic is in demo/publisher/; this is the command around it.
 */

import { errorText } from '../electron/core/errors/error-text';
import { BrokerUnreachable, runDemo } from './publisher/demo';
import { DEMO_USAGE, parseDemoOptions, UsageError } from './publisher/demo-options';

const say = (line: string) => console.log(`switchboard demo: ${line}`);

async function main(): Promise<number> {
  let options: ReturnType<typeof parseDemoOptions>;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`switchboard demo: ${error.message}\n\n${DEMO_USAGE}`);
    return 64;
  }
  if (options === 'help') {
    console.log(DEMO_USAGE);
    return 0;
  }
  let demo: Awaited<ReturnType<typeof runDemo>>;
  try {
    demo = await runDemo(options, say);
  } catch (error) {
    console.error(`switchboard demo: ${errorText(error)}`);
    return error instanceof BrokerUnreachable ? 69 : 1;
  }
  say('running; Ctrl-C stops');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('stopping');
  await demo.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('switchboard demo:', error);
    process.exit(1);
  },
);
