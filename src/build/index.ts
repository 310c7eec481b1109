export { loadProject, type Project } from './project.ts';
export { buildSeries, renderChecked, messageProblems, TEMPLATE_UNSUBSCRIBE, type BuiltSeries, type BuiltStep, type BuiltMessage } from './build-series.ts';
export { writeSeriesOutput, manifestFor, OUTPUT_DIR, type Manifest, type ManifestStep } from './write-output.ts';
export { projectClaims } from './claims.ts';
