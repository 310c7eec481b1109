#!/usr/bin/env node
// The CLI is written in TypeScript (and the templates in TSX); tsx compiles them on load
// so a fresh checkout runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
