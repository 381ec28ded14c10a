import { describe, expect, it } from 'vitest';
import { ArgsError } from './serve-args';
import { splitStartArgs } from './start-args';

const refusal = (argv: string[]) => {
  try {
    splitStartArgs(argv);
  } catch (error) {
    if (error instanceof ArgsError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('npm start’s command line', () => {
  it('sorts the console’s options from Electron’s, Chromium’s and Node’s switches, each in order', () => {
    expect(
      splitStartArgs([
        '--no-sandbox',
        '--port',
        '0',
        '--ozone-platform=wayland',
        '--rabbitmq=http://127.0.0.1:15672',
        '--enable-logging',
        '--tenants',
        '7',
        '--inspect=9229',
        '--disable-gpu',
        '--no-spike',
        '--js-flags=--max-old-space-size=4096',
        '--ofrep-cors-origin',
        'http://a.test',
        '--ofrep-cors-origin=http://b.test',
      ]),
    ).toEqual({
      consoleArgs: [
        '--port',
        '0',
        '--rabbitmq=http://127.0.0.1:15672',
        '--tenants',
        '7',
        '--no-spike',
        '--ofrep-cors-origin',
        'http://a.test',
        '--ofrep-cors-origin=http://b.test',
      ],
      electronSwitches: [
        '--no-sandbox',
        '--ozone-platform=wayland',
        '--enable-logging',
        '--inspect=9229',
        '--disable-gpu',
        '--js-flags=--max-old-space-size=4096',
      ],
    });
  });

  it('keeps -h and --help with the console’s options', () => {
    expect(splitStartArgs(['-h', '--no-sandbox'])).toEqual({
      consoleArgs: ['-h'],
      electronSwitches: ['--no-sandbox'],
    });
  });

  it('refuses an option that is neither the console’s nor a switch Electron knows', () => {
    expect(refusal(['--rabit', 'http://127.0.0.1:15672'])).toBe(
      'unknown option --rabit (--help lists the options)',
    );
    expect(refusal(['--frobnicate=1'])).toBe('unknown option --frobnicate (--help lists the options)');
    expect(refusal(['-x'])).toBe('unknown option -x (--help lists the options)');
  });

  it('refuses a near miss of the console’s own options even where Chromium’s families would take it', () => {
    expect(refusal(['--no-spikes'])).toBe(
      'unknown option --no-spikes (did you mean --no-spike? --help lists the options)',
    );
    expect(refusal(['--tenant=5'])).toBe(
      'unknown option --tenant (did you mean --tenants? --help lists the options)',
    );
    expect(refusal(['--no-simulated'])).toBe('unknown option --no-simulated (--help lists the options)');
  });

  it('refuses a stray argument, and says where a switch’s value goes', () => {
    expect(refusal(['--remote-debugging-port', '9222'])).toBe(
      'unexpected argument "9222": every option starts with -- (an Electron switch takes its value after "=": --remote-debugging-port=9222)',
    );
    expect(refusal(['rabbitmq'])).toBe('unexpected argument "rabbitmq": every option starts with --');
  });
});
