import type { Config } from './schema.ts';

export type LinkResolver = (name: string) => string | undefined;

/**
 * `link:NAME` in content resolves here: two names come from the config's own fields, the
 * rest from `links`. An unknown name resolves to undefined and the link becomes plain text.
 */
export function linkResolver(config: Pick<Config, 'consultationUrl' | 'siteUrl' | 'links'>): LinkResolver {
  return (name) => {
    if (name === 'consultation') return config.consultationUrl;
    if (name === 'site') return config.siteUrl;
    return Object.hasOwn(config.links, name) ? config.links[name] : undefined;
  };
}
