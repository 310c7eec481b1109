export { loadSeries, listSeries, SERIES_FILE } from './load-series.ts';
export { BROADCASTS_DIR } from './broadcasts-dir.ts';
export { parseMessageFile, resolveCta, type ParsedMessageFile } from './lesson-file.ts';
export { isValidTimezone } from './series-file.ts';
export { parseYamlBlock, splitFrontmatter, MAX_YAML_BYTES } from './yaml-block.ts';
export { readContentFile, MAX_CONTENT_BYTES } from './read-file.ts';
