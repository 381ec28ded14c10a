/**
 * `npm run serve`: the console in a browser, served by the web host on 127.0.0.1.
 * Composition only; the flow lives in run-serve.ts.
 */
import { fileURLToPath } from 'node:url';
import { createConsoleCore } from '../../core/console-core';
import { runServe } from './run-serve';

const projectDir = fileURLToPath(new URL('../../../', import.meta.url));

await runServe(process.argv.slice(2), { projectDir, createCore: createConsoleCore });
