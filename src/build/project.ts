import { loadConfig, linkResolver, type Config } from '../config/index.ts';
import { emailsDir, loadTemplates } from '../render/templates.ts';
import type { RenderEnv } from '../render/render-message.ts';

export interface Project extends RenderEnv {
  root: string;
  config: Config;
  emailsDir: string;
}

/** Config + templates + link resolution: everything rendering needs, loaded once per build. */
export async function loadProject(root: string, opts: { fresh?: boolean } = {}): Promise<Project> {
  const config = loadConfig(root);
  const dir = emailsDir(root);
  const templates = await loadTemplates(dir, opts);
  return { root, config, templates, emailsDir: dir, resolveLink: linkResolver(config) };
}
