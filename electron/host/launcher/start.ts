/**
 * `npm start`: the Electron app when a binary is present, otherwise the web console.
 * Composition only; the decision lives in run-start.ts.
 */
import { fileURLToPath } from 'node:url';
import { createConsoleCore } from '../../core/console-core';
import { runStart } from './run-start';

const projectDir = fileURLToPath(new URL('../../../', import.meta.url));

await runStart(process.argv.slice(2), { projectDir, createCore: createConsoleCore });
