export { configSchema, type Config, type ConfigInput } from './schema.ts';
export { loadConfig, validateConfig, CONFIG_DOCS, CONFIG_FILE } from './load.ts';
export { linkResolver, type LinkResolver } from './links.ts';
export { identityProblems } from './identity.ts';
