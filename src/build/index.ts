export { loadProject, type Project } from './project.ts';
export { buildSeries, lessonSource, renderChecked, messageProblems, type BuiltSeries, type BuiltStep, type BuiltMessage } from './build-series.ts';
export { writeSeriesOutput, OUTPUT_DIR, type Manifest, type ManifestStep } from './write-output.ts';
export { projectClaims } from './claims.ts';
