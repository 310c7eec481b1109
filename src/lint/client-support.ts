import { caniemail, rawData } from 'caniemail';

/** The clients most of this audience reads in: hospital Outlook, Gmail, Apple Mail on phones. */
const DEFAULT_CLIENTS = ['gmail.*', 'outlook.windows', 'outlook.macos', 'outlook.outlook-com', 'apple-mail.*', 'yahoo.desktop-webmail'];

export interface ClientSupportIssue {
  /** caniemail's feature title, e.g. "color-scheme meta tag", "border-radius". */
  feature: string;
  /** `none`: the client drops it; `partial`: supported with caveats (see notes). */
  support: 'none' | 'partial';
  clients: string[];
  notes: string[];
  /** How many places in the HTML use it (summed over clients). */
  occurrences: number;
  /** caniemail.com's page on the feature. */
  url?: string;
}

type Issues = ReturnType<typeof caniemail>['issues'];

/**
 * HTML and CSS the chosen clients drop or only partly support, from caniemail.com's data,
 * one entry per feature. Advice only: several of these are harmless by design (the
 * color-scheme meta is ignored where unsupported). Unsupported first, then by reach.
 */
export function clientSupport(html: string, clients: string[] = DEFAULT_CLIENTS): ClientSupportIssue[] {
  const { issues } = caniemail({ clients: clients as Parameters<typeof caniemail>[0]['clients'], html });
  const byFeature = new Map<string, ClientSupportIssue>();
  const add = (support: ClientSupportIssue['support'], map: Issues['errors'] | Issues['warnings']) => {
    for (const [client, list] of map) {
      for (const issue of list) {
        const key = `${support}|${issue.title}`;
        const entry = byFeature.get(key) ?? { feature: issue.title, support, clients: [], notes: [], occurrences: 0 };
        if (!entry.clients.includes(client)) entry.clients.push(client);
        for (const n of issue.notes) if (!entry.notes.includes(n)) entry.notes.push(n);
        entry.occurrences += 1;
        byFeature.set(key, entry);
      }
    }
  };
  add('none', issues.errors);
  add('partial', issues.warnings);
  for (const issue of mediaFeatureIssues(html, clients)) byFeature.set(`${issue.support}|${issue.feature}`, issue);
  for (const issue of byFeature.values()) issue.url ??= rawData.data.find((f: { title: string }) => f.title === issue.feature)?.url;
  return [...byFeature.values()].sort((a, b) => (a.support === b.support ? b.clients.length - a.clients.length : a.support === 'none' ? -1 : 1));
}

/**
 * caniemail checks that `@media` is used, not what it queries; yet `prefers-color-scheme`
 * (ignored by Gmail) is the one an author most needs to hear about. Looked up here in
 * caniemail's own data, latest test result per client, as caniemail does.
 */
const MEDIA_FEATURES: [RegExp, string][] = [
  [/prefers-color-scheme/, '@media (prefers-color-scheme)'],
  [/prefers-reduced-motion/, '@media (prefers-reduced-motion)'],
  [/\borientation\b/, '@media (orientation)'],
  [/\b(any-)?hover\b/, '@media (hover), @media (any-hover)'],
  [/device-pixel-ratio/, '@media (-webkit-device-pixel-ratio)'],
];

type Stats = Record<string, Record<string, Record<string, string>>>;

function mediaFeatureIssues(html: string, clients: string[]): ClientSupportIssue[] {
  const queries = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/@media([^{]*)\{/gi)].map((q) => q[1] ?? ''),
  );
  if (!queries.length) return [];
  const wanted = clients.map((g) => new RegExp(`^${g.replace(/[.]/g, '\\.').replace(/\*/g, '[^.]*')}$`));
  const out: ClientSupportIssue[] = [];
  for (const [pattern, title] of MEDIA_FEATURES) {
    const used = queries.filter((q) => pattern.test(q)).length;
    const feature = used ? rawData.data.find((f: { title: string }) => f.title === title) : undefined;
    if (!feature) continue;
    const byType: Record<'none' | 'partial', string[]> = { none: [], partial: [] };
    for (const [family, platforms] of Object.entries(feature.stats as Stats)) {
      for (const [platform, versions] of Object.entries(platforms)) {
        const client = `${family}.${platform}`;
        if (!wanted.some((w) => w.test(client))) continue;
        const latest = versions[Object.keys(versions).sort().at(-1) as string] ?? '';
        if (latest.startsWith('n')) byType.none.push(client);
        else if (!latest.startsWith('y')) byType.partial.push(client);
      }
    }
    for (const support of ['none', 'partial'] as const) {
      if (byType[support].length) out.push({ feature: title, support, clients: byType[support], notes: [], occurrences: used * byType[support].length });
    }
  }
  return out;
}
