import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envSchema } from '../../src/config/env-schema.js';

/** The repository's root, and the folder with the image, compose files and Kubernetes manifests. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');
export const DOCKER_DIR = join(REPO_ROOT, 'docker');

/** A repository file's text. */
export function readRepoFile(...path: string[]): string {
  return readFileSync(join(REPO_ROOT, ...path), 'utf8');
}

/** Every YAML document of a repository file, as plain values; a YAML error fails the test. */
export function readYamlDocuments(...path: string[]): Record<string, unknown>[] {
  const documents = parseAllDocuments(readRepoFile(...path), { merge: true });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    if (document.errors.length > 0) throw new Error(`${path.join('/')}: ${document.errors[0]?.message}`);
  }
  return list.map((document) => document.toJS() as Record<string, unknown>).filter((value) => value != null);
}

/** The variables the hub reads (`envSchema`): a name outside it in a deployment file is a typo. */
export const HUB_ENV_NAMES: ReadonlySet<string> = new Set(Object.keys(envSchema.shape));

/** A Dockerfile's instructions in order (keyword upper-cased, arguments as written), continuation lines joined, comments dropped. */
export function dockerfileInstructions(text: string): { keyword: string; args: string }[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}
