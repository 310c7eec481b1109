export { loadSeries, listSeries } from './load-series.ts';
export { BROADCASTS_DIR } from './broadcasts-dir.ts';
export { parseMessageFile, resolveCta, type ParsedMessageFile } from './lesson-file.ts';
export { parseYamlBlock, MAX_YAML_BYTES } from './yaml-block.ts';
export { readContentFile, MAX_CONTENT_BYTES } from './read-file.ts';
