#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load-config.js';
import { commands } from './commands.js';

const USAGE = `Usage: smart-ai-hub <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`)
  .join('\n')}

Configuration comes from environment variables (see the README).`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const name =
    positionals.slice(0, 2).join(' ') in commands ? positionals.slice(0, 2).join(' ') : positionals[0];
  if (!name || values.help || !(name in commands)) {
    console.log(USAGE);
    return name && !(name in commands) ? 2 : 0;
  }
  const rest = argv.slice(argv.indexOf(name.split(' ').at(-1)!) + 1);
  return commands[name]!.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  },
  (error) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
