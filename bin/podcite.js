#!/usr/bin/env node
// The `podcite` command. podcite runs from its TypeScript sources: tsx (a dependency) compiles
// them as they load, in this process, so signals reach the server itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/podcite.ts');
const status = await main(process.argv.slice(2));
if (status !== 0) process.exitCode = status;
