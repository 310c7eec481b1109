import type { Config } from '../config/index.ts';
import type { Problem } from '../shared/index.ts';

/** Names reserved for examples and local use (RFC 2606, RFC 6761): never a real sender's. */
const RESERVED = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;
const EXAMPLE_WORD = /\b(example|your name|lorem ipsum|todo|changeme)\b/i;

const hostOf = (value: string): string => {
  if (value.includes('@') && !value.includes('://')) return value.split('@').pop() ?? '';
  try {
    return new URL(value).hostname;
  } catch {
    return '';
  }
};

/**
 * Values left from the example config: addresses and links on reserved example domains, and
 * words like "Example" in the sender's name or postal address. Each names its field.
 */
export function placeholderProblems(config: Config): Problem[] {
  const problems: Problem[] = [];
  const domain = (field: string, value: string | undefined) => {
    if (value && RESERVED.test(hostOf(value))) problems.push({ code: 'config.placeholder', field, message: `"${value}" is a placeholder (${hostOf(value)} is reserved for examples)` });
  };
  const words = (field: string, value: string) => {
    if (EXAMPLE_WORD.test(value)) problems.push({ code: 'config.placeholder', field, message: `"${value}" looks like a placeholder ("${EXAMPLE_WORD.exec(value)![0]}")` });
  };
  words('sender.name', config.sender.name);
  domain('sender.email', config.sender.email);
  domain('sender.replyTo', config.sender.replyTo);
  words('postalAddress', config.postalAddress);
  domain('siteUrl', config.siteUrl);
  domain('publicUrl', config.publicUrl);
  domain('consultationUrl', config.consultationUrl);
  for (const [name, url] of Object.entries(config.links)) domain(`links.${name}`, url);
  domain('testAddress', config.testAddress);
  return problems;
}
