import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { type Env, envSchema } from './env-schema.js';
import { type HubFileConfig, hubFileSchema } from './file-schema.js';

/** The hub's whole configuration: the validated environment plus the optional `HUB_CONFIG` file. */
export interface HubConfig {
  env: Env;
  file: HubFileConfig;
  /** `PUBLIC_URL`, or `http://HOST:PORT`; links in emails and OAuth callbacks use only this. */
  publicUrl: string;
}

/** Raised for a bad configuration value; the message names the variable (or file field) to fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function describeIssues(error: z.ZodError, where: (path: string) => string): string {
  return error.issues.map((issue) => `  ${where(issue.path.join('.'))}: ${issue.message}`).join('\n');
}

/**
 * Reads the configuration from environment variables (default `process.env`) and the file named
 * by `HUB_CONFIG`. Throws a {@link ConfigError} that names each bad variable.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): HubConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${describeIssues(parsed.error, (p) => p)}`);
  }
  const env = parsed.data;
  if (env.HUB_DEV_MAIL && env.SMTP_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  HUB_DEV_MAIL: set either SMTP_URL (send mail) or HUB_DEV_MAIL=log (print it, for development), not both',
    );
  }
  let raw: unknown = {};
  if (env.HUB_CONFIG) {
    const path = resolve(env.HUB_CONFIG);
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`HUB_CONFIG: cannot read ${path} as JSON: ${(error as Error).message}`);
    }
  }
  const file = hubFileSchema.safeParse(raw);
  if (!file.success) {
    throw new ConfigError(
      `Invalid configuration in HUB_CONFIG (${env.HUB_CONFIG}):\n${describeIssues(file.error, (p) => p || '(root)')}`,
    );
  }
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  const publicUrl = (env.PUBLIC_URL ?? `http://${host}:${env.PORT}`).replace(/\/+$/, '');
  return { env, file: file.data, publicUrl };
}
