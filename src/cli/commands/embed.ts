import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { linkResolver, loadConfig } from '../../config/index.ts';
import { loadSeries } from '../../content/index.ts';
import { escapeHtml } from '../../render/escape.ts';
import { CoursemailError } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/** The same field names the hosted form uses (src/server/public/pages.ts). */
function embedSnippet(publicUrl: string, seriesId: string, title: string): string {
  const action = escapeHtml(`${publicUrl.replace(/\/+$/, '')}/subscribe/${encodeURIComponent(seriesId)}`);
  return `<!-- coursemail sign-up form: ${escapeHtml(title)}. Plain HTML; nothing is loaded from anywhere else. -->
<form method="post" action="${action}" accept-charset="utf-8">
  <label for="cm-email">Email address</label>
  <input id="cm-email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254">
  <label for="cm-first-name">First name (optional)</label>
  <input id="cm-first-name" name="first_name" type="text" autocomplete="given-name" maxlength="100">
  <input type="hidden" name="timezone" value="">
  <div style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden" aria-hidden="true">
    <label for="cm-website">Leave this field empty</label>
    <input id="cm-website" name="website" type="text" tabindex="-1" autocomplete="off">
  </div>
  <button type="submit">Send me the course</button>
</form>
<!-- Optional: sends the reader's time zone so lessons arrive in their morning (without it, the course's zone is used). -->
<script>try{document.querySelector('form[action="${action}"] input[name=timezone]').value=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}</script>`;
}

/** `embed SERIES`: an HTML form for the author's own site, posting to the subscribe endpoint. */
export const embedCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'embed', description: 'print an HTML sign-up form for your own site (posts to publicUrl/subscribe/SERIES)' },
    args: { ...rootArg, series: { type: 'positional', description: 'series id', required: true } },
    run: ({ args }) => {
      const root = resolve(args.root);
      const config = loadConfig(root);
      const { course, problems } = loadSeries(root, args.series, linkResolver(config));
      if (!course) throw new CoursemailError('embed.series', `Series "${args.series}" does not load:`, problems);
      io.out(embedSnippet(config.publicUrl, args.series, course.title));
      const site = new URL(config.siteUrl).origin;
      const allowed = config.allowedOrigins.map((o) => new URL(o).origin);
      if (!allowed.includes(site)) {
        io.err(
          `note: posts from another site are refused unless its origin is listed: add "allowedOrigins": ["${site}"] to coursemail.config.json (the page holding this form).`,
        );
      }
      io.err(
        'note: the page holding the form must not send "Referrer-Policy: no-referrer" (or same-origin): browsers then post it with "Origin: null", which is refused. The default policy works.',
      );
      return 0;
    },
  });
